/* App shell behaviour that needs no framework: mark the page as scripted (CSS shows the phone
 * menu toggle only then), and close the phone menu after a navigation choice. */
(function () {
  "use strict";
  document.documentElement.classList.add("qy-js");
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token && event.detail.verb !== "get") { event.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
