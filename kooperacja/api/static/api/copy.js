// A "Copy" button for a secret shown once. Without JavaScript (or clipboard access) the
// button stays hidden and the read-only field can be copied by hand.
"use strict";
(function () {
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copyTarget);
    var status = button.parentElement.querySelector("[data-copy-status]");
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) {
          status.textContent = button.dataset.copiedText;
        }
      });
    });
  });
})();
