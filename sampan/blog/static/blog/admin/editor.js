// Live preview for the post body: after a pause in typing, the server renders the text exactly as readers
// will get it (Markdown or HTML, then sanitized), and the preview region under the text area shows it.
"use strict";

(function () {
  const PAUSE_MS = 400;

  function csrfToken(form) {
    const field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function attach(region) {
    const source = document.getElementById(region.dataset.previewSource);
    if (!source || !region.dataset.previewUrl) {
      return;
    }
    const form = source.form;
    const format = form ? form.elements.namedItem("body_format") : null;
    const status = document.querySelector('[data-preview-status-for="' + source.id + '"]');
    let timer = null;
    let inFlight = null;
    let latest = 0;

    function say(message) {
      if (status) {
        status.textContent = message;
      }
    }

    function render() {
      if (inFlight) {
        inFlight.abort();
      }
      inFlight = new AbortController();
      const ticket = ++latest;
      const data = new FormData();
      data.append("body", source.value);
      data.append("body_format", format && format.value ? format.value : "markdown");
      fetch(region.dataset.previewUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) },
        signal: inFlight.signal,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("the server answered " + response.status);
          }
          return response.json();
        })
        .then(function (payload) {
          if (ticket !== latest) {
            return; // an older answer arriving late must not replace a newer one
          }
          // Safe to insert: the server sanitized it with the same rules as the published post.
          region.innerHTML = payload.html;
          say("");
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            say("The preview could not be updated (" + error.message + "). Your text is not affected.");
          }
        });
    }

    function renderAfterPause() {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, PAUSE_MS);
    }

    source.addEventListener("input", renderAfterPause);
    if (format) {
      format.addEventListener("change", render);
    }
    if (source.value.trim()) {
      render();
    }
  }

  function start() {
    document.querySelectorAll("[data-preview-url][data-preview-source]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
