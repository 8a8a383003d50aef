/* Alpine components of the pages. The pages load Alpine's CSP build (no 'unsafe-eval'): an x-data,
 * x-on or x-bind attribute names a component here or one of its members, never code. A member that
 * is a function is called (with the event, for x-on); `this.$el` is the element carrying the
 * attribute, so one member serves several elements through their data-* attributes.
 * Registered on alpine:init: this file is loaded before Alpine, which starts as soon as it runs. */
(function () {
  "use strict";
  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;

    // Top bar: the phone menu toggle opens and closes the navigation; Escape closes it.
    Alpine.data("topbar", function () {
      return {
        open: false,
        toggle: function () { this.open = !this.open; },
        close: function () { this.open = false; },
        expanded: function () { return this.open ? "true" : "false"; },
        navClass: function () { return { "is-open": this.open }; },
      };
    });

    // Community triage board on a phone: tabs (data-tab) show one column (data-col) at a time.
    Alpine.data("triageBoard", function () {
      return {
        tab: "new",
        selectTab: function (event) { this.tab = event.currentTarget.dataset.tab; },
        tabSelected: function () { return this.$el.dataset.tab === this.tab ? "true" : "false"; },
        columnClass: function () { return { "is-active": this.$el.dataset.col === this.tab }; },
      };
    });
  });
})();
