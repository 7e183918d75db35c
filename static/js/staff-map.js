/* Staff maps: a ticket's point, or the work queue's tickets (clustered), over the county's
 * own layers (outline, townships, built-up area, village names); basemap tiles only when the
 * county serves them from the portal's origin (data-tiles, in the datum data-datum). The
 * ticket points are WGS84 in the page; on a basemap of another datum the portal converts
 * them (one POST for all). No request leaves the portal. */
(function () {
  "use strict";
  var el = document.getElementById("map") || document.getElementById("queue-map");
  if (!el || !window.L) return;
  var L = window.L;
  var d = el.dataset;
  var mapDatum = d.datum || "wgs84";
  var minZoom = Number(d.minZoom || 8), maxZoom = Number(d.maxZoom || 18);

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }
  // WGS84 points as drawn on the basemap: converted by the portal only when the datums differ
  function onMap(points) {
    if (mapDatum === "wgs84" || !d.places) return Promise.resolve(points);
    return Promise.all(points.map(function (p) {
      return fetch(d.places, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
                               body: JSON.stringify({ lat: p[0], lng: p[1], datum: "wgs84", map_datum: mapDatum }) })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (a) { return a ? [a.map_lat, a.map_lng] : p; })
        .catch(function () { return p; });
    }));
  }

  el.hidden = false;
  var map = L.map(el, { attributionControl: !!d.attribution, minZoom: minZoom, maxZoom: maxZoom }).setView([26.4, 113.8], 10);
  if (d.tiles) L.tileLayer(d.tiles, { minZoom: minZoom, maxZoom: maxZoom, attribution: d.attribution || "" }).addTo(map);
  if (d.attribution) map.attributionControl.setPrefix(false);
  var villageLabels = L.layerGroup();

  // a place name that would cover one already shown waits for a closer zoom (as on the citizen form)
  function declutter() {  // as place.js's: every box read first, then every class set
    var names = Array.prototype.slice.call(el.querySelectorAll(".map-label"));
    var boxes = names.map(function (name) { return name.getBoundingClientRect(); });
    var shown = [];
    names.forEach(function (name, i) {
      var r = boxes[i];
      var covers = shown.some(function (o) { return r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom; });
      name.classList.toggle("map-label-covered", covers);
      if (!covers) shown.push(r);
    });
  }

  function label(text, cls, at, anchor) {
    return L.marker(at, { interactive: false, keyboard: false,
      icon: L.divIcon({ className: "map-label " + cls, html: "", iconSize: null, iconAnchor: anchor }) })
      .on("add", function (e) { e.target.getElement().textContent = text; });
  }

  var layers = getJson(d.geojson + "?map_datum=" + encodeURIComponent(mapDatum)).then(function (geo) {
    if (!geo) return null;
    var focus = null, outline = null;
    L.geoJSON(geo, {
      filter: function (f) { return f.geometry.type !== "Point"; },
      style: function (f) {
        var mine = d.focus && f.properties.code === d.focus;
        return f.properties.kind === "built_up_area" ? { color: "#b3261e", weight: 1, fillOpacity: 0.05, dashArray: "4 3" }
             : f.properties.kind === "boundary" ? { color: "#1f2d3a", weight: 3, fill: false }
             : { color: mine ? "#1565c0" : "#5f6b73", weight: mine ? 3 : 1, fillColor: "#e9efe6", fillOpacity: 0.4 };
      },
      onEachFeature: function (f, layer) {
        if (f.properties.kind === "boundary") outline = layer;
        if (d.focus && f.properties.code === d.focus) focus = layer;
        if (f.properties.kind === "township") {
          var at = f.properties.label ? [f.properties.label[1], f.properties.label[0]] : layer.getBounds().getCenter();
          // the long names of management areas only once zoomed in, with the villages
          label(f.properties.name, "township-label", at).addTo(f.properties.unit_kind === "management_area" ? villageLabels : map);
        }
      }
    }).addTo(map);
    geo.features.forEach(function (f) {
      if (f.geometry.type !== "Point") return;
      var c = f.geometry.coordinates;
      villageLabels.addLayer(L.circleMarker([c[1], c[0]], { radius: 2, color: "#37474f", weight: 1, interactive: false }));
      villageLabels.addLayer(label(f.properties.name, "village-label", [c[1], c[0]], [-4, 8]));
    });
    var showVillages = function () {
      if (map.getZoom() >= 12) map.addLayer(villageLabels); else map.removeLayer(villageLabels);
      declutter();
    };
    map.on("zoomend", showVillages);
    showVillages();
    return { focus: focus, outline: outline };
  });

  // --- a ticket: its point --------------------------------------------------------------------
  if (el.id === "map") {
    var lat = Number(d.lat), lng = Number(d.lng);
    if (!isFinite(lat) || !isFinite(lng)) return;
    onMap([[lat, lng]]).then(function (p) {
      L.circleMarker(p[0], { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.5 }).addTo(map);
      map.setView(p[0], 13);
    });
    return;
  }

  // --- the queue: its tickets, clustered on a grid of about 60 pixels ---------------------------
  var items = Array.prototype.slice.call(document.querySelectorAll("#map-tickets li[data-lat]"));
  var tickets = items.map(function (li) {
    var a = li.querySelector("a");
    return { at: [Number(li.dataset.lat), Number(li.dataset.lng)], href: a.getAttribute("href"), text: li.textContent.trim() };
  });
  var clusters = L.layerGroup().addTo(map);
  function draw() {
    clusters.clearLayers();
    var cells = {};
    tickets.forEach(function (t) {
      var p = map.project(t.drawn || t.at, map.getZoom());
      // at the closest zoom nothing is grouped: tickets at one spot are listed in their popups
      var key = map.getZoom() >= maxZoom - 1 ? String(tickets.indexOf(t)) : Math.floor(p.x / 60) + ":" + Math.floor(p.y / 60);
      (cells[key] = cells[key] || []).push(t);
    });
    Object.keys(cells).forEach(function (key) {
      var group = cells[key];
      if (group.length === 1) {
        var t = group[0];
        var m = L.circleMarker(t.drawn || t.at, { radius: 8, color: "#b3261e", weight: 2, fillOpacity: 0.6 });
        m.bindPopup(function () {
          var a = document.createElement("a");
          a.href = t.href; a.textContent = t.text;
          return a;
        });
        clusters.addLayer(m);
        return;
      }
      var bounds = L.latLngBounds(group.map(function (t) { return t.drawn || t.at; }));
      var icon = L.divIcon({ className: "cluster", html: "", iconSize: [32, 32] });
      clusters.addLayer(L.marker(bounds.getCenter(), { icon: icon, keyboard: false })
        .on("add", function (e) { e.target.getElement().textContent = String(group.length); })
        .on("click", function () {
          map.setView(bounds.getCenter(), Math.min(Math.max(map.getBoundsZoom(bounds), map.getZoom() + 2), maxZoom));
        }));
    });
  }
  Promise.all([layers, onMap(tickets.map(function (t) { return t.at; }))]).then(function (done) {
    var shown = done[1];
    tickets.forEach(function (t, i) { t.drawn = shown[i]; });
    var area = done[0] && (done[0].focus || done[0].outline);
    if (area) map.fitBounds(area.getBounds(), { padding: [8, 8], animate: false });
    else if (tickets.length) map.fitBounds(L.latLngBounds(shown).pad(0.3), { animate: false });
    draw();
    map.on("zoomend", draw);
  });
})();
