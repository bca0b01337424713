// Copy buttons of the calendar feeds (templates/includes/feed_link.html). No inline script:
// a button names the read-only input it copies with data-copy-from. Without JavaScript the
// buttons stay hidden and the address is selected by hand; with it, a click copies the
// address and the feed's status region (aria-live) says "Copied".
(function () {
  "use strict";

  function enhance(root) {
    (root || document).querySelectorAll("[data-copy-from][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function statusFor(button) {
    var feed = button.closest(".feed-link");
    return feed ? feed.querySelector(".feed-copy-status") : null;
  }

  // The button itself says "Copied"; the status region says it to a screen reader, and
  // shows only a refusal (what to do instead).
  function announce(button, text, shown) {
    var status = statusFor(button);
    if (!status) return;
    status.classList.toggle("feed-copy-status-shown", Boolean(shown));
    // Clear first: a screen reader announces the same text again on a second copy.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
    window.clearTimeout(button._copyTimer);
    button._copyTimer = window.setTimeout(function () {
      status.textContent = "";
      status.classList.remove("feed-copy-status-shown");
      button.textContent = "Copy";
      button.classList.remove("copied");
    }, 4000);
  }

  // The old way, for pages served over plain http (no navigator.clipboard there).
  function copyBySelecting(input) {
    input.focus();
    input.select();
    input.setSelectionRange(0, input.value.length);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copied(button) {
    button.textContent = "Copied";
    button.classList.add("copied");
    announce(button, "Copied");
  }

  function refused(button, input) {
    input.focus();
    input.select();
    announce(button, "Could not copy: the address is selected, press Ctrl+C (⌘C on a Mac).", true);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-from]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy-from"));
    if (!input) return;
    var text = input.value;
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { copied(button); },
        function () { if (copyBySelecting(input)) copied(button); else refused(button, input); }
      );
    } else if (copyBySelecting(input)) {
      copied(button);
    } else {
      refused(button, input);
    }
  });

  // A click into an address selects all of it, ready to copy by hand.
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input.feed-url")) input.select();
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function () { enhance(document); });
  document.addEventListener("htmx:historyRestore", function () { enhance(document); });
})();
