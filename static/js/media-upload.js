// The program's video and backing track: a resumable upload (tus, with tus-js-client) per kind,
// a large progress bar with the time left, automatic retries when the connection breaks, and
// resuming a cut upload when the same file is chosen again (its fingerprint and the upload's
// address are kept in localStorage). The page's session is the credential; the CSRF token
// travels in X-CSRFToken. While a file is being prepared (processing on the server), the page
// asks the media API every few seconds and shows how far it is, then ready or why not.
(function () {
  "use strict";

  var RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000];
  var FOLLOW_MS = 3000;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? values[name] : whole;
    });
  }

  function errorBody(error) {
    var response = error && error.originalResponse;
    if (!response || !response.getStatus || response.getStatus() < 400) {
      return null;
    }
    try {
      var body = JSON.parse(response.getBody());
      return body && body.error ? body.error : null;
    } catch (ignored) {
      return null;
    }
  }

  function errorCode(error) {
    var body = errorBody(error);
    return body ? body.code : null;
  }

  function serverMessage(error) {
    // A refusal from the server (too large, past the deadline, not allowed) carries the
    // error JSON's plain message; a broken connection has none.
    var body = errorBody(error);
    return body && body.message ? body.message : null;
  }

  function setUp(panel, slot) {
    var input = slot.querySelector("[data-media-file]");
    if (!input || !window.tus || !window.tus.isSupported) {
      return;
    }
    var box = slot.querySelector("[data-media-progress]");
    var bar = slot.querySelector("[data-media-bar]");
    var text = slot.querySelector("[data-media-text]");
    var stop = slot.querySelector("[data-media-stop]");
    var errorBox = slot.querySelector("[data-media-error]");
    var nameBox = slot.querySelector("[data-media-name]");
    var statusBox = slot.querySelector("[data-media-status]");
    var msg = panel.dataset;
    var kind = slot.dataset.kind;
    var maxBytes = parseInt(slot.dataset.maxBytes, 10);
    var current = null;
    var started = 0;
    var startBytes = null; // where this run began (a resumed upload begins part-way)

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = false;
    }

    function timeLeft(sent, total) {
      if (startBytes === null) {
        startBytes = sent;
        started = Date.now();
      }
      var seconds = (Date.now() - started) / 1000;
      var rate = (sent - startBytes) / Math.max(seconds, 0.001);
      if (seconds < 2 || rate <= 0) {
        return "";
      }
      var left = (total - sent) / rate;
      if (left < 60) {
        return msg.msgSeconds;
      }
      return fill(msg.msgMinutes, { n: Math.ceil(left / 60) });
    }

    function showProgress(sent, total) {
      var percent = total > 0 ? Math.floor((sent / total) * 100) : 0;
      bar.value = percent;
      var parts = [fill(msg.msgSent, { percent: percent + "%" })];
      var left = timeLeft(sent, total);
      if (left) {
        parts.push(left);
      }
      text.textContent = parts.join(" · ");
    }

    stop.addEventListener("click", function () {
      if (current) {
        current.abort(false); // keeps what was sent: choosing the file again continues
        current = null;
        text.textContent = msg.msgStopped;
        stop.hidden = true;
        input.disabled = false;
      }
    });

    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) {
        return;
      }
      errorBox.hidden = true;
      if (file.size > maxBytes) {
        showError(fill(msg.msgTooLarge, { size: slot.dataset.maxText }));
        input.value = "";
        return;
      }
      var upload = new window.tus.Upload(file, {
        endpoint: panel.dataset.endpoint,
        chunkSize: parseInt(panel.dataset.chunkBytes, 10) || Infinity,
        retryDelays: RETRY_DELAYS,
        headers: { "X-CSRFToken": panel.dataset.csrf },
        metadata: {
          program_id: panel.dataset.programId,
          kind: kind,
          filename: file.name,
        },
        // One fingerprint per program and kind, so the same file chosen for another program
        // starts its own upload.
        fingerprint: function (chosen) {
          return Promise.resolve(
            [
              "festival-media",
              panel.dataset.programId,
              kind,
              chosen.name,
              chosen.type,
              chosen.size,
              chosen.lastModified,
            ].join("-")
          );
        },
        removeFingerprintOnSuccess: true,
        onShouldRetry: function (error, attempt, options) {
          var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
          if (status >= 400 && status < 500 && status !== 409 && status !== 423) {
            return false;
          }
          if (status === 409 && errorCode(error) === "media_closed") {
            return false; // past the deadline: trying again will not help
          }
          text.textContent = msg.msgRetrying;
          return true;
        },
        onProgress: function (sent, total) {
          showProgress(sent, total);
        },
        onSuccess: function () {
          current = null;
          bar.value = 100;
          text.textContent = msg.msgDone;
          stop.hidden = true;
          input.disabled = false;
          input.value = "";
          nameBox.textContent = file.name;
          nameBox.classList.remove("empty");
          statusBox.textContent = msg.msgProcessing;
          statusBox.hidden = false;
          statusBox.className = "badge media-status-processing";
          slot.querySelector("[data-media-duration]").hidden = true; // the replaced file's
          slot.querySelector("[data-media-detail]").hidden = true;
          slot.classList.add("is-uploaded");
          slot.dataset.status = "processing";
          panel.dispatchEvent(new CustomEvent("media:uploaded"));
        },
        onError: function (error) {
          current = null;
          stop.hidden = true;
          input.disabled = false;
          input.value = "";
          text.textContent = "";
          showError(serverMessage(error) || msg.msgFailed);
        },
      });
      current = upload;
      input.disabled = true;
      box.hidden = false;
      stop.hidden = false;
      bar.value = 0;
      text.textContent = msg.msgStarting;
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          upload.resumeFromPreviousUpload(previous[0]);
          text.textContent = msg.msgResuming;
        }
        startBytes = null;
        upload.start();
      });
    });
  }

  function minutes(seconds) {
    var whole = Math.round(seconds);
    var rest = whole % 60;
    return Math.floor(whole / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function showPrepared(panel, slot, item) {
    // One file's state from the media API: how far it is prepared, ready, or why not.
    var msg = panel.dataset;
    var statusBox = slot.querySelector("[data-media-status]");
    var detail = slot.querySelector("[data-media-detail]");
    var duration = slot.querySelector("[data-media-duration]");
    slot.dataset.status = item.status;
    statusBox.className = "badge media-status-" + item.status;
    if (item.status === "processing") {
      if (item.progress !== null && item.progress !== undefined) {
        detail.textContent = fill(msg.msgPrepared, { percent: item.progress + "%" });
        detail.hidden = false;
      }
      return;
    }
    statusBox.textContent = item.status === "ready" ? msg.msgReady : msg.msgNotPrepared;
    var upload = slot.querySelector("[data-media-progress]");
    if (upload) {
      upload.hidden = true; // "uploaded, being prepared" is over
    }
    if (item.duration_seconds !== null && item.duration_seconds !== undefined) {
      duration.textContent = minutes(item.duration_seconds);
      duration.hidden = false;
    }
    detail.textContent = item.error ? item.error.message : "";
    detail.hidden = !item.error;
  }

  function follow(panel) {
    var timer = null;
    var refused = false; // signed out, or no longer allowed: stop asking

    function preparing() {
      return panel.querySelector("[data-media-slot][data-status=processing]") !== null;
    }

    function later() {
      if (timer === null && !refused && preparing()) {
        timer = window.setTimeout(ask, FOLLOW_MS);
      }
    }

    function ask() {
      timer = null;
      fetch(panel.dataset.mediaUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          refused = response.status >= 400 && response.status < 500;
          return response.ok ? response.json() : null;
        })
        .then(function (body) {
          (body ? body.items : []).forEach(function (item) {
            var slot = panel.querySelector('[data-media-slot][data-kind="' + item.kind + '"]');
            if (slot && slot.dataset.status === "processing") {
              showPrepared(panel, slot, item);
            }
          });
        })
        .catch(function () {
          // the network dropped for a moment: ask again later
        })
        .then(later);
    }

    panel.addEventListener("media:uploaded", later);
    later();
  }

  document.querySelectorAll("[data-media-panel]").forEach(function (panel) {
    panel.querySelectorAll("[data-media-slot]").forEach(function (slot) {
      setUp(panel, slot);
    });
    follow(panel);
  });
})();
