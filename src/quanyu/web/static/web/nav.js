// Group menus of the top navigation: one open at a time; a click outside or Escape closes them.
(function () {
  "use strict";
  function menus() { return Array.prototype.slice.call(document.querySelectorAll("details.qy-nav-menu")); }
  var desktop = window.matchMedia("(min-width: 769px)");
  // On a desktop the open menu hangs below the bar: the page moves down by its height
  // (--qy-menu-push, see nav.css), so the menu never covers the page's title.
  function push() {
    var open = menus().filter(function (menu) { return menu.open; })[0];
    var list = open && open.querySelector("ul");
    var height = desktop.matches && list ? list.offsetHeight : 0;
    document.body.style.setProperty("--qy-menu-push", height + "px");
  }
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches("details.qy-nav-menu")) return;
    if (opened.open) menus().forEach(function (menu) { if (menu !== opened) menu.open = false; });
    push();
  }, true);
  window.addEventListener("resize", push);
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) { if (menu.open && !menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") menus().forEach(function (menu) { menu.open = false; });
  });
})();
