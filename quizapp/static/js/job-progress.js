// While a job of the page is queued or running, look again every two seconds: the
// progress bar and, when it ends, the figures come from the server.
(function () {
  "use strict";
  if (document.querySelector("[data-job-running]")) {
    window.setTimeout(function () { window.location.reload(); }, 2000);
  }
})();
