// The rubric: after a refused submit, focus moves to the first field with an error, so a
// keyboard or screen-reader user lands where the correction is needed.
(function () {
  "use strict";
  const form = document.querySelector("[data-testid='review-form']");
  if (!form) {
    return;
  }
  const firstError = form.querySelector(".has-error");
  if (!firstError) {
    return;
  }
  const target =
    firstError.querySelector("input:checked") ||
    firstError.querySelector("input, textarea, select");
  if (target) {
    target.focus();
    firstError.scrollIntoView({ block: "center" });
  }
})();
