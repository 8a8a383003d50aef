/* The pick-a-point map of the submit and patrol forms. With no tiles offline, the registry is the
 * base map: street and community outlines with their names, the grid outlines (the user's own
 * drawn stronger), and, zoomed in, the buildings with their names. A click, "use my position" or a
 * place found by name puts a marker, fills the hidden lon/lat inputs (WGS-84) and asks the server
 * where the point lies. */
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

    // Base layer: streets (named at every zoom) and communities (named from zoom 14).
    var labels = L.layerGroup().addTo(map);
    function getJSON(url) {
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      });
    }
    if (data.baseUrl) {
      getJSON(data.baseUrl).then(function (collection) {
        L.geoJSON(collection, {
          interactive: false,
          style: function (feature) {
            var street = feature.properties.kind === "street";
            return { color: street ? "#5b6573" : "#8a94a3", weight: street ? 2.5 : 1, dashArray: street ? null : "4 3",
                     fill: false, className: "qy-base qy-base-" + feature.properties.kind };
          }
        }).addTo(map).bringToBack();
        collection.features.forEach(function (feature) {
          var at = feature.properties.label_at;
          if (!at || at[0] === null) { return; }
          var text = document.createElement("span");
          text.textContent = feature.properties.name;  // a text node: names are never read as HTML
          var marker = L.marker([at[1], at[0]], {
            interactive: false, keyboard: false,
            icon: L.divIcon({ className: "qy-map-label qy-base-label qy-base-label-" + feature.properties.kind,
                              html: text, iconSize: null })
          });
          marker.qyKind = feature.properties.kind;
          labels.addLayer(marker);
        });
        showLabels();
        element.setAttribute("data-base", String(collection.features.length));
      }).catch(function () { /* the grids alone still work */ });
    }
    function showLabels() {
      var zoom = map.getZoom();
      labels.eachLayer(function (marker) {
        var show = marker.qyKind === "street" ? zoom < 15 : zoom >= 14;
        var node = marker.getElement();
        if (node) { node.style.display = show ? "" : "none"; }
      });
    }
    map.on("zoomend", showLabels);

    // Buildings, with their names, once zoomed in far enough to tell them apart.
    var buildings = L.layerGroup().addTo(map);
    var pending = null;
    function loadBuildings() {
      if (!data.buildingsUrl || map.getZoom() < 16) { buildings.clearLayers(); return; }
      var b = map.getBounds();
      var box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
      getJSON(data.buildingsUrl + "?bbox=" + box).then(function (answer) {
        buildings.clearLayers();
        answer.buildings.forEach(function (building) {
          var dot = L.circleMarker([building.lat, building.lon], {
            radius: 4, color: "#6b4a00", weight: 1, fillColor: "#f2c14e", fillOpacity: 0.9, className: "qy-building"
          });
          dot.bindTooltip(building.name, { permanent: map.getZoom() >= 17, direction: "right", className: "qy-building-name" });
          dot.on("click", function () { place(L.latLng(building.lat, building.lon), false); });
          buildings.addLayer(dot);
        });
        element.setAttribute("data-buildings", String(answer.buildings.length));
      }).catch(function () { buildings.clearLayers(); });
    }
    map.on("moveend", function () {
      if (pending) { clearTimeout(pending); }
      pending = setTimeout(loadBuildings, 250);
    });

    // Find a place by its name (estate, building, community, street).
    var query = document.getElementById("place-q");
    var go = document.getElementById("place-go");
    var results = document.getElementById("place-results");
    function search() {
      var text = query.value.trim();
      results.textContent = "";
      if (text.length < 2 || !data.placesUrl) { return; }
      getJSON(data.placesUrl + "?q=" + encodeURIComponent(text)).then(function (answer) {
        results.textContent = "";
        if (!answer.places.length) {
          var none = document.createElement("li");
          none.className = "qy-muted qy-small";
          none.textContent = data.labelNoPlaces;
          results.appendChild(none);
          return;
        }
        answer.places.forEach(function (found) {
          var item = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "qy-place secondary outline";
          button.setAttribute("data-place", String(found.id));
          var name = document.createElement("strong");
          name.textContent = found.name;
          var where = document.createElement("small");
          where.textContent = " " + found.kind_label + (found.where ? " · " + found.where : "");
          button.appendChild(name);
          button.appendChild(where);
          button.addEventListener("click", function () {
            results.textContent = "";
            var spot = L.latLng(found.lat, found.lon);
            map.setView(spot, found.kind === "building" ? 18 : found.kind === "street" ? 14 : 16, { animate: false });
            if (found.kind === "building" || found.kind === "grid") { place(spot, false); }
          });
          item.appendChild(button);
          results.appendChild(item);
        });
      }).catch(function () { results.textContent = ""; });
    }
    if (query && go) {
      go.addEventListener("click", search);
      query.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); search(); }
      });
    }

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
