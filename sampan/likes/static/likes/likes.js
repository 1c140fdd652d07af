/* Sampan likes: the Like and Unlike buttons answer without reloading the page.
 * Without this file the same form posts and the server sends the reader back to the post (303). */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form.like-form");
    if (!form) return;
    event.preventDefault();
    var data = new FormData(form);
    var button = event.submitter || form.querySelector("button[name=action]");
    if (button && button.name) data.set(button.name, button.value);
    var status = form.querySelector(".like-status");
    if (button) button.disabled = true;
    fetch(form.getAttribute("action"), { // not form.action: the buttons are named "action"
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (reply) {
          return { ok: response.ok, reply: reply };
        });
      })
      .then(function (result) {
        if (!result.ok) {
          status.textContent = result.reply.error || "Your like was not taken.";
          if (button) button.disabled = false;
          return;
        }
        var section = form.closest(".likes");
        var holder = document.createElement("div");
        holder.innerHTML = result.reply.html;
        var fresh = holder.querySelector(".likes");
        var script = fresh.querySelector("script");
        if (script) script.remove(); // this file is already running
        section.replaceWith(fresh);
        var again = fresh.querySelector("button[name=action]");
        if (again) again.focus();
      })
      .catch(function () {
        status.textContent = "Your like could not be sent; check your connection and try again.";
        if (button) button.disabled = false;
      });
  });
})();
