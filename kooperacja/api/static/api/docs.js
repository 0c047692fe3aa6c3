// Starts Swagger UI on the API docs page. Kept out of the HTML because the
// Content-Security-Policy allows no inline script.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }

  var headingsNamed = 0;

  function nameInPageLanguage(element, label) {
    element.setAttribute("aria-label", label);
    // The labels are translated, the rest of Swagger UI is English (lang="en" on the root).
    element.setAttribute("lang", root.dataset.labelLang);
  }

  // Swagger UI markup that no option or stylesheet can make accessible, mended after each
  // render. React leaves attributes it does not manage alone, so each fix is made once.
  function mend() {
    // Icon-only buttons without a name: the dialog's "×" and the copy-to-clipboard buttons.
    root.querySelectorAll(".close-modal:not([aria-label])").forEach(function (button) {
      nameInPageLanguage(button, root.dataset.closeLabel);
    });
    root.querySelectorAll(".copy-to-clipboard button:not([aria-label])").forEach(function (button) {
      nameInPageLanguage(button, root.dataset.copyLabel);
    });
    // The request body editor has no label; its section heading ("Request body") names it.
    root.querySelectorAll(".opblock-section-request-body").forEach(function (section) {
      var heading = section.querySelector(".opblock-title");
      var editor = section.querySelector("textarea.body-param__text:not([aria-labelledby])");
      if (heading && editor) {
        if (!heading.id) {
          headingsNamed += 1;
          heading.id = "request-body-title-" + headingsNamed;
        }
        editor.setAttribute("aria-labelledby", heading.id);
      }
    });
  }

  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    // Deep links put a link inside each operation's expand button (nested interactive controls).
    deepLinking: false,
    // The default validator is an external service: nothing leaves this origin.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
  });
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });
})();
