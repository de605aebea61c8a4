/* Schakel maps (Leaflet). Data comes from a json_script block named in
 * data-map-source: {areas: [{name, geometry}], circles: [{lat, lon, radius,
 * label, url}], markers: [{lat, lon, label, url}], points: [{lat, lon}]}.
 * The tile URL is data-tile-url (empty: no background, shapes still drawn).
 * No user text is ever inserted as HTML: popups are built with textContent. */
(function () {
  "use strict";

  function popup(item) {
    var box = document.createElement("div");
    var title = document.createElement(item.url ? "a" : "strong");
    title.textContent = item.label || "";
    if (item.url) title.href = item.url;
    box.appendChild(title);
    if (item.detail) {
      var p = document.createElement("div");
      p.textContent = item.detail;
      box.appendChild(p);
    }
    return box;
  }

  function init(el) {
    var source = document.getElementById(el.dataset.mapSource);
    if (!source || !window.L) return;
    var data = JSON.parse(source.textContent);
    var map = L.map(el, { scrollWheelZoom: false, attributionControl: !!el.dataset.tileUrl });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
    }
    // Leaflet circles need a map view before they are added: compute the
    // bounds from the data first, set the view, then add the layers.
    var group = L.featureGroup();
    var bounds = L.latLngBounds([]);
    (data.areas || []).forEach(function (a) {
      var layer = L.geoJSON(a.geometry, { style: { color: "#3d4f5c", weight: 2, fillOpacity: 0.06 } }).bindTooltip(a.name);
      bounds.extend(layer.getBounds());
      group.addLayer(layer);
    });
    (data.points || []).forEach(function (p) {
      bounds.extend([p.lat, p.lon]);
      group.addLayer(L.circleMarker([p.lat, p.lon], { radius: 2, weight: 0, fillColor: "#1f5f8b", fillOpacity: 0.7 }));
    });
    (data.circles || []).forEach(function (c) {
      bounds.extend(L.latLng(c.lat, c.lon).toBounds(c.radius * 2));
      group.addLayer(L.circle([c.lat, c.lon], { radius: c.radius, color: "#b3261e", weight: 2, fillOpacity: 0.1 }));
      group.addLayer(
        L.circleMarker([c.lat, c.lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 }).bindPopup(popup(c))
      );
    });
    (data.markers || []).forEach(function (m) {
      bounds.extend([m.lat, m.lon]);
      group.addLayer(
        L.circleMarker([m.lat, m.lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#0b6e4f", fillOpacity: 1 }).bindPopup(popup(m))
      );
    });
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12], maxZoom: 17 });
    } else {
      map.setView([51.028, 4.48], 14);
    }
    group.addTo(map);
    var latInput = el.dataset.pickLat && document.getElementById(el.dataset.pickLat);
    var lonInput = el.dataset.pickLon && document.getElementById(el.dataset.pickLon);
    if (latInput && lonInput) {
      var picked = null;
      var show = function (lat, lon) {
        if (picked) picked.remove();
        picked = L.circleMarker([lat, lon], { radius: 8, color: "#000", weight: 2, fillColor: "#ffb000", fillOpacity: 1 }).addTo(map);
      };
      if (latInput.value && lonInput.value) show(parseFloat(latInput.value), parseFloat(lonInput.value));
      map.on("click", function (e) {
        latInput.value = e.latlng.lat.toFixed(6);
        lonInput.value = e.latlng.lng.toFixed(6);
        show(e.latlng.lat, e.latlng.lng);
      });
    }
    el.schakelMap = map;
  }

  function geolocate(button) {
    button.addEventListener("click", function () {
      var lat = document.getElementById(button.dataset.latInput);
      var lon = document.getElementById(button.dataset.lonInput);
      var status = document.getElementById(button.dataset.status);
      if (!navigator.geolocation || !lat || !lon) return;
      if (status) status.textContent = button.dataset.busy || "";
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          lat.value = pos.coords.latitude.toFixed(6);
          lon.value = pos.coords.longitude.toFixed(6);
          if (status) status.textContent = button.dataset.done || "";
        },
        function () {
          if (status) status.textContent = button.dataset.failed || "";
        },
        { enableHighAccuracy: true, timeout: 10000 }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-map]").forEach(init);
    document.querySelectorAll("[data-geolocate]").forEach(geolocate);
  });
})();
