// Review page keys: Space flips a flashcard, checks an answer or goes on; 1–4 rate;
// u or Ctrl+Z undoes the last rating. The answer box has focus when a card opens.
// The page works without this file: <details> flips and every action is a form or a link.
(function () {
  "use strict";

  var root = document.querySelector("[data-review]");
  if (!root) {
    return;
  }
  var shownAt = Date.now();

  // Keys typed into a field belong to the field.
  function isTyping(element) {
    if (!element) {
      return false;
    }
    if (element.isContentEditable) {
      return true;
    }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") {
      return true;
    }
    if (tag !== "INPUT") {
      return false;
    }
    var kind = (element.getAttribute("type") || "text").toLowerCase();
    return ["radio", "checkbox", "button", "submit", "reset", "hidden"].indexOf(kind) === -1;
  }

  // Space already presses a focused button, toggles a summary or a checkbox.
  function handlesSpaceItself(element) {
    if (!element) {
      return false;
    }
    var tag = element.tagName;
    if (tag === "BUTTON" || tag === "SUMMARY") {
      return true;
    }
    return tag === "INPUT" && (element.type === "checkbox" || (element.type === "radio" && !element.checked));
  }

  function isShown(element) {
    return Boolean(element) && element.getClientRects().length > 0;
  }

  function submit(form) {
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      fillDuration(form);
      form.submit();
    }
  }

  function fillDuration(form) {
    var field = form.querySelector("[data-review-duration]");
    if (field) {
      field.value = String(Date.now() - shownAt);
    }
  }

  root.addEventListener("submit", function (event) {
    fillDuration(event.target);
  });

  var flip = root.querySelector("details[data-review-flip]");
  if (flip) {
    flip.addEventListener("toggle", function () {
      var good = flip.open && flip.querySelector("[data-rating-default]");
      if (good) {
        good.focus();
      }
    });
  }

  var answerForm = root.querySelector("form[data-review-answer]");
  var firstField = answerForm && answerForm.querySelector("input:not([type=hidden]), textarea, select");
  if (firstField && !document.querySelector("[autofocus]")) {
    firstField.focus();
  }

  function undo() {
    var form = root.querySelector("form[data-review-undo]");
    if (form) {
      submit(form);
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) {
      return;
    }
    var target = event.target;
    var isUndoChord = (event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "z" || event.key === "Z");
    if (isUndoChord && !isTyping(target)) {
      event.preventDefault();
      undo();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(target)) {
      return;
    }
    if (event.key === "u" || event.key === "U") {
      event.preventDefault();
      undo();
      return;
    }
    if (event.key === " " || event.key === "Spacebar") {
      if (handlesSpaceItself(target)) {
        return;
      }
      var answer = root.querySelector("form[data-review-answer]");
      var next = root.querySelector("[data-review-next]");
      var good = root.querySelector("[data-rating-default]");
      event.preventDefault();
      if (flip && !flip.open) {
        flip.open = true;
      } else if (answer) {
        submit(answer);
      } else if (next) {
        next.click();
      } else if (isShown(good)) {
        good.click();
      }
      return;
    }
    if (/^[1-4]$/.test(event.key)) {
      var button = root.querySelector('[data-rating="' + event.key + '"]');
      if (isShown(button)) {
        event.preventDefault();
        button.click();
      }
    }
  });
})();
