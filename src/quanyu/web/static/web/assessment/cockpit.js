/* The cockpit's two charts (Apache ECharts): the children of the area coloured by the chosen
 * figure (a choropleth over their GeoJSON outlines; a bar chart when they have none) and the
 * monthly trend. Data from the page's JSON script element (json_script): no inline script. */
(function () {
  "use strict";

  function dark() { return !!document.querySelector(".qy-cockpit-screen"); }

  function drawMap(element, data) {
    var chart = echarts.init(element, dark() ? "dark" : null, { renderer: "canvas" });
    var values = data.values.filter(function (v) { return v.value !== null; }).map(function (v) { return v.value; });
    var max = values.length ? Math.max.apply(null, values) : 1;
    if (data.map.features.length) {
      echarts.registerMap("qy-cockpit", data.map);
      var heat = (data.heat || []).map(function (p) { return [p[0], p[1], 1]; });
      var visualMaps = [{ seriesIndex: 0, min: 0, max: max || 1, left: 8, bottom: 8, calculable: true, inRange: { color: ["#fde0dc", "#c62828"] } }];
      var series = [{ type: "map", geoIndex: 0, data: data.values }];
      if (heat.length) {
        // Open tickets as heat over the outlines.
        visualMaps.push({ seriesIndex: 1, show: false, min: 0, max: 3, inRange: { color: ["rgba(255,193,7,0.15)", "#ff6f00"] } });
        series.push({ type: "heatmap", coordinateSystem: "geo", data: heat, pointSize: 10, blurSize: 14 });
      }
      chart.setOption({
        backgroundColor: "transparent",
        tooltip: { trigger: "item", formatter: function (p) { return p.seriesType === "map" ? p.name + "：" + (p.value === undefined || isNaN(p.value) ? "—" : p.value.toFixed(1) + data.unit) : ""; } },
        geo: { map: "qy-cockpit", roam: true, label: { show: true } },
        visualMap: visualMaps,
        series: series
      });
      chart.on("click", function (p) {
        var hit = data.values.filter(function (v) { return v.name === p.name; })[0];
        if (hit) { var url = new URL(window.location.href); url.searchParams.set("area", hit.id); window.location.href = url.toString(); }
      });
    } else {
      chart.setOption({
        backgroundColor: "transparent",
        grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", inverse: true, data: data.values.map(function (v) { return v.name; }) },
        series: [{ type: "bar", data: data.values.map(function (v) { return v.value; }), itemStyle: { color: "#c62828" } }]
      });
    }
    return chart;
  }

  function drawTrend(element, data) {
    var chart = echarts.init(element, dark() ? "dark" : null, { renderer: "canvas" });
    chart.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.received, data.labels.in_time] },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value" },
      series: [
        { type: "bar", name: data.labels.received, data: data.received, itemStyle: { color: "#c62828" } },
        { type: "line", name: data.labels.in_time, data: data.in_time, itemStyle: { color: "#1565c0" } }
      ]
    });
    return chart;
  }

  function init() {
    var source = document.getElementById("cockpit-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    var map = document.getElementById("cockpit-map");
    var trend = document.getElementById("cockpit-trend");
    if (map) { charts.push(drawMap(map, data)); }
    if (trend) { charts.push(drawTrend(trend, data)); }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
