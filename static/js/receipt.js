/* The receipt card's buttons: copy the receipt, save the card as a PNG (drawn here on a
 * canvas from the page's own text and QR code: no request leaves the phone) and print. All
 * three stay hidden without JavaScript, where a screenshot or pen and paper do the same. */
(function () {
  "use strict";
  var feedback = document.getElementById("receipt-feedback");
  function say(text) { if (feedback) feedback.textContent = text || ""; }

  var print = document.getElementById("print");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }

  // --- copy -----------------------------------------------------------------------------
  var copy = document.getElementById("copy-receipt");
  function copyByCommand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  if (copy) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var text = copy.dataset.receipt;
      var done = function () { say(copy.dataset.done); };
      var fallback = function () { if (copyByCommand(text)) done(); else say(copy.dataset.failed); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, fallback);
      else fallback();
    });
  }

  // --- save as image --------------------------------------------------------------------
  var save = document.getElementById("save-image");
  var svg = document.querySelector("#receipt-card .qr svg");
  var number = document.getElementById("receipt-number");
  if (!save || !svg || !number || !window.Blob || !window.URL || !document.createElement("canvas").toBlob) return;
  save.hidden = false;

  function wrap(ctx, text, width) {
    var lines = [], line = "";
    Array.prototype.forEach.call(text, function (ch) {
      // a closing mark never starts a line (it stays with the word before it)
      if (ctx.measureText(line + ch).width > width && line && "。，、；：！？）”".indexOf(ch) < 0) { lines.push(line); line = ch; }
      else { line += ch; }
    });
    if (line) lines.push(line);
    return lines;
  }
  function draw(qr) {
    var d = save.dataset, W = 720, pad = 48, font = getComputedStyle(document.body).fontFamily;
    var canvas = document.createElement("canvas");
    var ctx = canvas.getContext("2d");
    ctx.font = "28px " + font;
    var note = wrap(ctx, d.note || "", W - 2 * pad);
    var H = 760 + 40 * note.length;  // the heights below, top to bottom
    canvas.width = W; canvas.height = H;
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    ctx.strokeStyle = "#1d2327"; ctx.lineWidth = 4; ctx.strokeRect(8, 8, W - 16, H - 16);
    ctx.fillStyle = "#1d2327"; ctx.textAlign = "center"; ctx.textBaseline = "top";
    var y = pad;
    ctx.font = "bold 40px " + font; ctx.fillText(d.title || "", W / 2, y); y += 64;
    ctx.font = "28px " + font; ctx.fillText(d.county || "", W / 2, y); y += 64;
    ctx.fillText(d.label || "", W / 2, y); y += 48;
    ctx.font = "bold 52px ui-monospace, Menlo, monospace"; ctx.fillText(number.textContent.trim(), W / 2, y); y += 96;
    ctx.drawImage(qr, (W - 320) / 2, y, 320, 320); y += 336;
    ctx.font = "26px " + font; ctx.fillText(d.caption || "", W / 2, y); y += 56;
    ctx.font = "28px " + font;
    note.forEach(function (line) { ctx.fillText(line, W / 2, y); y += 40; });
    return canvas;
  }
  save.addEventListener("click", function () {
    var source = new XMLSerializer().serializeToString(svg);  // with the SVG namespace: the serialiser adds it
    var url = URL.createObjectURL(new Blob([source], { type: "image/svg+xml" }));
    var qr = new Image();
    qr.onload = function () {
      URL.revokeObjectURL(url);
      draw(qr).toBlob(function (png) {
        if (!png) { say(save.dataset.failed); return; }
        var link = document.createElement("a");
        link.href = URL.createObjectURL(png);
        link.download = save.dataset.filename || "receipt.png";
        document.body.appendChild(link);
        link.click();
        document.body.removeChild(link);
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
        say(save.dataset.done);
      }, "image/png");
    };
    qr.onerror = function () { URL.revokeObjectURL(url); say(save.dataset.failed); };
    qr.src = url;
  });
})();
