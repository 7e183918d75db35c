/* The filing form's "在哪里" fieldset: the map, the search box, the pin and what it says.
 * The fieldset works without this file (township and village lists, typed coordinates).
 * Every request goes to the portal itself: the county's layers, the search, the preview of
 * the pin and the nearby reports are its API; basemap tiles, when the county serves them,
 * come from its own origin (data-tiles). Coordinates are exchanged tagged with the datum of
 * the basemap (data-datum); the server converts, and stores WGS84. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var mapEl = document.getElementById("map");
  var fieldset = document.getElementById("place");
  if (!form || !mapEl || !fieldset || !mapEl.dataset.leafletSrc) return;

  // Leaflet (40 KiB compressed) and the map it builds are fetched when the fieldset comes onto
  // the screen, or is used from the keyboard or a link to one of its fields: the form's first
  // screen (the category and the description) never waits for them. Until then, and if
  // Leaflet cannot be fetched, the fieldset is what it is without JavaScript.
  var requested = false, observer = null;
  function loadLeaflet() {
    if (requested) return;
    requested = true;
    if (observer) observer.disconnect();
    fieldset.removeEventListener("focusin", loadLeaflet);
    var pending = 2;
    function ready() { if (--pending === 0) start(); }
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = mapEl.dataset.leafletHref;
    sheet.onload = sheet.onerror = ready;
    var own = document.getElementById("map-css");  // map.css refines Leaflet's rules: it must come after them
    if (own) own.parentNode.insertBefore(sheet, own); else document.head.appendChild(sheet);
    var script = document.createElement("script");
    script.src = mapEl.dataset.leafletSrc;
    script.onload = ready;
    document.head.appendChild(script);
  }
  if ("IntersectionObserver" in window) {
    observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) loadLeaflet();
    });
    observer.observe(fieldset);
  } else {
    loadLeaflet();
  }
  fieldset.addEventListener("focusin", loadLeaflet);

  function start() {
    if (!window.L) return;
    var L = window.L;
    var d = mapEl.dataset;
    var mapDatum = d.datum || "wgs84";
    var latInput = document.getElementById("lat");
    var lngInput = document.getElementById("lng");
    var datumInput = document.getElementById("datum");
    var villageSelect = document.getElementById("village");
    var townshipSelect = document.getElementById("township");
    var categories = form.querySelectorAll("input[name=category]");  // a radio list (filing.js shows its example)
    var chosenCategory = function () { var c = form.querySelector("input[name=category]:checked"); return c ? c.value : null; };
    var feedback = document.getElementById("place-feedback");
    var accuracy = document.getElementById("place-accuracy");
    var nearbyBox = document.getElementById("nearby");
    var marker = null, accuracyCircle = null, nearbyLayer = null, lastPreview = null, previewSeq = 0;

    // the pin (perhaps where the reporter stands) travels in a body, never in a URL that a proxy logs
    function post(path, body) {
      return fetch(path, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
                           body: JSON.stringify(body) })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    function api(path, params) {
      var query = Object.keys(params).filter(function (k) { return params[k] !== null && params[k] !== undefined && params[k] !== ""; })
        .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
      return fetch(path + (query ? "?" + query : ""), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    function say(text, warn) {
      feedback.textContent = text || "";
      feedback.classList.toggle("warn", !!warn);
    }

    // --- the map: the county's own layers, tiles only from the portal's origin ---------------
    mapEl.hidden = false;
    Array.prototype.forEach.call(document.querySelectorAll("[data-place-js]"), function (el) { el.hidden = false; });
    Array.prototype.forEach.call(document.querySelectorAll("[data-place-nojs]"), function (el) { el.hidden = true; });
    var center = d.center.split(",").map(Number);  // lng,lat in WGS84; converted below with the layers
    var minZoom = Number(d.minZoom || 8), maxZoom = Number(d.maxZoom || 18);
    var map = L.map(mapEl, { attributionControl: !!d.attribution, minZoom: minZoom, maxZoom: maxZoom })
      .setView([center[1], center[0]], 10);
    if (d.tiles) {
      L.tileLayer(d.tiles, { minZoom: minZoom, maxZoom: maxZoom, attribution: d.attribution || "" }).addTo(map);
    }
    if (d.attribution) map.attributionControl.setPrefix(false);
    var villageLabels = L.layerGroup();
    var townshipLabels = L.layerGroup();
    api(d.geojson, { map_datum: mapDatum }).then(function (geo) {
      if (!geo) return;
      var outline = null;
      L.geoJSON(geo, {
        filter: function (f) { return f.geometry.type !== "Point"; },
        style: function (f) {
          return f.properties.kind === "built_up_area" ? { color: "#b3261e", weight: 2, fillOpacity: 0.06, dashArray: "4 3" }
               : f.properties.kind === "boundary" ? { color: "#1f2d3a", weight: 3, fill: false }
               : { color: "#5f6b73", weight: 1, fillColor: "#e9efe6", fillOpacity: 0.5 };
        },
        onEachFeature: function (f, layer) {
          if (f.properties.kind === "boundary") outline = layer;
          if (f.properties.kind === "township") {
            var at = f.properties.label ? [f.properties.label[1], f.properties.label[0]] : layer.getBounds().getCenter();
            // the long names of management areas only once zoomed in (with the villages)
            (f.properties.unit_kind === "management_area" ? villageLabels : townshipLabels).addLayer(L.marker(at, {
              interactive: false, keyboard: false,
              icon: L.divIcon({ className: "map-label township-label", html: "", iconSize: null })
            }).on("add", function (e) { e.target.getElement().textContent = f.properties.name; }));
          }
        }
      }).addTo(map);
      geo.features.forEach(function (f) {
        if (f.geometry.type !== "Point") return;
        var c = f.geometry.coordinates;
        var dot = L.circleMarker([c[1], c[0]], { radius: 3, color: "#37474f", weight: 1, fillOpacity: 0.9, interactive: false });
        var label = L.marker([c[1], c[0]], { interactive: false, keyboard: false,
          icon: L.divIcon({ className: "map-label village-label", html: "", iconSize: null, iconAnchor: [-5, 8] }) })
          .on("add", function (e) { e.target.getElement().textContent = f.properties.name; });
        villageLabels.addLayer(dot).addLayer(label);
      });
      if (outline && !marker) map.fitBounds(outline.getBounds(), { padding: [4, 4] });
      showLabels();
    });
    function showLabels() {
      var near = map.getZoom() >= 12;
      if (near) { map.addLayer(villageLabels); map.removeLayer(townshipLabels); }
      else { map.addLayer(townshipLabels); map.removeLayer(villageLabels); }
      declutter();
    }
    // place names are at least 14 px (18 px in the elder mode): a name that would cover one
    // already shown waits for a closer zoom, rather than both becoming unreadable
    function declutter() {
      // every box read first, then every class set: a hidden name (visibility) keeps its box,
      // and reading after each write would lay the page out again for each of ~150 names
      var labels = Array.prototype.slice.call(mapEl.querySelectorAll(".map-label"));
      var boxes = labels.map(function (el) { return el.getBoundingClientRect(); });
      var shown = [];
      labels.forEach(function (el, i) {
        var r = boxes[i];
        var covers = shown.some(function (o) {
          return r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom;
        });
        el.classList.toggle("map-label-covered", covers);
        if (!covers) shown.push(r);
      });
    }
    map.on("zoomend", showLabels);

    // --- the pin -------------------------------------------------------------------------------
    function putMarker(lat, lng) {
      if (marker) marker.setLatLng([lat, lng]);
      else marker = L.marker([lat, lng], { keyboard: false }).addTo(map);
    }
    // coordinates as given (in ``datum``); the answer names the place and who handles it
    function setPoint(lat, lng, datum, pan) {
      latInput.value = lat.toFixed(6);
      lngInput.value = lng.toFixed(6);
      datumInput.value = datum;
      if (datum === mapDatum) { putMarker(lat, lng); if (pan) map.setView([lat, lng], Math.max(map.getZoom(), 15)); }
      describe(pan);
    }
    function describe(pan) {
      var lat = Number(latInput.value), lng = Number(lngInput.value);
      if (!latInput.value || !lngInput.value || !isFinite(lat) || !isFinite(lng)) { lastPreview = null; say(""); return; }
      var seq = ++previewSeq;
      var params = { lat: lat, lng: lng, datum: datumInput.value || "wgs84", map_datum: mapDatum };
      post(d.places, Object.assign({ category: chosenCategory() }, params)).then(function (place) {
        if (seq !== previewSeq) return;  // a newer pin is on its way
        lastPreview = place;
        if (!place) { say(""); return; }
        putMarker(place.map_lat, place.map_lng);
        if (pan) map.setView([place.map_lat, place.map_lng], Math.max(map.getZoom(), 15));
        say(place.text + (place.grid_text ? " " + place.grid_text : ""), !place.in_county);
        if (place.in_county && villageSelect && place.village) villageSelect.value = place.village;
        if (place.in_county && townshipSelect && place.township) townshipSelect.value = place.township;
        showNearby(place.in_county ? params : null);
      });
    }
    map.on("click", function (e) {
      if (accuracyCircle) { map.removeLayer(accuracyCircle); accuracyCircle = null; accuracy.textContent = ""; }
      setPoint(e.latlng.lat, e.latlng.lng, mapDatum, false);
    });
    // typed coordinates (GPS, WGS84) drop the pin
    function typed() {
      if (latInput.value.trim() && lngInput.value.trim()) { datumInput.value = "wgs84"; describe(true); }
    }
    latInput.addEventListener("change", typed);
    lngInput.addEventListener("change", typed);
    Array.prototype.forEach.call(categories, function (c) { c.addEventListener("change", function () { describe(false); }); });
    if (latInput.value && lngInput.value) describe(true);

    // --- "use my location", with its accuracy ---------------------------------------------------
    var locate = document.getElementById("locate");
    if (locate) {
      if (!navigator.geolocation) locate.hidden = true;
      locate.addEventListener("click", function () {
        say(locate.dataset.waiting);
        navigator.geolocation.getCurrentPosition(function (pos) {
          var metres = Math.round(pos.coords.accuracy);
          accuracy.textContent = (accuracy.dataset.template || "%(m)s").replace("%(m)s", metres);
          setPoint(pos.coords.latitude, pos.coords.longitude, "wgs84", true);
          if (accuracyCircle) map.removeLayer(accuracyCircle);
          accuracyCircle = null;
          if (mapDatum === "wgs84") {
            accuracyCircle = L.circle([pos.coords.latitude, pos.coords.longitude],
                                      { radius: metres, weight: 1, color: "#1565c0", fillOpacity: 0.1, interactive: false }).addTo(map);
          }
        }, function () { say(locate.dataset.failed, true); }, { enableHighAccuracy: true, timeout: 15000 });
      });
    }

    // --- a photo's confirmed capture place can become the pin (EXIF GPS is WGS84) ---------------
    var usePhoto = document.getElementById("use-photo-place");
    var photoPlace = null;
    form.addEventListener("change", function (e) {
      var box = e.target;
      if (!box || box.name !== "confirm_exif" || !box.dataset.lat) return;
      photoPlace = box.checked ? { lat: Number(box.dataset.lat), lng: Number(box.dataset.lng) } : null;
      if (usePhoto) usePhoto.hidden = !photoPlace;
    });
    if (usePhoto) {
      usePhoto.addEventListener("click", function () {
        if (photoPlace) setPoint(photoPlace.lat, photoPlace.lng, "wgs84", true);
      });
    }

    // --- search: township, village or landmark by name, pinyin or initials -----------------------
    var search = document.getElementById("place-search");
    var results = document.getElementById("place-results");
    var searchTimer = null, searchSeq = 0;
    function choose(place) {
      results.innerHTML = "";
      search.value = place.name;
      map.setView([place.map_lat, place.map_lng], place.kind === "township" ? 12 : 14);
      if (villageSelect && ["village", "community", "living_area"].indexOf(place.kind) >= 0) {
        var option = Array.prototype.find.call(villageSelect.options, function (o) { return o.text === place.name; });
        if (option) villageSelect.value = option.value;
      }
      say(search.dataset.chosen || "");
    }
    function runSearch() {
      var q = search.value.trim();
      var seq = ++searchSeq;
      if (!q) { results.innerHTML = ""; return; }
      api(search.dataset.url, { q: q, map_datum: mapDatum }).then(function (found) {
        if (seq !== searchSeq) return;
        results.innerHTML = "";
        var places = (found && found.places) || [];
        if (!places.length) {
          var none = document.createElement("li");
          none.className = "hint";
          none.textContent = search.dataset.none || "";
          results.appendChild(none);
          return;
        }
        places.forEach(function (place) {
          var li = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "place-result";
          button.textContent = place.name + (place.township_name && place.kind !== "township" ? "（" + place.township_name + "）" : "");
          button.addEventListener("click", function () { choose(place); });
          li.appendChild(button);
          results.appendChild(li);
        });
      });
    }
    if (search) {
      search.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 200); });
      search.addEventListener("keydown", function (e) {
        if (e.key === "Enter") {  // Enter chooses the first result, never submits the form
          e.preventDefault();
          var first = results.querySelector("button");
          if (first) first.click(); else runSearch();
        }
      });
    }

    // --- reports near the pin -------------------------------------------------------------------
    function showNearby(params) {
      if (!nearbyBox) return;
      if (nearbyLayer) { map.removeLayer(nearbyLayer); nearbyLayer = null; }
      nearbyBox.hidden = true;
      if (!params) return;
      post(nearbyBox.dataset.url, params).then(function (found) {
        if (!found || !found.reports || !found.reports.length) return;
        var list = nearbyBox.querySelector("ul");
        list.innerHTML = "";
        nearbyLayer = L.layerGroup().addTo(map);
        found.reports.forEach(function (r) {
          var li = document.createElement("li");
          li.textContent = r.category + " · " + r.status + " · " + r.week;
          list.appendChild(li);
          nearbyLayer.addLayer(L.circleMarker([r.map_lat, r.map_lng], { radius: 7, color: "#6d4c41", weight: 2, fillOpacity: 0.2 }));
        });
        nearbyBox.querySelector(".note").textContent = found.note;
        nearbyBox.hidden = false;
      });
    }

    // --- a point outside the county is flagged before the form is sent --------------------------
    form.addEventListener("submit", function (e) {
      if (lastPreview && lastPreview.in_county === false) {
        e.preventDefault();
        say(lastPreview.text, true);
        feedback.scrollIntoView({ block: "center" });
        latInput.focus();
      }
    });
  }
})();
