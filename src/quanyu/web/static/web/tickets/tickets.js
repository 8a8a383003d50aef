/* Tabs of the work pages load their panel with htmx; keep the current tab marked. */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (event) {
    var link = event.detail.elt;
    if (!link || !link.matches || !link.matches(".qy-tabs a[data-tab]")) { return; }
    link.parentElement.querySelectorAll("a[data-tab]").forEach(function (a) { a.removeAttribute("aria-current"); });
    link.setAttribute("aria-current", "page");
  });
})();

/* Receipts and notices at the front desk: a print button (no inline script under the CSP). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { window.print(); }
  });
})();
