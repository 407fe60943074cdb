/* The error summary of a long form (templates/portal/_error_summary.html): focused when the page
   loads, so a screen reader reads it first; each link moves focus to its field. No inline script (CSP). */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }

  function fieldFor(id) {
    // A radio or checkbox group has no element with the field's own id: its first choice does.
    return document.getElementById(id) || document.getElementById(id + "_0");
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = fieldFor(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });

  summary.focus();
})();
