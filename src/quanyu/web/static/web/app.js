/* App shell behaviour that needs no framework: mark the page as scripted (CSS shows the phone
 * menu toggle only then), send the CSRF token with htmx's posts, label table cells with their
 * column's heading (lists become cards on a phone), and submit a filter form when its
 * select[data-autosubmit] changes (no inline onchange under the CSP). */
(function () {
  "use strict";
  document.documentElement.classList.add("qy-js");
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token && event.detail.verb !== "get") { event.detail.headers["X-CSRFToken"] = token.value; }
  });
  // Lists become cards on a phone: each cell carries its column's heading (data-label), which the
  // phone stylesheet shows before the value. Run on load and on every htmx swap.
  function labelTables(root) {
    root.querySelectorAll("table.qy-table:not(.qy-keep-table)").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (!heads.length) { return; }
      table.setAttribute("data-cards", "");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.colSpan === 1 && heads[col] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", heads[col]);
          }
          col += cell.colSpan;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelTables(document); });
  document.addEventListener("htmx:afterSwap", function (event) { labelTables(event.target.closest("main") || document); });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) { select.form.requestSubmit(); }
  });
})();
