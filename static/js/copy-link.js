// Copy buttons for read-only links: the clipboard where the browser allows it, else the text
// is selected for the phone's own Copy. Either way a line says what happened (aria-live).
// Without JavaScript the buttons stay hidden and the field can be copied by hand.
(function () {
  "use strict";

  function selectAll(input) {
    input.focus();
    input.select();
    input.setSelectionRange(0, input.value.length);
  }

  function fallbackCopy(input) {
    selectAll(input);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function tell(status, text) {
    // Emptied first, so that a second press is announced again.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
    status.classList.add("is-shown");
  }

  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
    input.addEventListener("click", function () { selectAll(input); });
  });

  document.querySelectorAll("button[data-copy-from]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-from"));
    var status = document.getElementById(button.getAttribute("data-copied-into"));
    if (!input || !status) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var copied = status.getAttribute("data-copied-text");
      var failed = status.getAttribute("data-failed-text");
      function viaSelection() {
        tell(status, fallbackCopy(input) ? copied : failed);
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () {
          selectAll(input);
          tell(status, copied);
        }, viaSelection);
      } else {
        viaSelection();
      }
    });
  });
})();
