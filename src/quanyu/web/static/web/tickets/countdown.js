/* Live countdowns on deadline badges (.qy-due[data-due]): the server renders the text once; this
 * refreshes it every 30 seconds and flips the badge to "soon"/"late" as the limit nears. */
(function () {
  "use strict";
  var SOON_MS = 24 * 3600 * 1000;
  var WORDS = {
    zh: { left: "剩余 ", late: "已超期 ", d: "天", h: "小时", m: "分", mins: "分钟" },
    en: { left: "", late: "overdue ", d: "d ", h: "h ", m: "m", mins: " min" }
  };

  function words() {
    return (document.documentElement.lang || "zh").indexOf("en") === 0 ? WORDS.en : WORDS.zh;
  }

  function span(ms, w) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    if (days) { return days + w.d + hours + w.h; }
    if (hours) { return hours + w.h + mins + w.m; }
    return mins + w.mins;
  }

  function tick() {
    var now = Date.now();
    var w = words();
    document.querySelectorAll(".qy-due[data-due]").forEach(function (badge) {
      var due = Date.parse(badge.getAttribute("data-due"));
      if (isNaN(due)) { return; }
      var left = due - now;
      var state = left < 0 ? "late" : (left <= SOON_MS ? "soon" : "ok");
      badge.classList.remove("qy-due-late", "qy-due-soon", "qy-due-ok");
      badge.classList.add("qy-due-" + state);
      var out = badge.querySelector(".qy-due-left");
      if (out) { out.textContent = (left < 0 ? w.late : w.left) + span(left, w); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 30000);
    document.body.addEventListener("htmx:afterSettle", tick);
  });
})();
