/* The department ranking's bar chart (Apache ECharts). The data comes from a JSON script element
 * rendered by the page (json_script), so no inline script is needed under the CSP. */
(function () {
  "use strict";

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      // Room for the "100.00" labels at the bars' ends and the axis name under the axis (both
      // were cut off at the right edge).
      grid: { left: 8, right: 56, top: 16, bottom: 36, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", min: 0, max: 100, name: data.label, nameLocation: "middle", nameGap: 26 },
      yAxis: { type: "category", inverse: true, data: data.names, axisLabel: { width: 120, overflow: "truncate" } },
      series: [{
        type: "bar",
        name: data.label,
        data: data.scores,
        itemStyle: { color: "#c62828" },
        label: { show: true, position: "right", formatter: function (p) { return p.value.toFixed(2); } }
      }]
    });
    element.style.height = Math.max(240, data.names.length * 28 + 40) + "px";
    chart.resize();
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
