// The progress of a festival's certificates PDF while it is made: polls the status URL, moves
// the <progress> bar, then reloads the page, which offers the download. Without JavaScript the page refreshes
// itself (a meta refresh inside <noscript>).
(function () {
  "use strict";
  var box = document.querySelector("[data-paper-progress]");
  if (!box) { return; }
  var bar = box.querySelector("[data-paper-bar]");
  var text = box.querySelector("[data-paper-text]");
  if (!bar || !text) { return; }
  var every = (parseInt(box.getAttribute("data-poll-seconds"), 10) || 2) * 1000;

  function show(status) {
    bar.max = status.total || 1;
    bar.value = status.done;
    bar.textContent = status.done + " / " + status.total;
    text.textContent = box.getAttribute("data-building-text")
      .replace("{done}", status.done).replace("{total}", status.total);
  }

  function poll() {
    fetch(box.getAttribute("data-status-url"), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        show(status);
        if (status.state === "ready") {
          // The whole page again: its ready text and the download button.
          window.location.reload();
        } else if (status.state === "failed") {
          text.textContent = box.getAttribute("data-failed-text");
          bar.hidden = true;
        } else {
          window.setTimeout(poll, every);
        }
      })
      .catch(function () { window.setTimeout(poll, every * 2); });
  }
  window.setTimeout(poll, every);
}());
