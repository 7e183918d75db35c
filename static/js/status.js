/* The receipt's QR code opens /status#r=<receipt>: the fragment never reaches the server.
 * Fill the form from it, forget the fragment, and post. */
(function () {
  "use strict";
  var match = /(?:^#|&)r=([0-9 ]{16,24})/.exec(window.location.hash);
  var form = document.getElementById("lookup-form");
  if (!match || !form) return;
  history.replaceState(null, "", window.location.pathname);
  form.querySelector("input[name=receipt]").value = match[1];
  form.submit();
})();
