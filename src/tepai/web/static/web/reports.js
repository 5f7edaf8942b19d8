// 报告 page: show only the fields the chosen document needs, and follow a job's progress.
// Both pages work without this file (all fields shown; the job page refreshes itself).
(function () {
  "use strict";

  function words(text) {
    return (text || "").split(/\s+/).filter(Boolean);
  }

  function setUpForm(form) {
    var eventKinds = words(form.getAttribute("data-event-kinds"));
    var batchKinds = words(form.getAttribute("data-batch-kinds"));
    function row(name) {
      return form.querySelector('[data-field="' + name + '"]');
    }
    function show(name, visible) {
      var element = row(name);
      if (element) {
        element.hidden = !visible;
      }
    }
    function value(name) {
      var field = form.elements[name];
      return field ? field.value : "";
    }
    function update() {
      var kind = value("kind");
      var period = value("period");
      var forEvent = eventKinds.indexOf(kind) >= 0;
      var forBatch = batchKinds.indexOf(kind) >= 0;
      var byPeriod = !forEvent && !forBatch;
      show("event", forEvent);
      show("batch", !forEvent);
      show("period", byPeriod);
      show("year", byPeriod && period !== "custom");
      show("month", byPeriod && period === "month");
      show("quarter", byPeriod && period === "quarter");
      show("start", byPeriod && period === "custom");
      show("end", byPeriod && period === "custom");
    }
    form.addEventListener("change", update);
    update();
  }

  function followJob(box) {
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector(".job-progress");
    var label = box.querySelector(".job-status");
    var message = box.querySelector(".job-message");
    var failures = 0;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (state) {
          failures = 0;
          if (state.finished) {
            // The server renders the result: the download link or the error.
            window.location.reload();
            return;
          }
          if (bar) {
            bar.value = state.progress;
            bar.textContent = state.progress + "%";
          }
          if (label) {
            label.textContent = state.status_label;
          }
          if (message) {
            message.textContent = state.message;
          }
          window.setTimeout(poll, 1000);
        })
        .catch(function () {
          // A busy or restarting server: try again, more slowly, then let the page reload.
          failures += 1;
          if (failures > 10) {
            window.location.reload();
            return;
          }
          window.setTimeout(poll, 2000 * failures);
        });
    }
    window.setTimeout(poll, 500);
  }

  function start() {
    var form = document.querySelector("form.report-form");
    if (form) {
      setUpForm(form);
    }
    var box = document.querySelector(".report-job[data-status-url]");
    if (box && box.getAttribute("data-status") !== "done" && box.getAttribute("data-status") !== "failed") {
      followJob(box);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
