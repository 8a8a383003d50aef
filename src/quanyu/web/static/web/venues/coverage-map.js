/* The coverage page's map: uncovered buildings (red circles, sized by population), the venues
 * (blue) and, after a siting run, the proposed sites (green) from the page's JSON data blocks. */
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : [];
  }

  function init(element) {
    var data = element.dataset;
    var map = L.map(element, { zoomSnap: 0.25, attributionControl: Boolean(data.tileUrl) });
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var bounds = [];
    function add(points, style, label) {
      points.forEach(function (p) {
        if (p.lat == null || p.lon == null) { return; }
        var marker = L.circleMarker([p.lat, p.lon], style(p)).addTo(map);
        marker.bindTooltip(label(p));
        bounds.push([p.lat, p.lon]);
      });
    }
    add(read("venues-data"), function () {
      return { radius: 5, color: "#1f5f99", fillColor: "#64b5f6", fillOpacity: 0.9, weight: 1, className: "qy-venue" };
    }, function (p) { return p.name; });
    add(read("uncovered-data"), function (p) {
      return { radius: 3 + Math.min(6, Math.sqrt(p.population || 0) / 4), color: "#a4161a", fillColor: "#e57373",
        fillOpacity: 0.7, weight: 1, className: "qy-uncovered" };
    }, function (p) { return p.name + " · " + (p.population || 0); });
    add(read("sites-data"), function () {
      return { radius: 9, color: "#1b5e20", fillColor: "#66bb6a", fillOpacity: 0.9, weight: 2, className: "qy-site" };
    }, function (p) { return p.name + " +" + Math.round(p.adds); });
    if (bounds.length) { map.fitBounds(bounds, { padding: [12, 12] }); } else { map.setView([37.5, 121.4], 11); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("coverage-map");
    if (element && window.L) { init(element); }
  });
})();
