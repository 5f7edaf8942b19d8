// tepai web shell: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Choosing a value in a list filter applies it at once (the 查询 button still works).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
  // A long choice (data-searchable: the 256 enterprises of the work-log form) gets a box
  // above it that narrows the options to those containing what is typed; one match is chosen.
  function searchable(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "choice-search";
    box.placeholder = select.getAttribute("data-searchable") || "";
    box.setAttribute("aria-label", box.placeholder);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      var shown = [];
      Array.prototype.forEach.call(select.options, function (option) {
        var fits = !option.value || option.text.toLowerCase().indexOf(words) !== -1;
        option.hidden = !fits;
        if (fits && option.value) { shown.push(option); }
      });
      if (shown.length === 1) { select.value = shown[0].value; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-searchable]"), searchable);
  });
})();
