// Intercept Watch's own script. Pages work without it; it only adds conveniences.
// No inline scripts anywhere: the Content-Security-Policy allows scripts from this origin only.
"use strict";

// Matrix cells: without JavaScript each links to the history it summarises. With it, a plain
// click opens the cell's statements in place, under its row, through htmx (which also pushes the
// shareable URL the server names). The month comes from the link's `to`; the matrix's own
// parameters from the table.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("table.matrix td.cell a");
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
    return;
  }
  var table = link.closest("table.matrix");
  var row = link.closest("tr");
  var to = new URL(link.href).searchParams.get("to");
  if (!table || !row || !to || !window.htmx) {
    return;
  }
  event.preventDefault();
  var url = table.dataset.cellBase + (table.dataset.cellBase.indexOf("?") < 0 ? "?" : "&") +
    "country=" + encodeURIComponent(row.dataset.country) + "&month=" + to.slice(0, 7);
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
