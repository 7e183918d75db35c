/* A form marked data-single-submit is sent once: after the first submit its buttons are
 * disabled and say so (data-busy), so a double tap on a slow connection posts nothing twice.
 * The page that answers is a new page, so nothing needs re-enabling. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-single-submit]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (e) {
      if (form.dataset.sent) { e.preventDefault(); return; }
      form.dataset.sent = "1";
      var buttons = form.querySelectorAll("button[type=submit]");
      window.setTimeout(function () {
        Array.prototype.forEach.call(buttons, function (b) {
          b.disabled = true;
          if (form.dataset.busy) b.textContent = form.dataset.busy;
        });
      }, 0);
    });
  });
})();
