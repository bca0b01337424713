// Release board: drag and drop (pressing the card's own buttons), and keeping the person's
// place across live updates: what they typed, what they opened, where their focus was.
// Buttons do everything without JavaScript; this only adds to them.
(function () {
  "use strict";
  var dragged = null;
  var acting = null; // the card whose form was just sent: {slug, what}
  var saved = null; // the board's state just before a swap, restored after it

  function cardOf(element) {
    return element && element.closest ? element.closest(".signoff-card") : null;
  }

  function say(text) {
    var status = document.getElementById("board-status");
    if (!status) return;
    status.textContent = "";
    // A fresh text node, a tick later: screen readers announce a repeated message too.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  // --- Drag and drop: a drop presses the button of the column it was dropped on. ---
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".signoff-card[draggable='true']");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.group);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    document.querySelectorAll(".kanban-col.is-over").forEach(function (col) {
      col.classList.remove("is-over");
    });
    dragged = null;
  });

  document.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".kanban-col");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add("is-over");
  });

  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".kanban-col");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("is-over");
  });

  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".kanban-col");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("is-over");
    var form = dragged.querySelector("form.signoff-form");
    var button = form && form.querySelector(
      "button[name='state'][value='" + column.dataset.state + "']"
    );
    // The server decides (a Blocked drop without a reason is answered on the card, like the
    // button), so a drop and a press always do the same.
    if (button) button.click();
  });

  // --- Which card acted, and where an error answer goes: into that card. ---
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var config = event.detail.requestConfig;
    var card = cardOf(event.detail.elt);
    if (!config || config.verb === "get" || !card) return;
    var path = config.path || "";
    acting = {
      slug: card.dataset.group,
      what: /\/notes$/.test(path) ? "note" : /\/reason$/.test(path) ? "reason" : "move",
    };
  });

  function snapshot(root) {
    var state = { values: {}, open: [], focus: null };
    root.querySelectorAll("textarea[id], input[type='text'][id]").forEach(function (field) {
      if (field.value !== field.defaultValue) state.values[field.id] = field.value;
    });
    root.querySelectorAll("details[id][open]").forEach(function (details) {
      state.open.push(details.id);
    });
    var active = document.activeElement;
    if (active && active.id && root.contains(active)) {
      state.focus = { id: active.id, start: active.selectionStart, end: active.selectionEnd };
    }
    return state;
  }

  function restore(state, skipCard) {
    // The card that was just sent shows the server's answer (its errors and kept input, or
    // a fresh form); everything else comes back as the person left it.
    var inSkipped = function (element) { return skipCard && skipCard.contains(element); };
    Object.keys(state.values).forEach(function (id) {
      var field = document.getElementById(id);
      if (field && !inSkipped(field)) field.value = state.values[id];
    });
    state.open.forEach(function (id) {
      var details = document.getElementById(id);
      if (details && (!inSkipped(details) || details.classList.contains("card-history"))) {
        details.open = true;
      }
    });
    if (state.focus && !skipCard) {
      var focused = document.getElementById(state.focus.id);
      if (focused) {
        focused.focus({ preventScroll: true });
        if (state.focus.start != null && focused.setSelectionRange) {
          try { focused.setSelectionRange(state.focus.start, state.focus.end); } catch (e) { /* */ }
        }
      }
    }
  }

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var xhr = detail.xhr;
    var elt = detail.requestConfig && detail.requestConfig.elt;
    var card = cardOf(elt);
    if (xhr && xhr.status >= 400 && card) {
      // app.js writes the message into the target: make that the card, not the board.
      var slot = card.querySelector(".card-feedback");
      if (slot) detail.target = slot;
      acting = null;
      return;
    }
    if (detail.shouldSwap && detail.target && detail.target.id === "board-live") {
      saved = snapshot(detail.target);
    }
  });

  function focusCard(slug, what) {
    var card = document.getElementById("card-" + slug);
    if (!card) return;
    var invalid = card.querySelector("[aria-invalid='true']");
    var alert = card.querySelector(".form-errors");
    if (invalid) {
      invalid.focus();
      if (invalid.scrollIntoView) invalid.scrollIntoView({ block: "center" });
      return;
    }
    card.focus({ preventScroll: true });
    if (card.scrollIntoView) card.scrollIntoView({ block: "nearest" });
    if (alert) return; // role="alert" speaks for itself
    var name = (card.querySelector("h3") || card).textContent.trim();
    var column = card.closest(".kanban-col");
    var where = column ? column.getAttribute("aria-label").toLowerCase() : "";
    say(what === "note" ? "Note added to " + name + "."
      : what === "reason" ? name + ": blocked reason saved."
      : name + " is now in " + where + ".");
  }

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig;
    if (event.target && event.target.id === "exceptions" && config && config.verb !== "get") {
      // An answered exception form: on to its first refused field, else its notice.
      var invalid = event.target.querySelector("[aria-invalid='true']");
      var notice = event.target.querySelector(".alert-ok, .form-errors");
      if (invalid) {
        invalid.focus();
        if (invalid.scrollIntoView) invalid.scrollIntoView({ block: "center" });
      } else if (notice) {
        notice.setAttribute("tabindex", "-1");
        notice.focus();
      }
      return;
    }
    if (!event.target || event.target.id !== "board-live") return;
    var done = config && config.verb !== "get" ? acting : null;
    acting = null;
    if (saved) {
      restore(saved, done ? document.getElementById("card-" + done.slug) : null);
      saved = null;
    }
    if (done) focusCard(done.slug, done.what);
  });
})();
