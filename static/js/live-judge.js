/* A judge's tablet on the performance day: follows the program on stage by polling the live
   API every second (If-None-Match: an unchanged poll is a 304), saves the scores (PUT, which
   is idempotent) and confirms them. What was typed is kept in localStorage per round and
   program, and sent again with backoff when the connection returns. */
(function () {
  "use strict";
  var root = document.getElementById("live-judge");
  if (!root) return;
  var tokenTag = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = tokenTag ? tokenTag.getAttribute("content") : "";
  var d = root.dataset;
  var roundId = d.roundId;
  var form = document.getElementById("live-form");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name]"));
  var message = document.getElementById("live-message");
  var connection = document.getElementById("live-connection");
  var lockedNote = document.getElementById("live-locked");
  var saveButton = document.getElementById("live-save");
  var confirmButton = document.getElementById("live-confirm");
  var etag = null;
  var programId = null;
  var locked = false;
  var retryDelay = 1000;
  var retryTimer = null;
  var offline = false;

  function key(pid) { return "festival-live:" + roundId + ":" + pid; }
  function stored(pid) {
    try { return JSON.parse(localStorage.getItem(key(pid)) || "null"); } catch (e) { return null; }
  }
  function store(pid, entry) {
    try { localStorage.setItem(key(pid), JSON.stringify(entry)); } catch (e) { /* full */ }
  }
  function forget(pid) { try { localStorage.removeItem(key(pid)); } catch (e) { /* none */ } }
  function values() {
    var out = {};
    inputs.forEach(function (input) { out[input.name] = input.value.trim(); });
    return out;
  }
  function fill(scores) {
    inputs.forEach(function (input) {
      input.value = scores && scores[input.name] != null ? scores[input.name] : "";
    });
  }
  function setOffline(isOffline) {
    offline = isOffline;
    connection.hidden = !isOffline;
    connection.textContent = isOffline ? d.msgOffline : "";
    root.classList.toggle("is-offline", isOffline);
  }
  function setLocked(isLocked) {
    locked = isLocked;
    lockedNote.hidden = !isLocked;
    inputs.forEach(function (input) { input.disabled = isLocked; });
    saveButton.disabled = isLocked;
    confirmButton.disabled = isLocked;
    form.classList.toggle("is-locked", isLocked);
    if (isLocked) message.textContent = "";
  }
  function request(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, "Accept-Language": document.documentElement.lang },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  }
  function explain(response) {
    return response.json().then(function (body) {
      var error = body.error || {};
      var parts = [error.message || ""];
      Object.keys(error.fields || {}).forEach(function (name) { parts.push(error.fields[name].join(" ")); });
      message.textContent = d.msgFailed + " " + parts.join(" ");
    }, function () { message.textContent = d.msgFailed; });
  }

  /* Send every kept, unsent save of this round; true when all went through. */
  function sendPending() {
    var sends = [];
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (!k || k.indexOf("festival-live:" + roundId + ":") !== 0) continue;
      var pid = k.split(":")[2];
      var entry = stored(pid);
      if (entry && entry.pending) sends.push(send(pid, entry.scores));
    }
    return Promise.all(sends).then(function (results) {
      return results.every(function (ok) { return ok; });
    });
  }
  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      sendPending().then(function (ok) {
        if (ok) { retryDelay = 1000; return; }
        retryDelay = Math.min(retryDelay * 2, 15000);
        scheduleRetry();
      });
    }, retryDelay);
  }
  /* PUT the scores of one program; a dropped connection keeps them pending for a retry. */
  function send(pid, scores) {
    store(pid, { scores: scores, pending: true });
    return request("PUT", d.scoresUrl + pid, { scores: scores }).then(function (response) {
      setOffline(false);
      if (response.ok) {
        var now = stored(pid);
        if (now && JSON.stringify(now.scores) === JSON.stringify(scores)) store(pid, { scores: scores, pending: false });
        if (String(pid) === String(programId)) message.textContent = d.msgSaved;
        return true;
      }
      if (response.status >= 500) { setOffline(true); scheduleRetry(); return false; }
      store(pid, { scores: scores, pending: false });  /* refused: sending again will not help */
      if (String(pid) === String(programId)) {
        response.clone().json().then(function (body) {
          if (body.error && body.error.code === "score_locked") setLocked(true);
        }, function () {});
        explain(response);
      }
      return String(pid) !== String(programId);
    }, function () {
      setOffline(true);
      scheduleRetry();
      return false;
    });
  }

  function loadProgram(pid) {
    programId = pid;
    message.textContent = "";
    var entry = stored(pid);
    if (entry) { fill(entry.scores); return; }
    fill(null);
    request("GET", d.sheetUrl).then(function (response) {
      if (!response.ok) return;
      return response.json().then(function (sheet) {
        if (String(programId) !== String(pid) || stored(pid)) return;
        sheet.items.forEach(function (item) {
          if (String(item.program_id) === String(pid)) {
            var scores = {};
            Object.keys(item.scores).forEach(function (id) { scores[id] = item.scores[id]; });
            fill(scores);
          }
        });
      });
    }, function () {});
  }

  function render(state) {
    var stage = state.on_stage;
    document.getElementById("live-waiting").hidden = !!stage;
    document.getElementById("live-program").hidden = !stage;
    form.hidden = !stage;
    if (!stage) { programId = null; return; }
    document.getElementById("live-position").textContent = d.msgPosition.replace("{position}", stage.position);
    document.getElementById("live-title").textContent = "《" + stage.title.replace(/^《/, "").replace(/》$/, "") + "》";
    document.getElementById("live-troupe").textContent = stage.troupe_name || "";
    if (String(stage.program_id) !== String(programId)) loadProgram(stage.program_id);
    setLocked(!!state.you_confirmed);
  }

  function poll() {
    var headers = {};
    if (etag) headers["If-None-Match"] = etag;
    fetch(d.liveUrl, { credentials: "same-origin", cache: "no-store", headers: headers }).then(function (response) {
      if (offline) { setOffline(false); sendPending(); }
      if (response.status === 304) return;
      if (!response.ok) return;
      etag = response.headers.get("ETag");
      return response.json().then(render);
    }, function () { setOffline(true); }).then(function () { setTimeout(poll, 1000); });
  }

  inputs.forEach(function (input) {
    input.addEventListener("input", function () {
      if (programId == null) return;
      var entry = stored(programId);
      store(programId, { scores: values(), pending: entry ? entry.pending : false });
    });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (locked || programId == null) return;
    message.textContent = d.msgSaving;
    send(programId, values());
  });
  confirmButton.addEventListener("click", function () {
    if (locked || programId == null) return;
    if (!window.confirm(d.msgConfirmAsk)) return;
    var pid = programId;
    message.textContent = d.msgSaving;
    send(pid, values()).then(function (ok) {
      if (!ok) return;
      return request("POST", d.scoresUrl + pid + "/confirm").then(function (response) {
        if (response.ok) {
          forget(pid);
          if (String(pid) === String(programId)) setLocked(true);
          return;
        }
        explain(response);
      }, function () { setOffline(true); });
    });
  });

  sendPending();
  poll();
})();
