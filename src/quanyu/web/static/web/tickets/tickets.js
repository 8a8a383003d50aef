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
