/* Fits the coverage map (#karte) into small screens and into a host page's frame.
 *
 * Loaded by the dashboard (a Dash asset) and by /embed (dashboard/embed.py):
 * - Kreis names that would cover each other are hidden; the Landkreise (larger type) keep theirs first.
 * - A hover label that would leave the window or the map is moved back inside.
 * - Inside a frame, the page's natural height (the map at the aspect of its extent, plus title, legend
 *   and source) is posted to the host page, whose /embed.js sizes the frame (dashboard/assets/embed-host.js).
 */
(function () {
  "use strict";
  var MAP_ID = "karte";
  var MARGIN = 4;
  var MIN_MAP_HEIGHT = 220;

  function texts(gd, names) {
    // the names are the trace drawn as text only (dashboard/plotly_figures.py: LABELS); the route's stops
    // are numbered markers with text, which the names must not cover
    var found = [];
    gd.querySelectorAll("g.trace.scattergeo").forEach(function (g) {
      var calc = g.__data__;
      var mode = calc && calc[0] && calc[0].trace && calc[0].trace.mode;
      if (mode && (names ? mode === "text" : mode !== "text" && mode.indexOf("text") >= 0)) {
        g.querySelectorAll("text").forEach(function (t) { found.push(t); });
      }
    });
    return found;
  }

  function overlaps(a, b) {
    return a.left < b.right + MARGIN && b.left < a.right + MARGIN &&
      a.top < b.bottom && b.top < a.bottom;
  }

  function geoFrame(gd) {
    // the geo subplot clips its layers to its frame, which is narrower than the graph when the graph's
    // shape differs from the map's; the frame is the clip path's rectangle, in the main SVG's coordinates
    var svg = gd.querySelector(".main-svg");
    var rect = gd.querySelector("clipPath[id$='geo'] rect");
    var graph = gd.getBoundingClientRect();
    if (!svg || !rect) { return graph; }
    var origin = svg.getBoundingClientRect();
    var left = origin.left + parseFloat(rect.getAttribute("x"));
    var top = origin.top + parseFloat(rect.getAttribute("y"));
    return {
      left: left, top: top,
      right: left + parseFloat(rect.getAttribute("width")), bottom: top + parseFloat(rect.getAttribute("height"))
    };
  }

  function fitLabels(gd) {
    var names = texts(gd, true);
    names.forEach(function (t) { t.style.display = ""; });
    var items = names.map(function (t, i) {
      return { node: t, box: t.getBoundingClientRect(), size: parseFloat(t.style.fontSize) || 0, order: i };
    }).filter(function (item) { return item.box.width > 0; });
    items.sort(function (a, b) { return b.size - a.size || a.order - b.order; });
    var area = geoFrame(gd);
    var kept = texts(gd, false).map(function (t) { return t.getBoundingClientRect(); });
    items.forEach(function (item) {
      var box = item.box;
      var inside = box.left >= area.left && box.right <= area.right && box.top >= area.top && box.bottom <= area.bottom;
      if (inside && !kept.some(function (k) { return overlaps(k, box); })) {
        kept.push(box);
      } else {
        item.node.style.display = "none";
      }
    });
    // says for which size the names were fitted (the browser tests wait for it)
    gd.setAttribute("data-beschriftet", Math.round(area.right - area.left) + "x" + Math.round(area.bottom - area.top));
  }

  function keepHoverInside(gd) {
    var label = gd.querySelector(".hoverlayer g.hovertext");
    if (!label) { return; }
    var match = /translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)/.exec(label.getAttribute("transform") || "");
    if (!match) { return; }
    var box = label.getBoundingClientRect();
    var area = gd.getBoundingClientRect();
    var left = Math.max(area.left, 0) + MARGIN;
    var right = Math.min(area.right, document.documentElement.clientWidth) - MARGIN;
    var shift = 0;
    if (box.right > right) { shift = right - box.right; }
    if (box.left + shift < left) { shift = left - box.left; }
    if (Math.abs(shift) >= 0.5) {
      label.setAttribute("transform", "translate(" + (parseFloat(match[1]) + shift) + "," + match[2] + ")");
    }
  }

  function naturalMapHeight(gd) {
    var geo = gd._fullLayout && gd._fullLayout.geo;
    if (!geo || !geo.lonaxis || !geo.lataxis) { return null; }
    var lon = geo.lonaxis.range;
    var lat = geo.lataxis.range;
    var y = function (deg) { return Math.log(Math.tan(Math.PI / 4 + deg * Math.PI / 360)); };
    var ratio = (y(lat[1]) - y(lat[0])) / ((lon[1] - lon[0]) * Math.PI / 180);
    return Math.max(MIN_MAP_HEIGHT, Math.round(gd.clientWidth * ratio));
  }

  var postedHeight = null;
  function postHeight() {
    var gd = document.getElementById(MAP_ID);
    var map = gd && naturalMapHeight(gd);
    if (!map) { return; }
    var rest = document.documentElement.scrollHeight - gd.getBoundingClientRect().height;
    var height = Math.ceil(rest + map);
    if (height !== postedHeight) {
      postedHeight = height;
      window.parent.postMessage({ "lpr-geo-embed": { height: height } }, "*");
    }
  }

  var framed = window.parent !== window;
  var pending = false;
  function later(gd) {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      fitLabels(gd);
      if (framed) { postHeight(); }
    });
  }

  function attach(gd) {
    if (gd.lprGeoFitted || typeof gd.on !== "function") { return; }
    gd.lprGeoFitted = true;
    gd.on("plotly_afterplot", function () { later(gd); });
    gd.on("plotly_relayout", function () { later(gd); });
    gd.on("plotly_relayouting", function () { later(gd); });
    gd.on("plotly_hover", function () {
      var layer = gd.querySelector(".hoverlayer");
      if (layer && !layer.lprGeoWatched) {
        // plotly redraws the label at every move within a region without a new event
        layer.lprGeoWatched = true;
        new MutationObserver(function () { keepHoverInside(gd); }).observe(layer, { childList: true, subtree: true });
      }
      keepHoverInside(gd);
    });
    later(gd);
  }

  function find() {
    var gd = document.getElementById(MAP_ID);
    gd = gd && (gd.classList.contains("js-plotly-plot") ? gd : gd.querySelector(".js-plotly-plot"));
    if (gd) { attach(gd); }
  }

  // the map appears later (plotly.js draws it, Dash renders the page first): watch for it
  var scheduled = false;
  new MutationObserver(function () {
    if (scheduled) { return; }
    scheduled = true;
    window.setTimeout(function () { scheduled = false; find(); }, 50);
  }).observe(document.documentElement, { childList: true, subtree: true });
  find();

  if (framed) {
    window.addEventListener("resize", postHeight);
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(postHeight);
      Array.prototype.forEach.call(document.body.children, function (el) {
        if (el.id !== MAP_ID && el.tagName !== "SCRIPT") { observer.observe(el); }
      });
    }
  }
})();
