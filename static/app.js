// Intercept Watch's own script. Pages work without it; it only adds conveniences.
// No inline scripts anywhere: the Content-Security-Policy allows scripts from this origin only.
"use strict";

// The statement form's inline check refreshes each field's message slot out of band; keep the
// fields that the slots describe marked aria-invalid exactly while their slot holds a message.
(function () {
  function syncInvalid() {
    document.querySelectorAll("#statement-form .error[id]").forEach(function (slot) {
      document.querySelectorAll("[aria-describedby~='" + slot.id + "']").forEach(function (field) {
        if (slot.textContent.trim()) {
          field.setAttribute("aria-invalid", "true");
        } else {
          field.removeAttribute("aria-invalid");
        }
      });
    });
  }
  document.addEventListener("htmx:oobAfterSwap", syncInvalid);
  document.addEventListener("htmx:afterSettle", syncInvalid);
})();
