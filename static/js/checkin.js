/* The check-in page: a tick (or an undo) posts without reloading the page. The server answers
   with the page itself (after its redirect); the list, the counts and the missing troupes are
   replaced from it, and the focus stays on the row that was ticked. Without JS the plain forms
   post and the page reloads. */
(function () {
  "use strict";
  var box = document.querySelector("[data-checkin]");
  if (!box || !window.fetch || !window.DOMParser) return;

  box.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("checkin-form")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    var program = button ? button.getAttribute("data-program") : null;
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-checkin]");
        if (!fresh) throw new Error("no check-in list");
        box.innerHTML = fresh.innerHTML;
        box.setAttribute("data-updated", String(Date.now()));
        var again = program && box.querySelector('button[data-program="' + program + '"]');
        if (again) again.focus();
      })
      .catch(function () {
        form.submit(); // let the browser post it the plain way
      });
  });
})();
