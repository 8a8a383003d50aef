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

    // The whistle form's department list: typing filters the names; ticked boxes always stay in
    // view, and a group with nothing left to show hides its heading.
    Alpine.data("deptFilter", function () {
      return {
        filter: function (event) {
          var q = event.target.value.trim().toLowerCase();
          var box = event.target.closest("fieldset");
          box.querySelectorAll("[data-dept-name]").forEach(function (label) {
            var hit = !q || label.dataset.deptName.toLowerCase().indexOf(q) !== -1;
            label.hidden = !(hit || label.querySelector("input:checked"));
          });
          box.querySelectorAll("[data-dept-group]").forEach(function (group) {
            group.hidden = !group.querySelector("[data-dept-name]:not([hidden])");
          });
        },
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
