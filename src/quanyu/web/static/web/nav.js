// Group menus of the top navigation: one open at a time; a click outside or Escape closes them.
(function () {
  "use strict";
  function menus() { return Array.prototype.slice.call(document.querySelectorAll("details.qy-nav-menu")); }
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches("details.qy-nav-menu") || !opened.open) return;
    menus().forEach(function (menu) { if (menu !== opened) menu.open = false; });
  }, true);
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) { if (menu.open && !menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") menus().forEach(function (menu) { menu.open = false; });
  });
})();
