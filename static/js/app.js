// fleetops page behaviour. No inline scripts anywhere: a strict CSP holds.
(function () {
  "use strict";
  // Close the account menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  // A session that expired mid-page: htmx follows HX-Redirect itself. Any other error
  // answer of a swap shows the server's message where the action was, once (a retry
  // replaces it, never piles up). An outage (503) shows one banner at the top of the page
  // instead, which goes away by itself with the next answer that succeeds.
  function outageBanner(text) {
    var banner = document.getElementById("outage-banner");
    if (!banner) {
      banner = document.createElement("p");
      banner.id = "outage-banner";
      banner.className = "alert alert-error outage-banner";
      banner.setAttribute("role", "alert");
      var main = document.querySelector("main") || document.body;
      main.prepend(banner);
    }
    banner.textContent = text;
  }
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var target = event.detail.target;
    if (!xhr || xhr.status < 400) return;
    var plain = (xhr.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0;
    var text = plain && xhr.responseText ? xhr.responseText : null;
    if (xhr.status === 503) {
      outageBanner(text || "fleetops is briefly unavailable; nothing was changed. This clears by itself.");
      return;
    }
    if (!target) return;
    var note = target.querySelector(":scope > .htmx-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "alert alert-error htmx-error";
      note.setAttribute("role", "alert");
      target.prepend(note);
    }
    note.textContent = text || (xhr.status === 403
      ? "You are not allowed to do that. Nothing was changed."
      : "Something went wrong (" + xhr.status + "). Nothing was changed; try again.");
  });
  // A form answered with errors: move focus to the first invalid field, so the keyboard and
  // a screen reader land on the error (aria-describedby names its message). On a full page
  // load this runs once; after a swap only for answers to a submitted form, never for a
  // background poll (it would steal focus from someone typing elsewhere).
  function focusFirstInvalid(root) {
    var field = root && root.querySelector('[aria-invalid="true"]');
    if (!field) return false;
    field.focus();
    if (field.scrollIntoView) field.scrollIntoView({ block: "center" });
    return true;
  }
  document.addEventListener("DOMContentLoaded", function () { focusFirstInvalid(document); });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig;
    if (!config || config.verb === "get") return;
    // An outerHTML swap hands over the element it replaced, no longer in the page: then
    // the answer's invalid field is looked for in the whole page.
    var target = event.detail.target;
    focusFirstInvalid(target && target.isConnected ? target : document);
  });
  // A button that starts a job: while its request is out, the panel it answers into is
  // busy for assistive technology too (the button itself is disabled and spins: CSS).
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var config = event.detail.requestConfig;
    var target = event.detail.target;
    if (!config || config.verb === "get" || !target) return;
    target.setAttribute("aria-busy", "true");
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var config = event.detail.requestConfig;
    var target = event.detail.target;
    if (!config || config.verb === "get" || !target || !target.isConnected) return;
    if (target.getAttribute("aria-busy") === "true" && !target.hasAttribute("hx-get")) {
      target.setAttribute("aria-busy", "false");
    }
  });
  // A plain form that starts slow work (GitHub writes: the cut, the conclusion, a dogfood
  // deploy) spins once submitted, and its button is disabled so a second click cannot send
  // it again. Disabled a tick later: the button's own name and value are still submitted.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches || !form.matches("form[data-busy]")) return;
    if (form.hasAttribute("hx-post")) return;  // htmx forms: hx-disabled-elt does it
    form.classList.add("is-busy");
    form.setAttribute("aria-busy", "true");
    window.setTimeout(function () {
      form.querySelectorAll('button:not([type="button"])').forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // Back to a page from the history: its forms are idle again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form.is-busy").forEach(function (form) {
      form.classList.remove("is-busy");
      form.setAttribute("aria-busy", "false");
      form.querySelectorAll("button[disabled]").forEach(function (b) { b.disabled = false; });
    });
  });
  document.body.addEventListener("htmx:sendError", function () {
    outageBanner("fleetops could not be reached; nothing was changed. This clears by itself.");
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status > 0 && xhr.status < 400) {
      var banner = document.getElementById("outage-banner");
      if (banner) banner.remove();
    }
  });
})();
