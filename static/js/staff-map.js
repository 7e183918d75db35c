/* The ticket's place on a map: a point marker over the county's outline, on the basemap the
 * portal serves from its own origin (/tiles); no request leaves the portal. The outline
 * request carries the language cookie (the staff session cookie is limited to /staff). */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var lat = Number(el.dataset.lat), lng = Number(el.dataset.lng);
  if (!isFinite(lat) || !isFinite(lng)) return;
  el.hidden = false;
  var map = window.L.map(el, { attributionControl: false }).setView([lat, lng], 14);
  if (el.dataset.tiles) window.L.tileLayer(el.dataset.tiles, { minZoom: Number(el.dataset.minZoom) || 0, maxZoom: Number(el.dataset.maxZoom) || 18 }).addTo(map);
  if (el.dataset.attribution) window.L.control.attribution({ prefix: false }).addAttribution(el.dataset.attribution).addTo(map);
  window.L.circleMarker([lat, lng], { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.5 }).addTo(map);
  if (el.dataset.geojson) {
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (geo) {
        if (!geo) return;
        window.L.geoJSON(geo, {
          style: function (f) {
            return f.properties.kind === "built_up_area" ? { color: "#b3261e", weight: 1, fillOpacity: 0.05 }
                 : f.properties.kind === "boundary" ? { color: "#333", weight: 2, fill: false }
                 : { color: "#5f6b73", weight: 1, fillOpacity: 0.02 };
          },
          onEachFeature: function (f, layer) { if (f.properties.name) layer.bindTooltip(f.properties.name); }
        }).addTo(map);
      })
      .catch(function () { /* the marker alone still shows the place */ });
  }
})();
