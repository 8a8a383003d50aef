/* The early-warning board's map: each hot spot a circle at the mean point of its tickets, sized
 * by its heat, over tiles when the site has a tile URL (a plain background otherwise). */
(function () {
  "use strict";

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function init(element) {
    var data = element.dataset;
    var map = L.map(element, { attributionControl: Boolean(data.tileUrl), zoomSnap: 0.25 });
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    map.setView([37.5, 121.4], 11);
    fetch(data.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (collection) {
        var top = 1;
        collection.features.forEach(function (f) { top = Math.max(top, f.properties.heat || 0); });
        var layer = L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            var share = (feature.properties.heat || 0) / top;
            return L.circleMarker(latlng, {
              radius: 8 + 14 * share, color: "#8e1b1b", weight: 2, fillColor: "#c62828",
              fillOpacity: 0.35 + 0.4 * share, className: "qy-hotspot"
            });
          },
          onEachFeature: function (feature, marker) {
            var p = feature.properties;
            marker.bindTooltip(
              "<strong>" + escapeHtml(p.rank + ". " + p.place) + "</strong><br>" + escapeHtml(p.problem) +
              "<br>" + escapeHtml(p.requesters + " " + data.labelRequesters) + " · " +
              escapeHtml(data.labelHeat + " " + p.heat)
            );
          }
        }).addTo(map);
        if (collection.features.length) {
          map.fitBounds(layer.getBounds().pad(0.3), { maxZoom: 16 });
        }
      })
      .catch(function () { /* the cards beside the map carry the same facts */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("hotspot-map");
    if (element && window.L) { init(element); }
  });
})();
