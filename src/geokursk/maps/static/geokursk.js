/* geokursk map runtime: draws the claims and the offline background from the
 * JSON specs that geokursk.maps puts into the page, and adds the panels.
 * Data reaches the DOM only as HTML that Python escaped (Jinja templates with
 * autoescape: popups, tooltips, list entries, layer names) or as textContent.
 */
(function (global) {
  "use strict";
  if (global.geokursk) { return; }
  var gk = {overlays: [], items: [], claims: {}, reference: [], unlocated: [], styles: {},
            map: null, filters: [], pending: [], ready: false, built: false, hold: 0,
            cluster: null, markerGroup: null, areaGroup: null, circleGroup: null,
            popup: null, tip: null, list: null, view: null, labels: []};
  global.geokursk = gk;

  function el(tag, cls, parent) {
    return L.DomUtil.create(tag, cls || "", parent);
  }

  function narrow() { return gk.map.getSize().x < 600; }

  gk.setup = function (map, spec) {
    gk.map = map;
    // No tile layer sets the zoom range (markercluster needs one).
    if (map.options.maxZoom === undefined) { map.setMaxZoom(18); }
    if (map.options.minZoom === undefined) { map.setMinZoom(2); }
    // A popup replaced by another (a list, then one of its claims) goes at
    // once instead of fading out over it.
    map._fadeAnimated = false;
    gk.styles = spec.styles;
    gk.view = spec.view;
    [["gk-reference", 320], ["gk-uncertainty", 340], ["gk-labels", 460], ["gk-claims", 450]]
      .forEach(function (p) { map.createPane(p[0]).style.zIndex = String(p[1]); });
    map.getPane("gk-reference").style.pointerEvents = "none";
    map.getPane("gk-uncertainty").style.pointerEvents = "none";
    map.getPane("gk-labels").style.pointerEvents = "none";
    var touch = L.Browser.touch && L.Browser.mobile;
    gk.tolerance = touch ? 10 : 3;
    // Areas and markers share one canvas: no DOM element per feature, and a
    // canvas in a higher pane would swallow the clicks meant for one below.
    gk.canvas = L.canvas({pane: "gk-claims", padding: 0.2, tolerance: gk.tolerance});
    gk.circleCanvas = L.canvas({pane: "gk-uncertainty", padding: 0.2});
    gk.refCanvas = L.canvas({pane: "gk-reference", padding: 0.2});
    gk.areaGroup = L.featureGroup().addTo(map);
    gk.circleGroup = L.layerGroup().addTo(map);
    gk.clusterOffZoom = 11;
    if (spec.cluster) {
      // Clusters are the only DOM markers; a place shown on its own is drawn
      // on the canvas. No animation: it would move canvas markers as icons.
      gk.cluster = L.markerClusterGroup({animate: false, showCoverageOnHover: false,
        spiderfyOnMaxZoom: false, disableClusteringAtZoom: gk.clusterOffZoom,
        maxClusterRadius: 40, removeOutsideVisibleBounds: true});
      gk.markerGroup = gk.cluster;
    } else {
      gk.markerGroup = L.featureGroup();
    }
    gk.markerGroup.addTo(map);
    gk.areaZoom = spec.cluster ? spec.areaZoom : 0;
    if (gk.areaZoom) { map.on("zoomend", function () { gk.sync(); }); }
    // One tooltip and one popup for all features, filled from the feature's
    // data when needed: nothing is created per feature in advance.
    gk.tip = L.tooltip({direction: "top", offset: [0, -6], className: "gk-tip"});
    [gk.areaGroup, gk.markerGroup].forEach(function (group) {
      group.on("click", onClick).on("mouseover", onOver).on("mouseout", onOut);
    });
    gk.areaGroup.on("mousemove", function (ev) {
      if (itemOf(ev) && map.hasLayer(gk.tip)) { gk.tip.setLatLng(ev.latlng); }
    });
    // Links inside popups and lists: <a data-gk-claim="id">, <a data-gk-item="n">.
    document.addEventListener("click", function (ev) {
      var t = ev.target && ev.target.closest ? ev.target : null;
      if (!t) { return; }
      var a = t.closest("a[data-gk-claim]");
      if (a) { ev.preventDefault(); gk.openClaim(a.getAttribute("data-gk-claim")); return; }
      a = t.closest("a[data-gk-item]");
      if (a && gk.list) {
        ev.preventDefault();
        var it = gk.list.items[+a.getAttribute("data-gk-item")];
        if (it) { gk.openItem(it, gk.list.latlng, true); }
        return;
      }
      a = t.closest("a.gk-back");
      if (a && gk.list) { ev.preventDefault(); gk.openList(gk.list.items, gk.list.latlng); }
    }, true);
    map.on("zoomend moveend resize", function () { gk.drawLabels(); });
    // A tap on the map while the layer list is open only folds the list.
    map.getContainer().addEventListener("pointerdown", function (ev) {
      gk.suppress = !!document.querySelector(".leaflet-control-layers-expanded") &&
        !(ev.target.closest && ev.target.closest(".leaflet-control"));
    }, true);
    // Refit whenever the open popup changes size (its content lays out late on a
    // busy machine, a list is replaced by a claim), not only after fixed delays.
    var watcher = window.ResizeObserver ? new ResizeObserver(function () {
      window.requestAnimationFrame(fitPopup);
    }) : null;
    var openedAt = 0;
    // A zoom or pan still running when the popup opened may end with it off-screen:
    // refit once it settles (only just after opening, never while the reader pans).
    map.on("zoomend moveend", function () {
      if (map._popup && Date.now() - openedAt < 1500) { setTimeout(fitPopup, 0); }
    });
    map.on("popupopen", function (e) {
      openedAt = Date.now();
      setTimeout(fitPopup, 0);
      setTimeout(fitPopup, 150);
      var el = e.popup && e.popup.getElement && e.popup.getElement();
      if (watcher && el) { watcher.disconnect(); watcher.observe(el); }
    });
    map.on("popupclose", function () {
      if (watcher) { watcher.disconnect(); }
      setTimeout(function () { gk.stepAside(); }, 0);
    });
    map.on("resize", function () { gk.stepAside(); });
  };

  function style(status) { return gk.styles[status] || gk.styles.other; }

  function itemOf(ev) { return ev.layer && ev.layer.gkItem; }

  function anchorOf(it) {
    return it.layer.getLatLng ? it.layer.getLatLng() : it.layer.getCenter();
  }

  // The claims under a click: the markers drawn at the clicked marker's spot
  // (concentric rings), or, on an outline, every outline and marker there.
  function hitsAt(clicked, containerPoint) {
    var out = [], seen = {};
    var layerPoint = gk.map.containerPointToLayerPoint(containerPoint);
    var at = clicked.f.k === "a" ? containerPoint : gk.containerPoint(clicked);
    function add(it) {
      if (seen[it.claim]) { return; }
      seen[it.claim] = true;
      out.push(it);
    }
    add(clicked);
    gk.items.forEach(function (it) {
      if (it === clicked || !it.shown || !gk.map.hasLayer(it.layer)) { return; }
      if (it.f.k === "a") {
        if (clicked.f.k === "a" && it.layer._containsPoint &&
            it.layer._containsPoint(layerPoint)) { add(it); }
        return;
      }
      var d = gk.containerPoint(it).distanceTo(at);
      if (clicked.f.k === "a" ? d <= (it.layer.options.radius || 7) + 2 : d <= 3) { add(it); }
    });
    return out;
  }

  function onClick(ev) {
    var it = itemOf(ev);
    if (!it || gk.suppress) { gk.suppress = false; return; }
    var hits = hitsAt(it, ev.containerPoint);
    if (hits.length > 1) {
      gk.openList(hits, it.f.k === "a" ? ev.latlng : anchorOf(it));
    } else {
      gk.list = null;
      gk.openItem(it, it.f.k === "a" ? ev.latlng : null);
    }
  }

  function onOver(ev) {
    var it = itemOf(ev);
    if (!it || !it.f.t) { return; }
    // The tooltip text was escaped in Python.
    gk.tip.setLatLng(it.f.k === "a" ? ev.latlng : anchorOf(it)).setContent(it.f.t);
    gk.map.openTooltip(gk.tip);
  }

  function onOut(ev) {
    if (itemOf(ev)) { gk.map.closeTooltip(gk.tip); }
  }

  // Where a feature is drawn, in container pixels (for tests and tools).
  gk.containerPoint = function (it) {
    var p = gk.map.latLngToContainerPoint(anchorOf(it));
    return it.f.k === "u" ? p.add(UNKNOWN_OFFSET) : p;
  };

  // The clicked place first, then the claim (escaped in Python).
  gk.popupHtml = function (cid, index) {
    var c = gk.claims[cid];
    if (!c) { return ""; }
    var first = index >= 0 && c.p[index] ? c.p[index].replace('class="gk-place"',
      'class="gk-place gk-this"') : "";
    var others = "";
    if (index < 0) {
      c.p.forEach(function (p) { others += p; });
    }
    return '<div class="gk-popup">' + first + c.h + others + "</div>";
  };

  // Leaflet's autopan may leave a tall popup partly outside the window (a list
  // replaced by a claim): pan once more so that all of it shows.
  function fitPopup() {
    var pop = document.querySelector(".leaflet-popup");
    if (!pop || !gk.map) { return; }
    var r = pop.getBoundingClientRect(), box = gk.map.getContainer().getBoundingClientRect();
    var pad = 12, dx = 0, dy = 0;
    if (r.top < box.top + pad) { dy = r.top - box.top - pad; }
    else if (r.bottom > box.bottom - pad) {
      dy = Math.min(r.bottom - box.bottom + pad, r.top - box.top - pad);
    }
    if (r.left < box.left + pad) { dx = r.left - box.left - pad; }
    else if (r.right > box.right - pad) {
      dx = Math.min(r.right - box.right + pad, r.left - box.left - pad);
    }
    if (dx || dy) { gk.map.panBy([dx, dy], {animate: false}); }
    gk.stepAside();
  }

  function popupOptions() {
    var size = gk.map.getSize();
    var width = Math.min(380, size.x - 80);
    return {maxWidth: width, minWidth: Math.min(240, width), maxHeight: Math.max(160,
      Math.round(size.y * (narrow() ? 0.5 : 0.6))), autoPan: false,
      className: "gk-popup-wrap"};
  }

  gk.openItem = function (it, latlng, fromList) {
    gk.map.closeTooltip(gk.tip);
    var back = "";
    if (fromList && gk.list) {
      back = '<a href="#" class="gk-back">\u2190 all ' + gk.list.items.length +
        " claims here</a>";
    } else {
      gk.list = null;
    }
    gk.popup = L.popup(popupOptions())
      .setLatLng(latlng || anchorOf(it))
      .setContent(back + gk.popupHtml(it.f.c, it.f.i))
      .openOn(gk.map);
    gk.popupItem = it;
    return gk.popup;
  };

  // A list of the claims at one spot, each openable.
  gk.openList = function (items, latlng) {
    gk.map.closeTooltip(gk.tip);
    gk.list = {items: items, latlng: latlng};
    var html = '<div class="gk-list"><div class="gk-panel-title">' + items.length +
      " claims here: choose one</div><ol>";
    items.forEach(function (it, n) {
      var c = gk.claims[it.claim];
      var where = it.f.l ? '<span class="gk-muted">' + escapeText(it.f.l) + " · </span>" : "";
      html += '<li><a href="#" data-gk-item="' + n + '">' + where + (c ? c.e : "") + "</a></li>";
    });
    html += "</ol></div>";
    gk.popup = L.popup(popupOptions()).setLatLng(latlng).setContent(html).openOn(gk.map);
    gk.popupItem = items[0];
    return gk.popup;
  };

  function escapeText(s) {
    var d = document.createElement("div");
    d.textContent = s;
    return d.innerHTML.replace(/"/g, "&quot;");
  }

  // A place marker draws its uncertainty circle only while it is on the map
  // on its own (not inside a cluster, not filtered out).
  var Place = L.CircleMarker.extend({
    onAdd: function (map) {
      L.CircleMarker.prototype.onAdd.call(this, map);
      var it = this.gkItem, st;
      if (it.f.e) {
        if (!it.circle) {
          st = style(it.f.s);
          it.circle = L.circle(it.f.ll, {radius: it.f.e, renderer: gk.circleCanvas,
            interactive: false, color: st.color, weight: 1, dashArray: "2 4",
            fillOpacity: 0.05});
        }
        gk.circleGroup.addLayer(it.circle);
      }
    },
    onRemove: function (map) {
      if (this.gkItem.circle) { gk.circleGroup.removeLayer(this.gkItem.circle); }
      L.CircleMarker.prototype.onRemove.call(this, map);
    }
  });

  // A place of unknown location: a white disc with a "?" drawn on the canvas,
  // a little up and right of its anchor so it never hides a place marker there.
  var UNKNOWN_OFFSET = L.point(11, -11);
  var Unknown = Place.extend({
    _project: function () {
      this._point = this._map.latLngToLayerPoint(this._latlng).add(UNKNOWN_OFFSET);
      this._updateBounds();
    },
    _updatePath: function () {
      L.CircleMarker.prototype._updatePath.call(this);
      var r = this._renderer, ctx = r._ctx, p = this._point;
      if (!r._drawing || !ctx || this._empty()) { return; }
      ctx.save();
      ctx.fillStyle = this.options.color;
      ctx.font = "bold 13px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText("?", p.x, p.y + 1);
      ctx.restore();
    }
  });

  var Overlay = L.Layer.extend({
    initialize: function (side, claimant) {
      this.side = side;
      this.claimant = claimant;
      this.active = false;
      this.items = [];
      this.claimIds = [];
    },
    onAdd: function () { this.active = true; gk.sync(); },
    onRemove: function () { this.active = false; gk.sync(); }
  });

  function unpack(b64) {
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot unpack the map data " +
        "(DecompressionStream is missing); use a current Chrome, Firefox or Safari"));
    }
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Response(bytes).body.pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  gk.claimsLayer = function (map, spec) {
    var overlay = new Overlay(spec.side, spec.claimant);
    gk.overlays.push(overlay);
    gk.pending.push(spec.z !== undefined
      ? unpack(spec.z).then(function (data) { return [overlay, data]; })
      : Promise.resolve([overlay, spec]));
    return overlay;
  };

  gk.whenReady = function (fn) {
    Promise.all(gk.pending).then(function (unpacked) {
      unpacked.forEach(function (pair) { build(pair[0], pair[1]); });
      gk.pending = [];
      gk.built = true;
      gk.sync();
      fn();
    }).catch(function (err) {
      gk.error = String(err && err.message || err);
      var c = L.control({position: "topright"});
      c.onAdd = function () {
        var div = el("div", "gk-panel gk-error");
        div.textContent = "Claims could not be drawn: " + gk.error;
        return div;
      };
      c.addTo(gk.map);
      throw err;
    });
  };

  function build(overlay, spec) {
    overlay.claimIds = Object.keys(spec.claims);
    Object.keys(spec.claims).forEach(function (cid) { gk.claims[cid] = spec.claims[cid]; });
    spec.features.forEach(function (f) {
      var st = style(f.s), layer;
      if (f.k === "m") {
        layer = new Place(f.ll, {renderer: gk.canvas, radius: f.r, color: st.color,
          weight: 2.5, dashArray: f.n ? "2 3" : st.dash, fillColor: st.color,
          fillOpacity: f.n ? 0.1 : 0.45});
      } else if (f.k === "u") {
        layer = new Unknown(f.ll, {renderer: gk.canvas, radius: 9, color: st.color,
          weight: 2, dashArray: "3 2", fillColor: "#fff", fillOpacity: 1});
      } else if (f.k === "a") {
        layer = L.polygon(f.ll, {renderer: gk.canvas, color: st.color, weight: 1.5,
          dashArray: st.dash, fillColor: st.color,
          fillOpacity: f.o ? 0 : f.x === "gk-region" ? 0.06 : 0.15});
      } else {
        return;
      }
      var it = {layer: layer, f: f, overlay: overlay, date: f.d || "", claim: f.c,
                shown: false, circle: null};
      layer.gkItem = it;
      overlay.items.push(it);
      gk.items.push(it);
    });
  }

  gk.dateOk = function () { return true; };

  // With clustering, the areas of multi-place claims appear from this zoom
  // on: thousands of overlapping outlines say nothing at overview zoom and
  // cost seconds to paint. Region and country outlines are always drawn.
  function zoomOk(it) {
    return !gk.areaZoom || it.f.x !== "gk-area" || gk.map.getZoom() >= gk.areaZoom;
  }

  // Show exactly the items whose overlay is on and whose date passes the
  // filter; markers are added and removed in bulk (fast with clustering).
  gk.sync = function () {
    if (!gk.built || gk.hold) { return; }
    var add = [], remove = [], areas = [], first = !gk.synced;
    gk.items.forEach(function (it) {
      var want = it.overlay.active && gk.dateOk(it.date) && zoomOk(it);
      if (want === it.shown) { return; }
      it.shown = want;
      if (it.f.k === "a") {
        if (want) { gk.areaGroup.addLayer(it.layer); areas.push(it.layer); }
        else { gk.areaGroup.removeLayer(it.layer); }
      } else {
        (want ? add : remove).push(it.layer);
      }
    });
    if (gk.cluster) {
      if (remove.length) { gk.cluster.removeLayers(remove); }
      if (add.length) { gk.cluster.addLayers(add); }
    } else {
      remove.forEach(function (l) { gk.markerGroup.removeLayer(l); });
      add.forEach(function (l) { gk.markerGroup.addLayer(l); });
    }
    // Areas are drawn under the markers that share their canvas.
    if (!first) { areas.forEach(function (l) { l.bringToBack(); }); }
    gk.synced = true;
    gk.drawLabels();
    if (gk.popupItem && !gk.popupItem.shown) { gk.map.closePopup(); }
  };

  gk.batch = function (fn) {
    gk.hold++;
    try { fn(); } finally { gk.hold--; }
    gk.sync();
  };

  // Counts of the Leaflet layer objects, for tests and the filter panel.
  gk.counts = function () {
    var kinds = {m: "places", u: "unknown", a: "areas"};
    var c = {places: 0, unknown: 0, areas: 0, circles: 0, noExtent: 0, shown: 0,
             shownPlaces: 0, unlocated: gk.unlocated.length, clustered: null};
    gk.items.forEach(function (it) {
      c[kinds[it.f.k]]++;
      if (it.f.e) { c.circles++; }
      if (it.f.n) { c.noExtent++; }
      if (it.shown) { c.shown++; if (it.f.k === "m") { c.shownPlaces++; } }
    });
    c.circlesDrawn = gk.circleGroup ? gk.circleGroup.getLayers().length : 0;
    if (gk.cluster) { c.clustered = gk.cluster.getLayers().length; }
    return c;
  };
  gk.openClaim = function (cid) {
    var best = null;
    for (var i = 0; i < gk.items.length; i++) {
      var it = gk.items[i];
      if (it.claim === cid && it.shown && (!best || best.f.k === "a")) { best = it; }
    }
    if (best) {
      gk.list = null;
      if (gk.cluster && best.f.k !== "a" && !gk.map.hasLayer(best.layer)) {
        // Inside a cluster: zoom in to where no marker is clustered.
        gk.map.setView(anchorOf(best), Math.max(gk.map.getZoom(), gk.clusterOffZoom),
                       {animate: false});
      } else {
        gk.map.panTo(anchorOf(best), {animate: false});
      }
      gk.openItem(best);
      return true;
    }
    var row = document.querySelector('[data-gk-unlocated="' + CSS.escape(cid) + '"]');
    if (row) {
      var panel = row.closest("details.gk-fold");
      if (panel) { panel.open = true; }
      row.open = true;
      row.scrollIntoView();
      return true;
    }
    return false;
  };

  // --- the first view -----------------------------------------------------------

  // Room the panels take: either at the sides (left and right columns) or as
  // bands (top and bottom stacks), whichever leaves the larger free area.
  function panelPadding() {
    var box = gk.map.getContainer().getBoundingClientRect();
    var left = 0, right = 0, title = 0, top = 0, bottom = 0;
    gk.map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
      var r = c.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(c).visibility === "hidden") { return; }
      if (c.closest(".gk-top-center")) { title = Math.max(title, r.bottom - box.top); return; }
      if (c.closest(".leaflet-top")) { top = Math.max(top, r.bottom - box.top); }
      else { bottom = Math.max(bottom, box.bottom - r.top); }
      if (c.closest(".leaflet-left")) { left = Math.max(left, r.right - box.left); }
      else { right = Math.max(right, box.right - r.left); }
    });
    var m = 16;
    var sides = {tl: [left + m, title + m], br: [right + m, m]};
    var bands = {tl: [m + 40, top + m], br: [m + 10, bottom + m]};
    function area(p) {
      return Math.max(0, box.width - p.tl[0] - p.br[0]) * Math.max(0, box.height - p.tl[1] - p.br[1]);
    }
    return area(sides) >= area(bands) ? sides : bands;
  }

  gk.fitView = function () {
    if (!gk.view || !gk.view.bounds) { return; }
    var pad = panelPadding();
    gk.map.fitBounds(gk.view.bounds, {maxZoom: gk.view.maxZoom, animate: false,
      paddingTopLeft: pad.tl, paddingBottomRight: pad.br});
  };

  // --- the offline background ---------------------------------------------------

  var REF_STYLE = {
    oblast: {color: "#6a3d9a", weight: 2, opacity: 0.8, fill: false},
    raion: {color: "#6a3d9a", weight: 0.8, opacity: 0.6, dashArray: "4 3", fill: false},
    river: {color: "#5b9bd5", weight: 1.6, opacity: 0.9},
    border: {color: "#111", weight: 3, opacity: 0.85, dashArray: "10 4 2 4"}
  };
  var DOT = {city: 4, town: 3, village: 2};

  gk.referenceLayer = function (map, spec) {
    var group = L.featureGroup();
    spec.shapes.forEach(function (s) {
      var opts = L.extend({renderer: gk.refCanvas, interactive: false}, REF_STYLE[s.k] || {});
      group.addLayer(spec.kind === "line" ? L.polyline(s.ll, opts) : L.polygon(s.ll, opts));
    });
    if (spec.kind === "points") {
      spec.labels.forEach(function (lab) {
        group.addLayer(new Dot([lab[0], lab[1]], {renderer: gk.refCanvas, interactive: false,
          radius: DOT[lab[3]] || 2, color: "#333", weight: 1, fillColor: "#fff",
          fillOpacity: 1, gkFrom: lab[4]}));
      });
    }
    var ref = {spec: spec, group: group};
    gk.reference.push(ref);
    group.on("add remove", function () { gk.drawLabels(); });
    return group;
  };

  // A settlement's dot, drawn from the zoom its label shows at.
  var Dot = L.CircleMarker.extend({
    _updatePath: function () {
      if (this._map && this._map.getZoom() < this.options.gkFrom - 1) { return; }
      L.CircleMarker.prototype._updatePath.call(this);
    }
  });

  // The overview map (folium's MiniMap plugin) shows the outlines, not tiles.
  gk.miniLayer = function () {
    var group = L.layerGroup();
    gk.reference.forEach(function (ref) {
      if (ref.spec.kind === "points") { return; }
      ref.spec.shapes.forEach(function (s) {
        if (s.k === "raion") { return; }
        var opts = L.extend({interactive: false}, REF_STYLE[s.k] || {}, {weight: 1});
        group.addLayer(ref.spec.kind === "line" ? L.polyline(s.ll, opts) : L.polygon(s.ll, opts));
      });
    });
    return group;
  };

  // Labels: the claims' places first, then the background's by importance;
  // a label that would overlap one already placed is left out.
  var measure = null;
  function textWidth(text, bold) {
    if (!measure) { measure = document.createElement("canvas").getContext("2d"); }
    measure.font = (bold ? "bold " : "") + "12px system-ui, sans-serif";
    return measure.measureText(text).width;
  }

  gk.drawLabels = function () {
    var map = gk.map;
    if (!map || !gk.built) { return; }
    var pane = map.getPane("gk-labels");
    while (pane.firstChild) { pane.removeChild(pane.firstChild); }
    var zoom = map.getZoom(), size = map.getSize(), placed = [];
    function free(r) {
      for (var i = 0; i < placed.length; i++) {
        var q = placed[i];
        if (r.l < q.r && r.r > q.l && r.t < q.b && r.b > q.t) { return false; }
      }
      return true;
    }
    function put(latlng, text, kind, bold, dx) {
      var p = map.latLngToContainerPoint(latlng);
      if (p.x < -50 || p.y < -20 || p.x > size.x + 50 || p.y > size.y + 20) { return; }
      var w = textWidth(text, bold) + 6, h = 16, x = p.x + dx, y = p.y - h / 2;
      if (kind === "oblast" || kind === "raion" || kind === "river") { x = p.x - w / 2; }
      var r = {l: x - 2, r: x + w + 2, t: y - 1, b: y + h + 1};
      if (!free(r)) { return; }
      placed.push(r);
      var div = el("div", "gk-label gk-l-" + kind, pane);
      div.textContent = text;
      L.DomUtil.setPosition(div, map.containerPointToLayerPoint([x, y]));
    }
    var seen = {};
    gk.items.forEach(function (it) {
      if (!it.shown || it.f.k === "a" || !it.f.l || !map.hasLayer(it.layer)) { return; }
      var key = it.f.l + "@" + it.f.ll.join(",");
      if (seen[key]) { return; }
      seen[key] = true;
      var r = (it.layer.options.radius || 7) + 3 + (it.f.k === "u" ? 11 : 0);
      put(it.layer.getLatLng(), it.f.l, "claim", true, r);
    });
    var rank = {city: 1, town: 2, oblast: 3, river: 4, raion: 5, village: 6};
    var todo = [];
    gk.reference.forEach(function (ref) {
      if (!map.hasLayer(ref.group)) { return; }
      ref.spec.labels.forEach(function (lab) {
        if (zoom >= lab[4] && zoom <= lab[5]) { todo.push(lab); }
      });
    });
    todo.sort(function (a, b) { return (rank[a[3]] || 9) - (rank[b[3]] || 9) || a[4] - b[4]; });
    todo.forEach(function (lab) {
      var dx = lab[3] === "city" || lab[3] === "town" || lab[3] === "village" ?
        (DOT[lab[3]] || 2) + 3 : 0;
      put([lab[0], lab[1]], lab[2], lab[3], lab[3] === "city", dx);
    });
  };

  // --- panels ---------------------------------------------------------------------

  function control(position, build) {
    var c = L.control({position: position});
    c.onAdd = function (map) {
      var div = el("div", "gk-control");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      build(div, map);
      return div;
    };
    return c;
  }

  // A panel that folds into one line ("<details>"), so that it never hides
  // the map until the reader opens it.
  function foldingPanel(position, cls, title, open, build) {
    return control(position, function (div, map) {
      L.DomUtil.addClass(div, "gk-panel " + cls);
      var fold = el("details", "gk-fold", div);
      fold.open = open;
      var summary = el("summary", "gk-panel-title", fold);
      summary.textContent = title;
      build(el("div", "gk-fold-body", fold), map, summary);
    });
  }

  gk.addFilterControl = function (map) {
    // Compressed layers are unpacked asynchronously; the dates exist after that.
    gk.whenReady(function () {
      buildFilterControl(map);
      gk.finish();
    });
  };

  function buildFilterControl(map) {
    var seen = {}, dates = [];
    gk.items.forEach(function (it) {
      if (it.date && !seen[it.date]) { seen[it.date] = true; dates.push(it.date); }
    });
    gk.unlocated.forEach(function (u) {
      if (u.d && !seen[u.d]) { seen[u.d] = true; dates.push(u.d); }
    });
    dates.sort();
    var ui = {};
    function apply() {
      var a = +ui.from.value, b = +ui.to.value;
      var lo = dates[Math.min(a, b)], hi = dates[Math.max(a, b)];
      var undated = ui.undated.checked;
      function visible(d) { return d ? (d >= lo && d <= hi) : undated; }
      ui.fromLabel.textContent = lo || "";
      ui.toLabel.textContent = hi || "";
      gk.dateOk = visible;
      gk.sync();
      var shown = 0;
      gk.items.forEach(function (it) { if (visible(it.date)) { shown++; } });
      gk.unlocated.forEach(function (u) { u.row.style.display = visible(u.d) ? "" : "none"; });
      ui.count.textContent = shown + " of " + gk.items.length + " map features in range";
      ui.summary.textContent = "Filter" +
        (shown < gk.items.length ? " (" + shown + "/" + gk.items.length + ")" : "");
      gk.drawLabels();
    }
    foldingPanel("topleft", "gk-filter", "Filter", false, function (div, map, summary) {
      ui.summary = summary;
      el("div", "gk-panel-title", div).textContent = "Claim dates";
      function slider(labelText, value) {
        var label = el("label", "", div);
        label.appendChild(document.createTextNode(labelText + " "));
        var input = el("input", "", label);
        input.type = "range"; input.min = "0"; input.max = String(Math.max(dates.length - 1, 0));
        input.value = String(value); input.step = "1";
        input.disabled = dates.length < 2;
        var out = el("span", "gk-date", label);
        input.addEventListener("input", apply);
        return [input, out];
      }
      var f = slider("from", 0), t = slider("to", Math.max(dates.length - 1, 0));
      ui.from = f[0]; ui.fromLabel = f[1]; ui.to = t[0]; ui.toLabel = t[1];
      ui.from.className = "gk-from"; ui.to.className = "gk-to";
      var ul = el("label", "", div);
      ui.undated = el("input", "gk-undated", ul);
      ui.undated.type = "checkbox"; ui.undated.checked = true;
      ul.appendChild(document.createTextNode(" claims without a date"));
      ui.undated.addEventListener("change", apply);
      ui.count = el("div", "gk-muted gk-count", div);
      var sides = {};
      gk.overlays.forEach(function (o) { (sides[o.side] = sides[o.side] || []).push(o); });
      var names = Object.keys(sides).sort();
      if (names.length) { el("div", "gk-panel-title", div).textContent = "Sides"; }
      var boxes = [];
      names.forEach(function (side) {
        var label = el("label", "", div);
        var box = el("input", "gk-side-toggle", label);
        box.type = "checkbox"; box.checked = true;
        label.appendChild(document.createTextNode(" " + side));
        box.addEventListener("change", function () {
          var on = box.checked;
          gk.batch(function () {
            sides[side].forEach(function (layer) {
              if (on) { map.addLayer(layer); } else { map.removeLayer(layer); }
            });
          });
          sync();
        });
        boxes.push([box, sides[side]]);
      });
      function sync() {
        boxes.forEach(function (pair) {
          pair[0].checked = pair[1].some(function (layer) { return layer.active; });
        });
      }
      map.on("overlayadd overlayremove", sync);
    }).addTo(map);
    gk.filters.push(apply);
    apply();
  }

  gk.addUnlocatedPanel = function (map, spec) {
    var n = spec.entries.length;
    var title = "No place on the map (" + n + (n === 1 ? " claim)" : " claims)");
    foldingPanel("topleft", "gk-unlocated", title, false, function (div) {
      var note = el("div", "gk-muted", div);
      note.textContent = "Claims that name no place we could locate, or none at all.";
      spec.entries.forEach(function (u) {
        var row = el("details", "gk-unlocated-claim gk-s-" + u.s + "-row", div);
        row.setAttribute("data-gk-unlocated", u.c);
        var summary = el("summary", "", row);
        summary.innerHTML = u.l;  // escaped in Python
        var body = el("div", "", row);
        row.addEventListener("toggle", function () {
          if (row.open && !body.firstChild) { body.innerHTML = gk.popupHtml(u.c, -1); }
        });
        gk.unlocated.push({row: row, d: u.d, c: u.c});
      });
    }).addTo(map);
    gk.filters.forEach(function (apply) { apply(); });
  };

  // The title spans the top of the map; the corners start below it.
  gk.addTitle = function (map, spec) {
    var corners = map._controlCorners, container = map._controlContainer;
    if (!corners.gktop) {
      corners.gktop = el("div", "leaflet-top gk-top-center", container);
    }
    var c = control("gktop", function (div) {
      L.DomUtil.addClass(div, "gk-panel gk-title");
      div.innerHTML = spec.html;  // escaped in Python
    });
    c.addTo(map);
    var box = c.getContainer();
    function place() {
      var h = box.getBoundingClientRect().height;
      container.querySelectorAll(".leaflet-top.leaflet-left, .leaflet-top.leaflet-right")
        .forEach(function (corner) { corner.style.top = Math.ceil(h + 6) + "px"; });
    }
    if (global.ResizeObserver) { new ResizeObserver(place).observe(box); }
    box.addEventListener("toggle", function () { place(); gk.stepAside(); }, true);
    place();
  };

  gk.addLegend = function (map, spec) {
    foldingPanel("bottomright", "gk-legend", "Legend", !narrow(), function (div) {
      div.innerHTML = spec.html;  // built in Python from constants
    }).addTo(map);
  };

  // --- the download: the claims shown, as GeoJSON or CSV ----------------------------

  function shownClaims() {
    var out = [], seen = {};
    gk.overlays.forEach(function (o) {
      if (!o.active) { return; }
      o.claimIds.forEach(function (cid) {
        var c = gk.claims[cid];
        if (!c || seen[cid] || !gk.dateOk(c.k || "")) { return; }
        seen[cid] = true;
        out.push([cid, c]);
      });
    });
    return out;
  }

  var COLUMNS = ["claim_id", "claimant", "side", "claim_status", "claim_date", "outlet",
    "figures", "paraphrase", "place", "place_name_latin", "place_name_cyrillic", "precision",
    "geocode_status", "lat", "lon"];

  function exportRows() {
    var rows = [];
    shownClaims().forEach(function (pair) {
      var cid = pair[0], x = pair[1].x;
      var places = x.p.length ? x.p : [["", "", "", "", "", null, null]];
      places.forEach(function (p) {
        rows.push({claim_id: cid, claimant: x.w, side: x.sd, claim_status: x.s,
          claim_date: x.d, outlet: x.o, figures: x.f, paraphrase: x.t, place: p[0],
          place_name_latin: p[1], place_name_cyrillic: p[2], precision: p[3],
          geocode_status: p[4], lat: p[5], lon: p[6]});
      });
    });
    return rows;
  }

  gk.exportGeoJSON = function () {
    var features = exportRows().map(function (r) {
      // GeoJSON order is [lon, lat].
      var geom = r.lat === null || r.lon === null ? null
        : {type: "Point", coordinates: [r.lon, r.lat]};
      return {type: "Feature", geometry: geom, properties: r};
    });
    return JSON.stringify({type: "FeatureCollection", features: features}, null, 1);
  };

  function csvCell(v) {
    var s = v === null || v === undefined ? "" : String(v);
    // A cell a spreadsheet would run as a formula is kept as text.
    if (/^[=+\-@\t\r]/.test(s) && typeof v === "string") { s = "'" + s; }
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  gk.exportCSV = function () {
    var lines = [COLUMNS.join(",")];
    exportRows().forEach(function (r) {
      lines.push(COLUMNS.map(function (k) { return csvCell(r[k]); }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  };

  function save(text, name, type) {
    var url = URL.createObjectURL(new Blob([text], {type: type}));
    var a = document.createElement("a");
    a.href = url; a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  gk.addDownload = function (map) {
    control("bottomleft", function (div) {
      L.DomUtil.addClass(div, "gk-panel gk-download");
      var menu = el("div", "gk-download-menu", div);
      menu.hidden = true;
      var note = el("div", "gk-muted", menu);
      note.textContent = "The claims shown (sides and dates as filtered):";
      var gj = el("button", "gk-download-geojson", menu);
      gj.type = "button"; gj.textContent = "GeoJSON";
      var csv = el("button", "gk-download-csv", menu);
      csv.type = "button"; csv.textContent = "CSV";
      var btn = el("button", "gk-download-btn", div);
      btn.type = "button"; btn.textContent = "\u2913 Download claims";
      btn.addEventListener("click", function () { menu.hidden = !menu.hidden; gk.stepAside(); });
      gj.addEventListener("click", function () {
        save(gk.exportGeoJSON(), "claims.geojson", "application/geo+json");
        menu.hidden = true;
      });
      csv.addEventListener("click", function () {
        save(gk.exportCSV(), "claims.csv", "text/csv");
        menu.hidden = true;
      });
    }).addTo(map);
  };

  // --- panels step aside ------------------------------------------------------------

  // The panel the reader opened last, or the open popup, stays; any other
  // panel it would overlap is hidden until it closes.
  var active = null;
  function isOpen(c) {
    return !!(c.querySelector("details[open]") || c.classList.contains(
      "leaflet-control-layers-expanded") || (c.querySelector(".gk-download-menu") &&
      !c.querySelector(".gk-download-menu").hidden));
  }
  function overlaps(a, b) {
    return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
  }
  gk.stepAside = function () {
    if (!gk.map) { return; }
    var controls = Array.prototype.slice.call(
      gk.map.getContainer().querySelectorAll(".leaflet-control"));
    controls.forEach(function (c) { c.style.visibility = ""; });
    if (active && !isOpen(active)) { active = null; }
    var keep = [];
    var popup = document.querySelector(".leaflet-popup-content-wrapper");
    if (popup) { keep.push(popup.getBoundingClientRect()); }
    if (active) { keep.push(active.getBoundingClientRect()); }
    // Open panels come before folded ones.
    controls.sort(function (a, b) { return (isOpen(b) ? 1 : 0) - (isOpen(a) ? 1 : 0); });
    var kept = keep.slice();
    controls.forEach(function (c) {
      if (c === active) { return; }
      var r = c.getBoundingClientRect();
      if (!r.width || !r.height) { return; }
      var off = r.left < 0 || r.top < 0 || r.right > innerWidth + 0.5 ||
        r.bottom > innerHeight + 0.5;
      if (off || kept.some(function (k) { return overlaps(r, k); })) {
        c.style.visibility = "hidden";
      } else {
        kept.push(r);
      }
    });
  };

  function watchPanels() {
    var container = gk.map.getContainer().querySelector(".leaflet-control-container");
    var pending = false;
    function later() {
      if (pending) { return; }
      pending = true;
      requestAnimationFrame(function () { pending = false; gk.stepAside(); });
    }
    container.addEventListener("toggle", function (ev) {
      var c = ev.target.closest && ev.target.closest(".leaflet-control");
      if (c && ev.target.open) { active = c; }
      later();
    }, true);
    new MutationObserver(function (records) {
      records.forEach(function (r) {
        var c = r.target;
        if (c.classList && c.classList.contains("leaflet-control-layers-expanded")) { active = c; }
        if (c.classList && c.classList.contains("gk-download-menu") && !c.hidden) {
          active = c.closest(".leaflet-control");
        }
      });
      later();
    }).observe(container, {subtree: true, attributes: true, attributeFilter: ["class", "hidden"]});
    global.addEventListener("resize", later);
    container.querySelectorAll(".leaflet-control-layers").forEach(function (c) {
      ["mouseenter", "mouseleave", "click", "touchend"].forEach(function (name) {
        c.addEventListener(name, function () {
          setTimeout(function () { if (isOpen(c)) { active = c; } gk.stepAside(); }, 30);
        });
      });
    });
    gk.map.on("click", function () { setTimeout(later, 30); });
  }

  // After every layer is unpacked and every panel is there: the first view.
  gk.finish = function () {
    watchPanels();
    gk.fitView();
    gk.drawLabels();
    gk.stepAside();
    gk.ready = true;
  };
})(window);
