// The sound desk: every backing track is fetched ahead into a Blob and played from an object
// URL, so that the show goes on when the venue's network drops. Space plays or pauses, →
// moves to the next program; Play, Stop and Next do the same.
(function () {
  "use strict";
  var desk = document.querySelector("[data-sound-desk]");
  if (!desk) { return; }
  var player = desk.querySelector("[data-player]");
  var rows = Array.prototype.slice.call(desk.querySelectorAll("[data-item]"));
  var playButton = desk.querySelector("[data-play]");
  var stopButton = desk.querySelector("[data-stop]");
  var nextButton = desk.querySelector("[data-next]");
  var loadedText = desk.querySelector("[data-loaded]");
  var nowTitle = desk.querySelector("[data-now-title]");
  var nowTroupe = desk.querySelector("[data-now-troupe]");
  var timeLeft = desk.querySelector("[data-time-left]");
  var note = desk.querySelector("[data-note]");
  var text = desk.dataset;
  var tracks = rows.filter(function (row) { return row.dataset.url; });
  var blobs = new Map();  // row -> object URL
  var current = 0;
  var cuedRow = null;  // the row whose track is in the player

  function clock(seconds) {
    if (!isFinite(seconds) || seconds < 0) { seconds = 0; }
    seconds = Math.round(seconds);
    var s = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s;
  }

  function showLoaded() {
    if (!tracks.length) { return; }
    var complete = blobs.size === tracks.length;
    loadedText.querySelector("[data-loaded-count]").textContent =
      text.textLoaded.replace("{loaded}", blobs.size).replace("{total}", tracks.length);
    loadedText.querySelector("[data-loaded-all]").hidden = !complete;
    loadedText.classList.toggle("is-complete", complete);
  }

  function load(row, attempt) {
    var state = row.querySelector("[data-state]");
    return fetch(row.dataset.url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.blob();
      })
      .then(function (blob) {
        blobs.set(row, URL.createObjectURL(blob));
        row.classList.add("is-loaded");
        if (state) { state.textContent = "✓"; }
        showLoaded();
      })
      .catch(function () {
        if (state) { state.textContent = text.textFailed; }
        if (attempt < 5) {
          return new Promise(function (resolve) {
            setTimeout(function () { resolve(load(row, attempt + 1)); }, 3000 * (attempt + 1));
          });
        }
      });
  }

  function loadAll() {
    // Two at a time: the first tracks are ready soon, the network is not flooded.
    var queue = tracks.slice();
    function worker() {
      var row = queue.shift();
      if (!row) { return Promise.resolve(); }
      return load(row, 0).then(worker);
    }
    worker();
    worker();
  }

  function showTimeLeft() {
    var row = rows[current];
    if (!row || !row.dataset.url) { timeLeft.textContent = "--:--"; return; }
    var total = player.duration;
    if (cuedRow !== row || !isFinite(total)) { total = parseFloat(row.dataset.duration) || 0; }
    var played = cuedRow === row ? player.currentTime : 0;
    timeLeft.textContent = "−" + clock(total - played);
  }

  function showPlaying() {
    var playing = !player.paused && cuedRow === rows[current];
    playButton.textContent = playing ? text.textPause : text.textPlay;
    playButton.setAttribute("aria-pressed", playing ? "true" : "false");
    rows.forEach(function (row) {
      row.classList.toggle("is-playing", playing && row === rows[current]);
    });
  }

  function cue(index) {
    if (index < 0 || index >= rows.length) { return; }
    stop();
    current = index;
    rows.forEach(function (row, i) {
      row.classList.toggle("is-current", i === current);
      if (i === current) { row.setAttribute("aria-current", "true"); } else { row.removeAttribute("aria-current"); }
    });
    var row = rows[current];
    nowTitle.textContent = row.dataset.title;
    nowTroupe.textContent = row.dataset.troupe;
    note.textContent = row.dataset.url ? "" : text.textNoTrack;
    playButton.disabled = !row.dataset.url;
    stopButton.disabled = !row.dataset.url;
    nextButton.disabled = current >= rows.length - 1;
    showTimeLeft();
    showPlaying();
  }

  function play() {
    var row = rows[current];
    if (!row || !row.dataset.url) { return; }
    if (cuedRow !== row) {
      // The prefetched copy when it is there; the network only as a last resort.
      player.src = blobs.get(row) || row.dataset.url;
      cuedRow = row;
    }
    var started = player.play();
    if (started && started.catch) {
      started.catch(function () { note.textContent = text.textFailed; });
    }
  }

  function pause() { player.pause(); }

  function stop() {
    player.pause();
    if (cuedRow) {
      try { player.currentTime = 0; } catch (e) { /* not loaded yet */ }
    }
    showTimeLeft();
    showPlaying();
  }

  function toggle() {
    if (!player.paused && cuedRow === rows[current]) { pause(); } else { play(); }
  }

  function next() { cue(current + 1); }

  playButton.addEventListener("click", toggle);
  stopButton.addEventListener("click", stop);
  nextButton.addEventListener("click", next);
  rows.forEach(function (row, index) {
    var button = row.querySelector("[data-cue]");
    if (button) { button.addEventListener("click", function () { cue(index); }); }
  });
  ["play", "pause", "ended"].forEach(function (name) { player.addEventListener(name, showPlaying); });
  ["timeupdate", "loadedmetadata", "ended"].forEach(function (name) { player.addEventListener(name, showTimeLeft); });
  player.addEventListener("ended", function () {
    if (cuedRow) { cuedRow.classList.add("is-played"); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    if (event.key === " " || event.code === "Space") {
      event.preventDefault();
      toggle();
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      next();
    }
  });

  if (rows.length) { cue(0); }
  showLoaded();
  loadAll();
})();
