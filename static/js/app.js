// fleetops page behaviour. No inline scripts anywhere: a strict CSP holds.
(function () {
  "use strict";
  // Close the account menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  // A session that expired mid-page: htmx follows HX-Redirect itself; a 403 on a swap
  // shows the server's message instead of failing silently.
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var target = event.detail.target;
    if (target && xhr && xhr.status >= 400) {
      var note = document.createElement("p");
      note.className = "alert alert-error";
      note.setAttribute("role", "alert");
      var plain = (xhr.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0;
      if (plain && xhr.responseText) {
        note.textContent = xhr.responseText;
      } else {
        note.textContent = xhr.status === 403
          ? "You are not allowed to do that. Nothing was changed."
          : "Something went wrong (" + xhr.status + "). Nothing was changed; try again.";
      }
      target.prepend(note);
    }
  });
})();
