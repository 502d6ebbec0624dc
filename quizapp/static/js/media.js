// The editors' media panel: uploads the file to the course's media page (which answers
// JSON when asked) and puts the returned Markdown into the chosen field at the cursor.
// Without JavaScript the same form posts to that page, which shows the Markdown to paste.
(function () {
  "use strict";

  function insertAt(field, text) {
    var start = field.selectionStart || field.value.length;
    var end = field.selectionEnd || start;
    var before = field.value.slice(0, start);
    var gap = before && !/\s$/.test(before) ? " " : "";
    field.value = before + gap + text + field.value.slice(end);
    field.focus();
  }

  function upload(form) {
    var status = form.querySelector("[data-media-status]");
    var target = document.getElementById(form.querySelector("[name=target]").value);
    status.textContent = "";
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok) {
          status.textContent = result.body.error.message;
          status.className = "small mt-2 text-danger";
          return;
        }
        if (target) { insertAt(target, result.body.markdown); }
        status.textContent = result.body.markdown;
        status.className = "small mt-2 text-success-emphasis";
        form.querySelector("[name=file]").value = "";
        form.querySelector("[name=alt]").value = "";
      })
      .catch(function () {
        status.textContent = form.dataset.mediaError || "Upload failed.";
        status.className = "small mt-2 text-danger";
      });
  }

  document.querySelectorAll("[data-media-upload]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      upload(form);
    });
  });
})();
