/* The area page's map: draws the children of the current area (polygons; buildings as circle
 * markers) from the scoped GeoJSON endpoint on a plain background, or over tiles when the site
 * has a tile URL. Clicking a polygon or point opens that area's page. */
(function () {
  "use strict";

  var KIND_STYLE = {
    district: { color: "#8e1b1b", fillColor: "#c62828" },
    street: { color: "#8e1b1b", fillColor: "#d84315" },
    community: { color: "#a4161a", fillColor: "#e57373" },
    grid: { color: "#1f5f99", fillColor: "#64b5f6" },
    building: { color: "#ffffff", fillColor: "#c62828" }
  };

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function formatNumber(value) {
    return Number(value || 0).toLocaleString();
  }

  function init(element) {
    var data = element.dataset;
    var map = L.map(element, { zoomControl: true, attributionControl: Boolean(data.tileUrl), zoomSnap: 0.25 });
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    map.setView([37.5, 121.4], 11);

    function areaUrl(id) {
      return data.areaUrl.replace(/\/0\/$/, "/" + encodeURIComponent(id) + "/");
    }

    function tooltip(props) {
      return "<strong>" + escapeHtml(props.name) + "</strong> <span class=\"qy-tip-kind\">" +
        escapeHtml(props.kind_label) + "</span><br>" +
        escapeHtml(data.labelPopulation) + " " + formatNumber(props.population) + " · " +
        escapeHtml(data.labelHouseholds) + " " + formatNumber(props.households);
    }

    function style(feature) {
      var kind = feature.properties.kind;
      if (feature.geometry.type === "Point") {
        var p = KIND_STYLE[kind] || KIND_STYLE.building;
        return { radius: 7, color: p.color, weight: 2, fillColor: p.fillColor, fillOpacity: 0.9, className: "qy-point qy-area-" + kind };
      }
      var s = KIND_STYLE[kind] || KIND_STYLE.grid;
      return { color: s.color, weight: 1.5, fillColor: s.fillColor, fillOpacity: 0.28, className: "qy-area qy-area-" + kind };
    }

    fetch(data.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          style: style,
          pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, style(feature)); },
          onEachFeature: function (feature, item) {
            var props = feature.properties;
            item.bindTooltip(tooltip(props), { sticky: true, direction: "top", className: "qy-tip" });
            item.on("mouseover", function () {
              if (item.setStyle) { item.setStyle(feature.geometry.type === "Point" ? { radius: 9 } : { fillOpacity: 0.5, weight: 2.5 }); }
            });
            item.on("mouseout", function () { if (item.setStyle && layer) { layer.resetStyle(item); } });
            item.on("click", function () { window.location.assign(areaUrl(props.id)); });
            if (props.kind !== "building" && feature.geometry.type !== "Point") {
              var center = item.getBounds().getCenter();
              L.marker(center, {
                interactive: false, keyboard: false,
                icon: L.divIcon({ className: "qy-map-label", html: "<span>" + escapeHtml(props.name) + "</span>", iconSize: null })
              }).addTo(map);
            }
          }
        }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [24, 24], maxZoom: 18, animate: false });
        } else {
          element.classList.add("qy-map-empty");
          element.setAttribute("data-empty", data.labelEmpty);
        }
        element.setAttribute("data-features", String(collection.features.length));
        element.classList.add("qy-map-ready");
      })
      .catch(function () {
        element.classList.add("qy-map-empty");
        element.setAttribute("data-empty", data.labelEmpty);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("area-map");
    if (element && window.L) { init(element); }
  });
})();
