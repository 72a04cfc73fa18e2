/* The judge's score sheet, enhanced: Enter moves on (and saves a row when leaving its last box),
   each value is checked as it is typed, row totals update live, and Save stores the row through
   the JSON API without reloading the page. Where the stylesheet lays the rows out as cards (a
   narrow screen), one card is shown at a time with Previous/Next. Without this script every row
   is a plain form, and on a narrow screen every card is shown, one under the other.
   On a narrow screen the criteria explanation starts folded, so that the card being scored is on
   the first screen, and the foot bar names that card. Leaving the page (a link, a reload) while
   a program has typed scores not saved yet asks first. A program's comment box (点评) is saved
   with its scores and counts as a change like them; Enter in it starts a new line. */
(function () {
  "use strict";

  var sheet = document.getElementById("score-sheet");
  if (!sheet) { return; }
  var messages = sheet.dataset;
  var tokenTag = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = tokenTag ? tokenTag.getAttribute("content") : "";
  var progressText = document.getElementById("sheet-progress");
  var progressBar = document.getElementById("sheet-progress-bar");
  var DECIMAL = /^\d+(\.\d{1,2})?$/;
  var cardsNav = document.getElementById("sheet-cards-nav");
  var current = 0;  // the card shown when the sheet is paged
  var criteriaBox = document.getElementById("sheet-criteria-box");
  var progressBox = progressText ? progressText.parentNode : null;

  function rows() {
    return Array.prototype.slice.call(sheet.querySelectorAll("tr.sheet-row"));
  }

  function inputsOf(row) {
    return Array.prototype.slice.call(row.querySelectorAll("input[data-criterion-id]"));
  }

  /* The program's comment box (点评), or null on a closed sheet. */
  function commentOf(row) {
    return row.querySelector("textarea[data-comment]");
  }

  function errorOf(input) {
    return document.getElementById(input.id + "-error");
  }

  function showError(input, text) {
    var box = errorOf(input);
    if (box && box.textContent !== text) { box.textContent = text; }
    if (text) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  /* Hundredths as an integer, or null when the text is not a score with at most two places. */
  function hundredths(text) {
    if (!DECIMAL.test(text)) { return null; }
    var parts = text.split(".");
    var fraction = ((parts[1] || "") + "00").slice(0, 2);
    return parseInt(parts[0], 10) * 100 + parseInt(fraction, 10);
  }

  /* The problem with an input's value as typed, or "" (an empty box is not an error yet). */
  function problemOf(input) {
    if (input.validity && input.validity.badInput) { return messages.msgNumber; }
    var text = input.value.trim();
    if (text === "") { return ""; }
    if (/^-/.test(text)) { return input.dataset.msgRange; }
    var value = hundredths(text);
    if (value === null) { return messages.msgNumber; }
    if (value > hundredths(input.dataset.max)) { return input.dataset.msgRange; }
    return "";
  }

  function check(input) {
    var problem = problemOf(input);
    showError(input, problem);
    return problem === "";
  }

  function formatHundredths(value) {
    var cents = String(value % 100);
    return Math.floor(value / 100) + "." + (cents.length < 2 ? "0" + cents : cents);
  }

  /* Σ weight × score, exact in integers, rounded half up to two places; "–" until complete. */
  function updateTotal(row) {
    var sum = 0;
    var complete = inputsOf(row).every(function (input) {
      var value = problemOf(input) === "" ? hundredths(input.value.trim()) : null;
      if (value === null) { return false; }
      sum += value * hundredths(input.dataset.weight);
      return true;
    });
    row.querySelector(".sheet-total").textContent =
      complete ? formatHundredths(Math.floor((sum + 50) / 100)) : "–";
  }

  function setState(row, text, saved) {
    var state = row.querySelector(".sheet-state");
    state.textContent = text;
    state.classList.toggle("is-saved", saved);
  }

  function setRowError(row, text) {
    row.querySelector(".sheet-row-error").textContent = text;
    row.classList.toggle("has-error", Boolean(text) ||
      inputsOf(row).some(function (input) { return input.hasAttribute("aria-invalid"); }));
  }

  /* A typed comment counts as much as a typed score: it is saved with the row. */
  function isDirty(row) {
    var comment = commentOf(row);
    return row.dataset.failed === "true" ||
      Boolean(comment && comment.value !== comment.defaultValue) ||
      inputsOf(row).some(function (input) { return input.value !== input.defaultValue; });
  }

  function updateProgress() {
    var all = rows();
    // The sheet may be one page of several: rows elsewhere count as the server said.
    var scored = Number(progressText.dataset.scoredElsewhere || 0) +
      all.filter(function (row) { return row.dataset.complete === "true"; }).length;
    var total = Number(progressText.dataset.total || all.length);
    progressText.textContent = messages.msgProgress
      .replace("{scored}", String(scored)).replace("{total}", String(total));
    if (progressBar) { progressBar.value = scored; }
    if (cardsNav) { cardsNav.querySelector(".sheet-cards-scored").textContent = progressText.textContent; }
  }

  /* The stylesheet says which layout it chose, so the breakpoint lives in one place. */
  function isCards() {
    return window.getComputedStyle(sheet).getPropertyValue("--sheet-layout").trim() === "cards";
  }

  function isPaged() {
    return sheet.classList.contains("is-paged");
  }

  function showCard(index) {
    var all = rows();
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) { row.classList.toggle("is-current", i === current); });
    if (!cardsNav || !all.length) { return; }
    cardsNav.querySelector(".sheet-cards-position").textContent = messages.msgPosition
      .replace("{number}", all[current].dataset.position)
      .replace("{total}", progressText.dataset.total || String(all.length));
    cardsNav.querySelector(".sheet-cards-title").textContent =
      all[current].querySelector(".sheet-program").textContent.trim();
    cardsNav.querySelector(".sheet-prev").disabled = current === 0;
    cardsNav.querySelector(".sheet-next").disabled = current === all.length - 1;
  }

  /* Show a card, bring its top into view and put the cursor in its first box. */
  function openCard(index) {
    showCard(index);
    var row = rows()[current];
    var top = row.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight / 2) { row.scrollIntoView({ block: "start" }); }
    var first = inputsOf(row)[0];
    if (first) { focusInput(first); }
  }

  function layOut() {
    var paged = Boolean(cardsNav) && rows().length > 1 && isCards();
    if (paged === isPaged() && cardsNav && cardsNav.hidden === !paged) { return; }
    sheet.classList.toggle("is-paged", paged);
    if (cardsNav) { cardsNav.hidden = !paged; }
    // The foot bar then says how far the judge got: the line at the top would repeat it.
    if (progressBox) { progressBox.classList.toggle("is-shown-below", paged); }
  }

  /* The card to start on: one the server refused, the one just saved without this script, or
     the first not scored yet. */
  function firstCard() {
    var all = rows();
    var hash = window.location.hash.replace("#", "");
    var index = all.findIndex(function (row) { return row.classList.contains("has-error"); });
    if (index < 0 && hash) { index = all.findIndex(function (row) { return row.id === hash; }); }
    if (index < 0) { index = all.findIndex(function (row) { return row.dataset.complete !== "true"; }); }
    return Math.max(index, 0);
  }

  function stateAfterEdit(row) {
    if (isDirty(row)) {
      setState(row, messages.msgChanged, false);
    } else if (row.dataset.complete === "true") {
      setState(row, messages.msgSaved, true);
    } else {
      setState(row, messages.msgUnscored, false);
    }
  }

  function save(row) {
    var inputs = inputsOf(row);
    var invalid = inputs.filter(function (input) { return !check(input); });
    if (invalid.length) {
      setRowError(row, messages.msgFix);
      invalid[0].focus();
      return Promise.resolve(false);
    }
    var scores = {};
    inputs.forEach(function (input) {
      var text = input.value.trim();
      if (text !== "") { scores[input.dataset.criterionId] = text; }
    });
    var comment = commentOf(row);
    var payload = { scores: scores };
    if (comment) { payload.comment = comment.value; }
    var form = document.getElementById("row-" + row.dataset.programId);
    setRowError(row, "");
    setState(row, messages.msgSaving, false);
    row.setAttribute("aria-busy", "true");
    return fetch(form.dataset.saveUrl, {
      method: "PUT",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Accept-Language": document.documentElement.lang || "zh-CN",
        "X-CSRFToken": csrfToken
      },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        row.removeAttribute("aria-busy");
        if (response.ok) {
          inputs.forEach(function (input) {
            var stored = body.scores && body.scores[input.dataset.criterionId];
            if (stored !== undefined) { input.value = stored; input.defaultValue = stored; }
            showError(input, "");
          });
          if (comment) {
            var storedComment = typeof body.comment === "string" ? body.comment : comment.value.trim();
            comment.value = storedComment;
            comment.defaultValue = storedComment;
            showError(comment, "");
          }
          row.dataset.complete = "true";
          row.dataset.failed = "false";
          row.querySelector(".sheet-total").textContent = body.total;
          setRowError(row, "");
          setState(row, messages.msgSaved, true);
          updateProgress();
          return true;
        }
        var error = body.error || {};
        var fields = error.fields || {};
        var leftover = [];
        Object.keys(fields).forEach(function (key) {
          var input = key === "comment" ? commentOf(row) :
            row.querySelector('input[data-criterion-id="' + key + '"]');
          if (input) {
            showError(input, fields[key].join(" "));
          } else {
            leftover.push(fields[key].join(" "));
          }
        });
        if (!Object.keys(fields).length || leftover.length) {
          leftover.unshift(error.message || messages.msgNetwork);
        }
        row.dataset.failed = "true";
        setRowError(row, leftover.join(" "));
        stateAfterEdit(row);
        var first = inputs.concat(comment ? [comment] : []).filter(function (input) {
          return input.hasAttribute("aria-invalid");
        })[0];
        if (first) { first.focus(); }
        return false;
      });
    }).catch(function () {
      row.removeAttribute("aria-busy");
      row.dataset.failed = "true";
      setRowError(row, messages.msgNetwork);
      stateAfterEdit(row);
      return false;
    });
  }

  function focusInput(input) {
    input.focus();
    try { input.select(); } catch (ignored) { /* some input types cannot select */ }
  }

  rows().forEach(function (row, rowIndex) {
    var inputs = inputsOf(row);
    var form = document.getElementById("row-" + row.dataset.programId);
    if (row.classList.contains("has-error")) { row.dataset.failed = "true"; }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save(row);
    });

    inputs.forEach(function (input, index) {
      input.addEventListener("input", function () {
        check(input);
        updateTotal(row);
        stateAfterEdit(row);
      });
      input.addEventListener("keydown", function (event) {
        if (event.key !== "Enter" || event.isComposing) { return; }
        event.preventDefault();
        check(input);
        if (index + 1 < inputs.length) {
          focusInput(inputs[index + 1]);
          return;
        }
        var next = rows()[rowIndex + 1];
        var nextInput = next ? inputsOf(next)[0] : null;
        var moveOn = function (saved) {
          if (!saved || !nextInput) { return; }
          if (isPaged()) {
            openCard(rowIndex + 1);
          } else {
            focusInput(nextInput);
          }
        };
        if (isDirty(row)) {
          save(row).then(moveOn);
        } else {
          moveOn(true);
        }
      });
    });

    var comment = commentOf(row);
    if (comment) {
      comment.addEventListener("input", function () {
        if (comment.hasAttribute("aria-invalid")) { showError(comment, ""); }
        stateAfterEdit(row);
      });
    }

    // A card hidden by the pager cannot take focus; if something else brings the cursor into a
    // row (an error, a screen reader), that row becomes the card shown.
    row.addEventListener("focusin", function () {
      if (isPaged() && rowIndex !== current) { showCard(rowIndex); }
    });
  });

  if (cardsNav) {
    Array.prototype.forEach.call(cardsNav.querySelectorAll("button[data-step]"), function (button) {
      button.addEventListener("click", function () {
        var row = rows()[current];
        var target = current + Number(button.dataset.step);
        // Moving on saves what was typed; a refusal keeps the card, with its errors, in view.
        var go = function (saved) { if (saved) { openCard(target); } };
        if (row && isDirty(row)) {
          save(row).then(go);
        } else {
          go(true);
        }
      });
    });
  }
  /* Typed scores not saved yet: a program whose boxes differ from what is stored, or one whose
     save was refused. Only such a page asks before it is left; the rows' own forms are sent
     through the API and never leave it. */
  window.addEventListener("beforeunload", function (event) {
    if (!rows().some(isDirty)) { return undefined; }
    event.preventDefault();
    event.returnValue = messages.msgLeave || "";
    return messages.msgLeave;
  });

  showCard(firstCard());
  updateProgress();
  layOut();
  if (criteriaBox && isCards()) { criteriaBox.open = false; }
  window.addEventListener("resize", layOut);
}());
