/* The big screen of a round: polls the live API every second with If-None-Match (an
   unchanged poll is a 304 costing one query) and shows the program on stage, how many judges
   have confirmed and, once all have, each judge's total (numbered, never named), the dropped
   ones struck through and the final score. */
(function () {
  "use strict";
  var root = document.getElementById("live-screen");
  if (!root) return;
  var d = root.dataset;
  var etag = null;
  function el(id) { return document.getElementById(id); }

  function render(state) {
    var stage = state.on_stage;
    el("screen-waiting").hidden = !!stage;
    el("screen-program").hidden = !stage;
    if (!stage) return;
    el("screen-position").textContent = d.msgPosition.replace("{position}", stage.position);
    el("screen-title").textContent = "《" + stage.title.replace(/^《/, "").replace(/》$/, "") + "》";
    el("screen-troupe").textContent = stage.troupe_name || "";
    el("screen-confirmed").textContent = d.msgConfirmed
      .replace("{confirmed}", state.confirmed).replace("{judges}", state.judges);
    var totals = el("screen-totals");
    var done = state.score != null && state.totals;
    totals.hidden = !done;
    el("screen-score").hidden = !done;
    el("screen-score-label").hidden = !done;
    totals.textContent = "";
    if (!done) { el("screen-score").textContent = ""; return; }
    var dropped = {};
    (state.dropped || []).forEach(function (item) { dropped[item.judge] = true; });
    state.totals.forEach(function (item) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.className = "screen-judge";
      name.textContent = d.msgJudge.replace("{number}", item.judge);
      var value = document.createElement(dropped[item.judge] ? "del" : "span");
      value.className = "screen-total";
      value.textContent = item.total;
      li.appendChild(name);
      li.appendChild(value);
      if (dropped[item.judge]) {
        li.className = "is-dropped";
        var note = document.createElement("span");
        note.className = "visually-hidden";
        note.textContent = d.msgDropped;
        li.appendChild(note);
      }
      totals.appendChild(li);
    });
    el("screen-score").textContent = state.score;
  }

  function poll() {
    var headers = {};
    if (etag) headers["If-None-Match"] = etag;
    fetch(d.liveUrl, { credentials: "same-origin", cache: "no-store", headers: headers }).then(function (response) {
      el("screen-offline").hidden = true;
      if (response.status === 304 || !response.ok) return;
      etag = response.headers.get("ETag");
      return response.json().then(render);
    }, function () { el("screen-offline").hidden = false; }).then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
