/* "朗读本页": reads the page's main text aloud with the browser's own speech synthesis (no
 * request leaves the phone). The button stays hidden where the browser has none, and
 * without JavaScript. Long text is spoken sentence by sentence: some engines stop a single
 * long utterance after about 15 seconds. */
(function () {
  "use strict";
  var button = document.getElementById("read-aloud");
  var main = document.getElementById("main");
  if (!button || !main || !("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") return;
  var synth = window.speechSynthesis;
  var label = button.textContent;
  var speaking = false;
  button.hidden = false;

  function sentences(text) {
    return text.split(/(?<=[。！？!?；;\n])/).map(function (s) { return s.trim(); }).filter(Boolean);
  }
  function stop() {
    speaking = false;
    synth.cancel();
    button.textContent = label;
  }
  button.addEventListener("click", function () {
    if (speaking) { stop(); return; }
    var parts = sentences(main.innerText || main.textContent || "");
    if (!parts.length) return;
    synth.cancel();
    speaking = true;
    button.textContent = button.dataset.stop || "停止朗读";
    parts.forEach(function (part, i) {
      var utterance = new window.SpeechSynthesisUtterance(part);
      utterance.lang = button.dataset.lang || document.documentElement.lang || "zh-CN";
      utterance.rate = 0.9;
      if (i === parts.length - 1) utterance.onend = function () { if (speaking) stop(); };
      synth.speak(utterance);
    });
  });
  window.addEventListener("pagehide", function () { if (speaking) synth.cancel(); });
})();
