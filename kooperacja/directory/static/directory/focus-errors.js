/* Directory forms: a page that answers a refused save opens on its error summary, so keyboard
   and screen-reader users start where the page explains what happened. The summary has
   tabindex="-1" (focusable by script, not in the tab order); without JavaScript it is still
   the first thing after the heading. No autofocus attribute: it would move focus on every load. */
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
