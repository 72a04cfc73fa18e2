// Print buttons ([data-print]): shown only when JavaScript runs, they open the browser's
// print dialog (on a phone: print or save as PDF). Without JavaScript the text next to them
// says where Print is in the browser's menu; no keyboard shortcut is named.
(function () {
  "use strict";
  if (typeof window.print !== "function") { return; }
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
