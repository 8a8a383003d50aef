/* The pick-a-point map of the submit and patrol forms: the city's grid outlines on a plain
 * background (or over tiles when the site has a tile URL); a click or "use my position" puts a
 * marker, fills the hidden lon/lat inputs (WGS-84) and asks the server where the point lies. */
(function () {
  "use strict";

  function init(element) {
    var data = element.dataset;
    var lon = document.getElementById("id_lon");
    var lat = document.getElementById("id_lat");
    var status = document.getElementById("pick-status");
    var map = L.map(element, { zoomControl: true, attributionControl: Boolean(data.tileUrl), zoomSnap: 0.25 });
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    map.setView([37.5, 121.4], 11);
    var marker = null;

    function place(latlng, pan) {
      if (!marker) {
        marker = L.circleMarker(latlng, {
          radius: 9, color: "#ffffff", weight: 3, fillColor: "#b3161b", fillOpacity: 1, className: "qy-pick-marker"
        }).addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
      lon.value = latlng.lng.toFixed(6);
      lat.value = latlng.lat.toFixed(6);
      element.setAttribute("data-picked", lon.value + "," + lat.value);
      if (pan) { map.setView(latlng, Math.max(map.getZoom(), 15), { animate: false }); }
      document.body.dispatchEvent(new CustomEvent("qy:picked"));
    }

    map.on("click", function (event) { place(event.latlng, false); });

    var hadPoint = lon.value !== "" && lat.value !== "";
    // The user's own grids (their community's, their grid, their building's): drawn stronger,
    // and the map opens on them instead of the whole city.
    var focus = {};
    (data.focusGrids || "").split(",").forEach(function (id) { if (id) { focus[id] = true; } });
    fetch(data.gridsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          style: function (feature) {
            var own = focus[String(feature.properties.id)];
            return {
              color: own ? "#b3161b" : "#1f5f99", weight: own ? 2 : 1, fillColor: own ? "#f4a3a3" : "#64b5f6",
              fillOpacity: own ? 0.18 : 0.1,
              className: "qy-area qy-grid qy-grid-" + feature.properties.id + (own ? " qy-grid-own" : "")
            };
          },
          onEachFeature: function (feature, item) {
            var p = feature.properties;
            item.bindTooltip((p.community ? p.community + " · " : "") + p.name, { sticky: true, direction: "top" });
          }
        }).addTo(map);
        var bounds = layer.getBounds();
        var own = L.latLngBounds([]);
        layer.eachLayer(function (item) { if (focus[String(item.feature.properties.id)]) { own.extend(item.getBounds()); } });
        if (own.isValid()) { bounds = own; element.setAttribute("data-focused", "own"); }
        if (!hadPoint && bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12], animate: false }); }
        element.setAttribute("data-features", String(collection.features.length));
        element.classList.add("qy-map-ready");
      })
      .catch(function () { element.classList.add("qy-map-ready"); });

    if (hadPoint) { place(L.latLng(Number(lat.value), Number(lon.value)), true); }

    var button = document.getElementById("use-position");
    if (button) {
      if (!("geolocation" in navigator)) { button.hidden = true; return; }
      button.addEventListener("click", function () {
        status.textContent = data.labelLocating;
        navigator.geolocation.getCurrentPosition(
          function (position) {
            status.textContent = "";
            place(L.latLng(position.coords.latitude, position.coords.longitude), true);
          },
          function () { status.textContent = data.labelNoGeo; },
          { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
        );
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("pick-map");
    if (element && window.L) { init(element); }
  });
})();
