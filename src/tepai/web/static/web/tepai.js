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
})();
