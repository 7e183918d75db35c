/* The filing form's own fields (the map, the search and the pin are place.js): the chosen category's example, and
 * photos. Without this file the form still works: the category is a radio list and the
 * photo inputs (camera or album) post their files with the form.
 *
 * With it, each photo is made smaller on the phone before it leaves (longest side
 * MAX_EDGE pixels, JPEG), then uploaded with a progress bar and sanitised on the server at
 * once; the form then posts only the upload ids. A failed upload can be retried. The
 * capture time and place a JPEG records (EXIF) travel with the smaller copy, with its
 * orientation set upright as drawn, so the reporter can still choose to keep them as
 * evidence; the server removes everything else. Nothing here talks to any host but the
 * portal (or, on serverless deployments, the portal's own upload bucket). */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var token = form.querySelector("input[name=token]").value;
  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  // --- category example -------------------------------------------------------------------
  var example = document.getElementById("category-example");
  function showExample() {
    var chosen = form.querySelector("input[name=category]:checked");
    if (!example) return;
    example.textContent = chosen && chosen.dataset.example ? (form.dataset.exampleLabel || "例如：") + chosen.dataset.example : "";
    // right under the chosen line, not below every group (an open group runs to 17 lines)
    var line = chosen && chosen.closest(".choice");
    if (line && line.nextSibling !== example) line.parentNode.insertBefore(example, line.nextSibling);
  }
  Array.prototype.forEach.call(form.querySelectorAll("input[name=category]"), function (radio) {
    radio.addEventListener("change", showExample);
  });
  showExample();

  // --- photos -----------------------------------------------------------------------------
  var box = form.querySelector(".photo-inputs");
  var list = document.getElementById("photo-list");
  if (!box || !list) return;
  box.hidden = false;
  var inputs = box.querySelectorAll("input[type=file]");
  var d = box.dataset;
  var max = Number(d.max || 6);
  var direct = d.direct === "1";
  var MAX_EDGE = 2048, QUALITY = 0.85, SMALL_ENOUGH = 1024 * 1024;
  var pending = 0, added = 0;
  function countPhotos() { return form.querySelectorAll("input[name=upload_ids]").length + pending; }

  function addHidden(name, value) {
    var el = document.createElement("input");
    el.type = "hidden"; el.name = name; el.value = value;
    form.appendChild(el);
    return el;
  }

  // EXIF: the APP1 "Exif" segment of a JPEG, with its orientation set to 1 (the canvas has
  // already turned the pixels upright), or null.
  function exifSegment(bytes) {
    if (bytes[0] !== 0xFF || bytes[1] !== 0xD8) return null;
    var i = 2;
    while (i + 4 < bytes.length && bytes[i] === 0xFF) {
      var marker = bytes[i + 1], length = (bytes[i + 2] << 8) | bytes[i + 3];
      if (marker === 0xDA || marker === 0xD9) return null;
      if (marker === 0xE1 && bytes[i + 4] === 0x45 && bytes[i + 5] === 0x78 && bytes[i + 6] === 0x69 && bytes[i + 7] === 0x66) {
        var segment = bytes.slice(i, i + 2 + length);
        uprightOrientation(segment);
        return segment;
      }
      i += 2 + length;
    }
    return null;
  }
  function uprightOrientation(segment) {
    var t = 10;  // FF E1, length (2), "Exif\0\0" (6): the TIFF header starts here
    if (segment.length < t + 8) return;
    var little = segment[t] === 0x49;
    var u16 = function (o) { return little ? segment[o] | (segment[o + 1] << 8) : (segment[o] << 8) | segment[o + 1]; };
    var u32 = function (o) { return little ? (u16(o) | (u16(o + 2) << 16)) >>> 0 : ((u16(o) << 16) | u16(o + 2)) >>> 0; };
    var ifd = t + u32(t + 4);
    if (ifd + 2 > segment.length) return;
    for (var n = u16(ifd), e = ifd + 2; n > 0 && e + 12 <= segment.length; n--, e += 12) {
      if (u16(e) === 0x0112) {
        if (little) { segment[e + 8] = 1; segment[e + 9] = 0; } else { segment[e + 8] = 0; segment[e + 9] = 1; }
        return;
      }
    }
  }
  function withExif(jpeg, segment) {
    var out = new Uint8Array(jpeg.length + segment.length);
    out.set(jpeg.subarray(0, 2), 0);
    out.set(segment, 2);
    out.set(jpeg.subarray(2), 2 + segment.length);
    return out;
  }
  function decode(file) {
    if (window.createImageBitmap) return window.createImageBitmap(file, { imageOrientation: "from-image" });
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = reject;
      img.src = URL.createObjectURL(file);
    });
  }
  // A smaller copy of the photo, or the photo itself when it is small already, cannot be
  // decoded here (the server then takes it as it is), or would not get smaller.
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type)) return Promise.resolve(file);
    return decode(file).then(function (image) {
      var w = image.width, h = image.height, scale = Math.min(1, MAX_EDGE / Math.max(w, h));
      if (scale === 1 && file.size <= SMALL_ENOUGH) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) image.close();
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); }).then(function (blob) {
        if (!blob) return file;
        if (file.type !== "image/jpeg") return blob.size < file.size ? new File([blob], "photo.jpg", { type: "image/jpeg" }) : file;
        return Promise.all([file.arrayBuffer(), blob.arrayBuffer()]).then(function (parts) {
          var segment = exifSegment(new Uint8Array(parts[0]));
          var bytes = segment ? withExif(new Uint8Array(parts[1]), segment) : new Uint8Array(parts[1]);
          return bytes.length < file.size ? new File([bytes], "photo.jpg", { type: "image/jpeg" }) : file;
        });
      });
    }).catch(function () { return file; });
  }

  function offerFacts(row, up) {
    if (!up.taken_at && up.taken_lat == null) return;
    var label = document.createElement("label");
    label.className = "check";
    var tick = document.createElement("input");
    // unticked: the place is where the phone was (maybe the reporter's home); kept only if chosen
    tick.type = "checkbox"; tick.name = "confirm_exif"; tick.value = up.upload_id; tick.checked = false;
    if (up.taken_lat != null) { tick.dataset.lat = up.taken_lat; tick.dataset.lng = up.taken_lng; }  // place.js: photo place as pin
    label.appendChild(tick);
    var text = " " + (d.keepFacts || "作为证据提交：");
    if (up.taken_at) text += " " + up.taken_at.replace("T", " ").slice(0, 16);
    if (up.taken_lat != null) text += " " + up.taken_lat.toFixed(5) + ", " + up.taken_lng.toFixed(5);
    label.appendChild(document.createTextNode(text));
    row.appendChild(label);
    var note = document.createElement("p");
    note.className = "hint";
    note.textContent = d.factsNote || "不勾选就删除。拍摄地点是拍照时手机所在的位置，可能就是您的住处。";
    row.appendChild(note);
  }
  function uploadThroughPortal(file, bar, done, fail) {
    var data = new FormData();
    data.append("token", token);
    data.append("photo", file, file.name || "photo.jpg");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", d.uploadUrl);
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = e.loaded / e.total; };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 201 && body) done(body); else fail(body && body.message, xhr.status < 500 && xhr.status !== 0 && xhr.status !== 429);
    };
    xhr.onerror = function () { fail(null, false); };
    xhr.send(data);
  }
  function uploadDirect(file, bar, done, fail) {
    fetch(d.presignUrl, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
                          body: JSON.stringify({ token: token }) })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        if (!res.ok) { fail(res.body && res.body.message, false); return; }
        var data = new FormData();
        Object.keys(res.body.fields).forEach(function (k) { data.append(k, res.body.fields[k]); });
        data.append("Content-Type", file.type);  // the upload policy requires an image/* type
        data.append("file", file);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", res.body.url);
        xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = e.loaded / e.total; };
        xhr.onload = function () {
          if (xhr.status >= 300) { fail(null, false); return; }
          var tries = 0;
          (function poll() {
            // the token goes in a header: a URL ends up in logs
            fetch(d.stateUrl.replace("UPLOAD_ID", encodeURIComponent(res.body.upload_id)),
                  { credentials: "same-origin", headers: { "X-Filing-Token": token } })
              .then(function (r) { return r.json(); })
              .then(function (state) {
                if (state.status === "ready") done(state);
                else if (state.status === "rejected") fail(state.error, true);
                else if (++tries < 30) setTimeout(poll, 1000);
                else fail(null, false);
              }).catch(function () { fail(null, false); });
          })();
        };
        xhr.onerror = function () { fail(null, false); };
        xhr.send(data);
      }).catch(function () { fail(null, false); });
  }

  function button(text, cls) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "button " + cls; b.textContent = text;
    return b;
  }
  function addPhoto(file) {
    added += 1;
    var row = document.createElement("div");
    row.className = "photo";
    var img = document.createElement("img");
    img.alt = "";
    img.src = URL.createObjectURL(file);
    var body = document.createElement("div");
    body.className = "grow";
    var name = document.createElement("p");
    name.className = "photo-name";
    name.textContent = (d.photoLabel || "第N张照片").replace("N", String(added));
    var bar = document.createElement("progress");
    bar.max = 1; bar.value = 0;
    bar.setAttribute("aria-label", name.textContent);
    var state = document.createElement("p");
    state.className = "state";
    body.appendChild(name); body.appendChild(bar); body.appendChild(state);
    row.appendChild(img); row.appendChild(body);
    list.appendChild(row);
    if (countPhotos() >= max) { bar.hidden = true; state.textContent = d.tooMany || "照片已达上限。"; return; }
    pending += 1;
    state.textContent = d.shrinking || "正在压缩照片……";
    bar.removeAttribute("value");  // indeterminate while the phone works
    var ready = shrink(file);

    function attempt() {
      row.classList.remove("failed");
      bar.hidden = false;
      ready.then(function (small) {  // "正在压缩照片……" and a busy bar until the smaller copy is made
        bar.value = 0;
        state.textContent = d.uploading || "正在上传……";
        (direct ? uploadDirect : uploadThroughPortal)(small, bar, function (up) {
          pending -= 1; bar.hidden = true;
          state.textContent = d.uploaded || "已上传（照片中的设备信息已删除）";
          addHidden("upload_ids", up.upload_id);
          offerFacts(body, up);
        }, function (message, final) {
          pending -= 1; bar.hidden = true;
          row.classList.add("failed");
          state.textContent = message || d.failed || "上传失败，请检查网络后点“重试”。";
          var actions = document.createElement("p");
          actions.className = "photo-actions";
          if (!final) {
            var retry = button(d.retry || "重试", "retry");
            retry.addEventListener("click", function () { body.removeChild(actions); pending += 1; attempt(); });
            actions.appendChild(retry);
          }
          var remove = button(d.remove || "不要这张", "remove");
          remove.addEventListener("click", function () { list.removeChild(row); });
          actions.appendChild(remove);
          body.appendChild(actions);
        });
      });
    }
    attempt();
  }
  Array.prototype.forEach.call(inputs, function (input) {
    input.removeAttribute("name");  // the files travel by upload, not with the form
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files);
      input.value = "";
      files.forEach(addPhoto);
      if (!form.querySelector("input[name=exif_reviewed]")) addHidden("exif_reviewed", "1");
    });
  });
  form.addEventListener("submit", function (e) {
    if (pending > 0) { e.preventDefault(); alert(d.wait || "照片还在上传，请稍候再提交。"); }
  });
})();
