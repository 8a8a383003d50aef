/* App shell behaviour that needs no framework: mark the page as scripted (CSS shows the phone
 * menu toggle only then), send the CSRF token with htmx's posts, and submit a filter form when its
 * select[data-autosubmit] changes (no inline onchange under the CSP). */
(function () {
  "use strict";
  document.documentElement.classList.add("qy-js");
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token && event.detail.verb !== "get") { event.detail.headers["X-CSRFToken"] = token.value; }
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) { select.form.requestSubmit(); }
  });
})();
