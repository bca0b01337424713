// Release board: drag a card to another column to move the group's sign-off.
// Buttons do the same without JavaScript; this only adds drag and drop.
(function () {
  "use strict";
  var dragged = null;

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
    var state = column.dataset.state;
    var form = dragged.querySelector("form.signoff-form");
    if (!form) return;
    var note = form.querySelector("textarea[name='note']");
    if (state === "blocked" && !note.value.trim()) {
      // Blocked needs a reason: ask for it on the card instead of guessing.
      note.focus();
      note.setAttribute("aria-invalid", "true");
      note.placeholder = "Say why the group is blocked, then press Blocked.";
      return;
    }
    var button = form.querySelector("button[name='state'][value='" + state + "']");
    if (button) button.click();
  });
})();
