/* Sizes the frames of the map "Netzwerk Kriminalprävention vor Ort" to their content.
 *
 * A host page (an intranet page) includes this script once, served by the map's app at /embed.js, next to
 * frames marked data-lpr-geo-karte (the code of the dashboard's "Einbetten" dialog). The embed posts
 * {"lpr-geo-embed": {"height": N}}; a message counts only from a marked frame's own window and origin.
 * Not loaded by the dashboard itself (assets_ignore in dashboard/app.py).
 */
(function () {
  "use strict";
  if (window.lprGeoEmbedHost) { return; }
  window.lprGeoEmbedHost = true;
  var MIN_HEIGHT = 200;
  var MAX_HEIGHT = 4000;

  window.addEventListener("message", function (event) {
    var data = event.data && typeof event.data === "object" ? event.data["lpr-geo-embed"] : null;
    if (!data || typeof data.height !== "number" || !isFinite(data.height)) { return; }
    var frames = document.querySelectorAll("iframe[data-lpr-geo-karte]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) { continue; }
      if (new URL(frame.src, window.location.href).origin !== event.origin) { return; }
      var height = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.round(data.height)));
      frame.style.aspectRatio = "auto";
      frame.style.maxHeight = "none";
      frame.style.minHeight = "0";
      frame.style.height = height + "px";
      return;
    }
  });
})();
