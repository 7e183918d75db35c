/* Filing form enhancements. The form works without this file: it adds the category example,
 * photo previews and upload progress (the map, the search and the pin: place.js). Photos are
 * uploaded (and sanitised on the server) as soon as they are chosen; the form then posts
 * only their upload ids. Nothing here talks to any host but the portal (or, on serverless
 * deployments, the portal's own upload bucket). Requests to the portal carry its cookies
 * (same-origin): a citizen has none but the language choice, so API messages (upload errors,
 * map labels) come back in the reader's language. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var token = form.querySelector("input[name=token]").value;

  // --- category example -----------------------------------------------------------------
  var category = document.getElementById("category");
  var example = document.getElementById("category-example");
  function showExample() {
    var option = category.options[category.selectedIndex];
    example.textContent = option && option.dataset.example ? (form.dataset.exampleLabel || "例如：") + option.dataset.example : "";
  }
  category.addEventListener("change", showExample);
  showExample();

  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  // --- photos ---------------------------------------------------------------------------
  var input = document.getElementById("photos");
  var list = document.getElementById("photo-list");
  var max = Number(input.dataset.max || 6);
  var direct = input.dataset.direct === "1";
  var pending = 0;
  function countPhotos() { return form.querySelectorAll("input[name=upload_ids]").length + pending; }

  function addHidden(name, value) {
    var el = document.createElement("input");
    el.type = "hidden"; el.name = name; el.value = value;
    form.appendChild(el);
    return el;
  }
  function offerFacts(row, up) {
    if (!up.taken_at && up.taken_lat == null) return;
    var label = document.createElement("label");
    var box = document.createElement("input");
    // unticked: the place is where the phone was (maybe the reporter's home); kept only if chosen
    box.type = "checkbox"; box.name = "confirm_exif"; box.value = up.upload_id; box.checked = false;
    if (up.taken_lat != null) { box.dataset.lat = up.taken_lat; box.dataset.lng = up.taken_lng; }  // place.js: photo place as pin
    label.appendChild(box);
    var text = " " + (input.dataset.keepFacts || "作为证据提交：");
    if (up.taken_at) text += " " + up.taken_at.replace("T", " ").slice(0, 16);
    if (up.taken_lat != null) text += " " + up.taken_lat.toFixed(5) + ", " + up.taken_lng.toFixed(5);
    label.appendChild(document.createTextNode(text));
    row.appendChild(label);
    var note = document.createElement("p");
    note.className = "hint";
    note.textContent = input.dataset.factsNote || "不勾选就删除。拍摄地点是拍照时手机所在的位置，可能就是您的住处。";
    row.appendChild(note);
  }
  function uploadThroughPortal(file, bar, done, fail) {
    var data = new FormData();
    data.append("token", token);
    data.append("photo", file);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", input.dataset.uploadUrl);
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = e.loaded / e.total; };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 201 && body) done(body); else fail(body && body.message);
    };
    xhr.onerror = function () { fail(null); };
    xhr.send(data);
  }
  function uploadDirect(file, bar, done, fail) {
    fetch(input.dataset.presignUrl, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
                                       body: JSON.stringify({ token: token }) })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        if (!res.ok) { fail(res.body && res.body.message); return; }
        var data = new FormData();
        Object.keys(res.body.fields).forEach(function (k) { data.append(k, res.body.fields[k]); });
        data.append("Content-Type", file.type);  // the upload policy requires an image/* type
        data.append("file", file);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", res.body.url);
        xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = e.loaded / e.total; };
        xhr.onload = function () {
          if (xhr.status >= 300) { fail(null); return; }
          var tries = 0;
          (function poll() {
            // the token goes in a header: a URL ends up in logs
            fetch(input.dataset.stateUrl.replace("UPLOAD_ID", encodeURIComponent(res.body.upload_id)),
                  { credentials: "same-origin", headers: { "X-Filing-Token": token } })
              .then(function (r) { return r.json(); })
              .then(function (state) {
                if (state.status === "ready") done(state);
                else if (state.status === "rejected") fail(state.error);
                else if (++tries < 30) setTimeout(poll, 1000);
                else fail(null);
              }).catch(function () { fail(null); });
          })();
        };
        xhr.onerror = function () { fail(null); };
        xhr.send(data);
      }).catch(function () { fail(null); });
  }
  input.addEventListener("change", function () {
    var files = Array.prototype.slice.call(input.files);
    input.value = "";  // the files travel by upload, not with the form
    files.forEach(function (file) {
      var row = document.createElement("div");
      row.className = "photo";
      var img = document.createElement("img");
      img.alt = "";
      img.src = URL.createObjectURL(file);
      var box = document.createElement("div");
      box.className = "grow";
      var bar = document.createElement("progress");
      bar.max = 1; bar.value = 0;
      var state = document.createElement("div");
      state.className = "state";
      box.appendChild(bar); box.appendChild(state);
      row.appendChild(img); row.appendChild(box);
      list.appendChild(row);
      if (countPhotos() >= max) { bar.hidden = true; state.textContent = input.dataset.tooMany || "照片已达上限。"; return; }
      pending += 1;
      var done = function (up) {
        pending -= 1; bar.hidden = true;
        state.textContent = input.dataset.uploaded || "已上传（照片中的设备信息已删除）";
        addHidden("upload_ids", up.upload_id);
        offerFacts(box, up);
      };
      var fail = function (message) {
        pending -= 1; bar.hidden = true;
        state.textContent = message || input.dataset.failed || "上传失败，请重试。";
        row.classList.add("failed");
      };
      (direct ? uploadDirect : uploadThroughPortal)(file, bar, done, fail);
    });
    if (!form.querySelector("input[name=exif_reviewed]")) addHidden("exif_reviewed", "1");
  });
  form.addEventListener("submit", function (e) {
    if (pending > 0) { e.preventDefault(); alert(input.dataset.wait || "照片还在上传，请稍候再提交。"); }
  });
})();
