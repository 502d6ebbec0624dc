// Instructor editors: a live Markdown preview (rendered and sanitised by the server) and
// "Add a row" for choice, pair and blank lists. Without JavaScript the forms still work:
// "Preview" submits the form, and a few empty rows are always offered.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function showPreview(button) {
    var source = document.getElementById(button.dataset.previewSource);
    var target = document.getElementById(button.dataset.previewTarget);
    if (!source || !target) { return; }
    var body = new FormData();
    body.append("text", source.value);
    body.append("csrf_token", csrfToken(button.form));
    fetch(button.dataset.previewUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(button.form) }
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        // The server sanitised this HTML with nh3 (quizapp.domain.rendering).
        target.innerHTML = html;
        target.hidden = false;
      })
      .catch(function () {
        target.textContent = button.dataset.previewError || "";
        target.hidden = false;
      });
  }

  document.querySelectorAll("[data-preview-source]").forEach(function (button) {
    button.classList.remove("d-none");
    button.addEventListener("click", function (event) {
      event.preventDefault();
      showPreview(button);
    });
  });

  function renumber(element, index) {
    ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
      var value = element.getAttribute(attribute);
      if (value) {
        element.setAttribute(attribute, value.replace(/-\d+-/, "-" + index + "-"));
      }
    });
  }

  function addRow(list) {
    var rows = list.querySelectorAll("[data-row]");
    if (!rows.length) { return; }
    var clone = rows[rows.length - 1].cloneNode(true);
    clone.querySelectorAll("input, select, textarea, label").forEach(function (element) {
      renumber(element, rows.length);
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = false;
      } else if (element.tagName !== "LABEL") {
        element.value = "";
        element.classList.remove("is-invalid");
      }
    });
    clone.querySelectorAll(".invalid-feedback").forEach(function (node) { node.remove(); });
    list.appendChild(clone);
    var first = clone.querySelector("input:not([type=checkbox]), textarea, select");
    if (first) { first.focus(); }
  }

  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var list = document.getElementById(button.dataset.addRow);
    if (!list) { return; }
    button.classList.remove("d-none");
    button.addEventListener("click", function () { addRow(list); });
  });
})();
