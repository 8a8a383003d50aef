/* The pick-a-point map of the submit and patrol forms. With no tiles offline, the registry is the
 * base map: street and community outlines with their names, the grid outlines (the user's own
 * drawn stronger), and, zoomed in, the buildings with their names. A click, "use my position" or a
 * place found by name puts a marker, fills the hidden lon/lat inputs (WGS-84: a phone's GCJ-02
 * position is converted first, see gcjToggle) and asks the server where the point lies. */
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
      var shift = gcjToggle(button, data);
      var raw = null;
      var placeRaw = function () {
        var lonlat = shift.checked ? gcjToWgs(raw.lon, raw.lat) : [raw.lon, raw.lat];
        element.setAttribute("data-position-crs", shift.checked ? "gcj02" : "wgs84");
        place(L.latLng(lonlat[1], lonlat[0]), true);
      };
      shift.addEventListener("change", function () {
        try { window.localStorage.setItem(CRS_KEY, shift.checked ? "gcj02" : "wgs84"); } catch (e) { /* private mode */ }
        if (raw) { placeRaw(); }
      });
      button.addEventListener("click", function () {
        status.textContent = data.labelLocating;
        navigator.geolocation.getCurrentPosition(
          function (position) {
            status.textContent = "";
            raw = { lon: position.coords.longitude, lat: position.coords.latitude };
            placeRaw();
          },
          function () { status.textContent = data.labelNoGeo; },
          { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
        );
      });
    }
  }

  /* "Use my position" and GCJ-02 (issue 13 point 4). The W3C API answers WGS-84, but the browsers
   * built into Chinese apps and some Chinese phones' own browsers take the position from a domestic
   * location service and answer GCJ-02, about 300-600 m off on the registry's WGS-84 map. There is
   * no flag saying which: the position is taken as GCJ-02 when the page says so (data-device-crs),
   * when the user chose it before (kept in this browser), or by default in those browsers; a box
   * under the button lets the user switch when the pin lands beside where they stand. */
  var CRS_KEY = "qy-position-crs";
  var GCJ_BROWSERS = /MicroMessenger|MQQBrowser|\bQQ\/|UCBrowser|baiduboxapp|AlipayClient|DingTalk|Quark|HuaweiBrowser|MiuiBrowser|HeyTapBrowser|VivoBrowser/i;

  function gcjByDefault(data) {
    if (data.deviceCrs === "gcj02" || data.deviceCrs === "wgs84") { return data.deviceCrs === "gcj02"; }
    try {
      var kept = window.localStorage.getItem(CRS_KEY);
      if (kept === "gcj02" || kept === "wgs84") { return kept === "gcj02"; }
    } catch (e) { /* private mode: no memory */ }
    return GCJ_BROWSERS.test(navigator.userAgent || "");
  }

  function gcjToggle(button, data) {
    var english = (document.documentElement.lang || "").indexOf("en") === 0;
    var label = document.createElement("label");
    label.className = "qy-small qy-gcj-toggle";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = "position-gcj02";
    box.checked = gcjByDefault(data);
    label.appendChild(box);
    label.appendChild(document.createTextNode(english
      ? " My position is in GCJ-02 (Chinese map apps): correct it"
      : " 定位来自国内地图（GCJ-02 坐标），按其校正"));
    button.parentNode.appendChild(label);
    return box;
  }

  // GCJ-02 -> WGS-84, the same published offset as core/geo.py, inverted by fixed-point steps.
  var A = 6378245.0, EE = 0.00669342162296594323;
  function inChina(lon, lat) { return lon > 72.004 && lon < 137.8347 && lat > 0.8293 && lat < 55.8271; }
  function offsetLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    return r;
  }
  function offsetLon(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    return r;
  }
  function wgsToGcj(lon, lat) {
    if (!inChina(lon, lat)) { return [lon, lat]; }
    var dLat = offsetLat(lon - 105.0, lat - 35.0), dLon = offsetLon(lon - 105.0, lat - 35.0);
    var rad = lat / 180.0 * Math.PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), root = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * root) * Math.PI);
    dLon = (dLon * 180.0) / (A / root * Math.cos(rad) * Math.PI);
    return [lon + dLon, lat + dLat];
  }
  function gcjToWgs(lon, lat) {
    var x = lon, y = lat;
    for (var i = 0; i < 8; i++) {
      var f = wgsToGcj(x, y);
      x -= f[0] - lon;
      y -= f[1] - lat;
    }
    return [x, y];
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("pick-map");
    if (element && window.L) { init(element); }
  });
})();
