// Intercept Watch's own script. Pages work without it; it only adds conveniences.
// No inline scripts anywhere: the Content-Security-Policy allows scripts from this origin only.
"use strict";

// Matrix cells: without JavaScript each links to /cell/COUNTRY/YYYY-MM, which answers with the
// history behind it. With it, a plain click opens the cell's statements in place, under its row,
// through htmx (which also pushes the shareable URL the server names). The matrix's own
// parameters come from the table: the whole window (table.matrix), or on narrow screens the
// strip of recent months (table.strip).
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("table.matrix td.c a, table.strip td.c a");
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
    return;
  }
  var table = link.closest("table.matrix, table.strip");
  var row = link.closest("tr");
  var parts = new URL(link.href).pathname.split("/");  // ["", "cell", country, month]
  if (!table || !row || parts.length < 4 || !window.htmx) {
    return;
  }
  event.preventDefault();
  var url = table.dataset.cellBase + (table.dataset.cellBase.indexOf("?") < 0 ? "?" : "&") +
    "country=" + encodeURIComponent(parts[2]) + "&month=" + encodeURIComponent(parts[3]);
  window.htmx.ajax("GET", url, { source: link, target: "#" + row.dataset.detail, swap: "outerHTML" });
});

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
