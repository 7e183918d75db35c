/* Filing form enhancements: the map pin and "use my location" (the category and the
 * photos are filing.js). The form works without this file. Nothing here talks to any host
 * but the portal. Requests to the portal carry its cookies (same-origin): a citizen has
 * none but the language choice, so API messages (map labels) come back in the reader's
 * language. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var token = form.querySelector("input[name=token]").value;
  var latInput = document.getElementById("lat");
  var lngInput = document.getElementById("lng");
  var feedback = document.getElementById("place-feedback");

  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  // --- map ------------------------------------------------------------------------------
  var mapEl = document.getElementById("map");
  var marker = null, map = null;
  function describePlace(lat, lng) {
    if (!mapEl.dataset.places) return;
    fetch(mapEl.dataset.places + "?lat=" + encodeURIComponent(lat) + "&lng=" + encodeURIComponent(lng),
          { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (place) {
        if (!place) { feedback.textContent = ""; return; }
        if (!place.in_county) { feedback.textContent = mapEl.dataset.outside || "这个位置不在本县范围内。"; return; }
        feedback.textContent = (place.township_name || "") + (place.in_built_up_area ? (mapEl.dataset.builtUp || "（县城建成区内）") : "");
      })
      .catch(function () { feedback.textContent = ""; });
  }
  function setPoint(lat, lng, pan) {
    latInput.value = lat.toFixed(6);
    lngInput.value = lng.toFixed(6);
    if (map) {
      if (marker) marker.setLatLng([lat, lng]); else marker = window.L.marker([lat, lng]).addTo(map);
      if (pan) map.setView([lat, lng], 15);
    }
    describePlace(lat, lng);
  }
  if (window.L && mapEl) {
    mapEl.hidden = false;
    var center = mapEl.dataset.center.split(",").map(Number);  // lng,lat
    map = window.L.map(mapEl, { attributionControl: false }).setView([center[1], center[0]], 11);
    if (mapEl.dataset.tiles) window.L.tileLayer(mapEl.dataset.tiles, { maxZoom: 18 }).addTo(map);
    fetch(mapEl.dataset.geojson || "/api/v1/map", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (geo) {
        if (!geo) return;
        window.L.geoJSON(geo, {
          style: function (f) {
            return f.properties.kind === "built_up_area" ? { color: "#b3261e", weight: 2, fillOpacity: 0.08 }
                 : f.properties.kind === "boundary" ? { color: "#333", weight: 2, fill: false }
                 : { color: "#5f6b73", weight: 1, fillOpacity: 0.03 };
          },
          onEachFeature: function (f, layer) { if (f.properties.name) layer.bindTooltip(f.properties.name); }
        }).addTo(map);
      });
    map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng, false); });
    if (latInput.value && lngInput.value) setPoint(Number(latInput.value), Number(lngInput.value), true);
  }
  var locate = document.getElementById("locate");
  if (locate) {
    if (!navigator.geolocation) { locate.hidden = true; }
    locate.addEventListener("click", function () {
      feedback.textContent = locate.dataset.waiting || "正在定位…";
      navigator.geolocation.getCurrentPosition(
        function (pos) { setPoint(pos.coords.latitude, pos.coords.longitude, true); },
        function () { feedback.textContent = locate.dataset.failed || "无法获取位置，请在地图上点选或填写坐标。"; },
        { enableHighAccuracy: true, timeout: 15000 });
    });
  }
})();
