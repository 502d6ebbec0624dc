// The quiz page: autosave and the countdown. The server is the authority: it knows the
// deadline, refuses saves after it and grades a late submission on what was saved in
// time; this file only keeps the learner informed and their answers saved.
// The page works without it: the form submits as usual, and the server asks to confirm
// unanswered questions.
(function () {
  "use strict";

  var form = document.querySelector("form[data-quiz]");
  if (!form) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var saveUrl = form.getAttribute("data-autosave-url");
  var pending = {};
  var timer = null;
  var closed = false;
  var inFlight = null;

  function say(element, text) {
    if (element) {
      element.textContent = text;
    }
  }

  // --- autosave ---------------------------------------------------------------------------

  function questionOf(element) {
    var item = element.closest("[data-answer-id]");
    return item ? item.getAttribute("data-answer-id") : null;
  }

  function fieldsOf(answerId, body) {
    var item = form.querySelector('[data-answer-id="' + answerId + '"]');
    item.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (!field.name || field.disabled) {
        return;
      }
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) {
        return;
      }
      if (field.tagName === "SELECT" && field.multiple) {
        Array.prototype.forEach.call(field.selectedOptions, function (option) {
          body.append(field.name, option.value);
        });
        return;
      }
      body.append(field.name, field.value);
    });
  }

  function save() {
    timer = null;
    var ids = Object.keys(pending);
    if (!ids.length || closed || !saveUrl) {
      return;
    }
    pending = {};
    var body = new FormData();
    body.append("csrf_token", form.querySelector('input[name="csrf_token"]').value);
    var attempt = form.querySelector('input[name="attempt_id"]');
    if (attempt) {
      body.append("attempt_id", attempt.value);
    }
    ids.forEach(function (answerId) {
      body.append("question", answerId);
      fieldsOf(answerId, body);
    });
    say(status, form.getAttribute("data-saving"));
    inFlight = fetch(saveUrl, {method: "POST", body: body, credentials: "same-origin",
                               headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.ok) {
          say(status, form.getAttribute("data-saved"));
          form.setAttribute("data-saved-count", String(
            Number(form.getAttribute("data-saved-count") || "0") + ids.length));
        } else if (response.status === 409) {
          closed = true;
          say(status, form.getAttribute("data-closed"));
        } else {
          ids.forEach(function (answerId) { pending[answerId] = true; });
          say(status, form.getAttribute("data-not-saved"));
        }
      })
      .catch(function () {
        ids.forEach(function (answerId) { pending[answerId] = true; });
        say(status, form.getAttribute("data-not-saved"));
      })
      .then(function () { inFlight = null; });
  }

  function changed(event) {
    var answerId = questionOf(event.target);
    if (!answerId) {
      return;
    }
    pending[answerId] = true;
    if (timer === null) {
      // Typing saves once it pauses; a click saves at once.
      timer = window.setTimeout(save, event.type === "input" ? 800 : 0);
    }
  }

  form.addEventListener("change", changed);
  form.addEventListener("input", changed);

  // Submitting sends every answer, so no save is due after it; a save already on its way
  // is let through first, or the server would take it after the submission and answer
  // that no attempt is open.
  form.addEventListener("submit", function (event) {
    closed = true;
    if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
    if (inFlight !== null) {
      event.preventDefault();
      var submitter = event.submitter;
      inFlight.then(function () {
        if (typeof form.requestSubmit === "function") {
          form.requestSubmit(submitter || undefined);
        } else {
          form.submit();
        }
      });
    }
  });

  // --- countdown --------------------------------------------------------------------------

  var clock = document.getElementById("countdown");
  if (!clock) {
    return;
  }
  var left = Number(clock.getAttribute("data-seconds-left"));
  var shown = document.getElementById("countdown-time");
  var announce = document.getElementById("countdown-announce");
  var startedAt = Date.now();
  var initial = left;

  function mmss(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function finish() {
    closed = true;
    // Time is up: submit as it is, unanswered questions included (the server would not
    // ask to confirm after the deadline either).
    var confirm = document.createElement("input");
    confirm.type = "hidden";
    confirm.name = "confirm_unanswered";
    confirm.value = "y";
    form.appendChild(confirm);
    say(announce, clock.getAttribute("data-time-up"));
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(form.querySelector('[name="submit"]') || undefined);
    } else {
      form.submit();
    }
  }

  function tick() {
    // From the elapsed time, not the number of ticks: a throttled tab stays right.
    var now = Math.max(0, initial - Math.floor((Date.now() - startedAt) / 1000));
    if (now === left && now !== initial) {
      return;
    }
    var before = left;
    left = now;
    say(shown, mmss(left));
    clock.setAttribute("data-seconds-left", String(left));
    if (before > 300 && left <= 300 && left > 60) {
      say(announce, clock.getAttribute("data-five-minutes"));
    } else if (before > 60 && left <= 60 && left > 0) {
      say(announce, clock.getAttribute("data-one-minute"));
    }
    if (left <= 0) {
      window.clearInterval(interval);
      finish();
    }
  }

  say(shown, mmss(left));
  var interval = window.setInterval(tick, 250);
  if (left <= 0) {
    window.clearInterval(interval);
    finish();
  }
})();
