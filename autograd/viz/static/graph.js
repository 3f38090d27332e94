// The graph view: which nodes are drawn (clusters collapse to one box), the SVG, pan and zoom.
//
// Every drawn tensor or op is <g data-node=ID data-kind=KIND>, a collapsed cluster is
// <g data-node=CLUSTER_ID data-kind="cluster">; an expanded cluster is a labelled box
// <g data-cluster=ID>. Clicking a node selects it (the details panel shows it), clicking a
// cluster's label or a collapsed cluster toggles it. The backward state (steps.js) is applied
// to the drawn elements by attribute: data-grad="done" / "partial", data-current.
"use strict";
var ndg = window.ndg || (window.ndg = {});

ndg.COLLAPSE_ABOVE = 1500; // more tensors + ops than this: start with module clusters collapsed

// The sizes of a node's box (tensor boxes hold 1-3 lines; scalar graphs use records).
ndg.nodeBox = function (state, node) {
  if (node.kind === "op") return { w: Math.max(44, 7 * node.label.length + 22), h: 26 };
  if (node.kind === "cluster") return { w: Math.max(90, 7 * node.label.length + 30), h: 34 };
  if (state.data.scalar) {
    var name = node.label || node.kind;
    return { w: 7 * name.length + 190, h: 28 };
  }
  var lines = ndg.tensorLines(state, node, null);
  var longest = Math.max.apply(null, lines.map(function (l) { return l.length; }));
  return { w: Math.max(60, 6.6 * longest + 20), h: 16 * lines.length + 10 };
};

// Text lines of a tensor box; `grad` is its text at the current step (null: reserve the line).
ndg.tensorLines = function (state, node, grad) {
  var lines = [];
  if (node.label) lines.push(node.label);
  lines.push(ndg.shapeText(node.shape) + " " + (node.dtype || ""));
  if (state.hasGrads) lines.push(grad === null ? "grad norm 0.0000e+00" : grad);
  return lines;
};

// Innermost-first cluster chain of each node, and the drawn representative of each node:
// itself, or the outermost collapsed cluster around it.
ndg.visibleGraph = function (state) {
  var data = state.data, parentOf = {}, rep = {};
  data.clusters.forEach(function (c) { parentOf[c.id] = c.parent; });
  function representative(cluster, self) {
    var found = self;
    for (var c = cluster; c; c = parentOf[c]) if (state.collapsed[c]) found = c;
    return found;
  }
  function drawnParent(cluster) { // the innermost expanded cluster that is itself drawn
    for (var c = cluster; c; c = parentOf[c]) {
      if (representative(c, c) === c && !state.collapsed[c]) return c;
    }
    return null;
  }
  var nodes = [], seen = {};
  data.nodes.forEach(function (n) {
    var r = representative(n.cluster, n.id);
    rep[n.id] = r;
    if (seen[r]) return;
    seen[r] = true;
    var node = r === n.id ? n : state.clusterNode[r];
    var box = ndg.nodeBox(state, node);
    var parent = r === n.id ? drawnParent(n.cluster) : drawnParent(parentOf[r]);
    nodes.push({ id: r, w: box.w, h: box.h, parent: parent, node: node });
  });
  var edges = [], edgeKeys = {};
  data.edges.forEach(function (e, i) {
    var a = rep[e.from], b = rep[e.to];
    if (a === b) return;
    var key = a + ">" + b;
    if (edgeKeys[key] !== undefined) { edges[edgeKeys[key]].members.push(i); return; }
    edgeKeys[key] = edges.length;
    edges.push({ from: a, to: b, members: [i], label: e.grad ? ndg.edgeText(e) : null });
  });
  edges.forEach(function (e) { if (e.members.length > 1) e.label = null; });
  var clusters = data.clusters.filter(function (c) {
    return representative(c.id, c.id) === c.id && !state.collapsed[c.id];
  }).map(function (c) { return { id: c.id, parent: drawnParent(c.parent), label: c.label }; });
  // a cluster with no drawn member gives dagre an empty compound node: leave it out
  var used = {}, depth = {};
  nodes.forEach(function (n) { for (var c = n.parent; c; c = parentOf[c]) used[c] = true; });
  clusters = clusters.filter(function (c) { return used[c.id]; });
  clusters.forEach(function (c) { // nesting depth, for the fill colour and the paint order
    for (var d = 0, p = c.parent; p; p = parentOf[p]) d++;
    depth[c.id] = d;
  });
  return { nodes: nodes, edges: edges, clusters: clusters, depth: depth, rep: rep };
};

ndg.nodeMarkup = function (state, v, p) {
  var n = v.node, x = p.x - p.w / 2, y = p.y - p.h / 2, out = [];
  var attrs = 'data-node="' + ndg.esc(v.id) + '" data-kind="' + n.kind + '"';
  if (n.kind === "op") {
    out.push("<g class=\"node op\" " + attrs + "><ellipse cx=\"" + p.x + "\" cy=\"" + p.y + "\" rx=\"" +
             p.w / 2 + "\" ry=\"" + p.h / 2 + "\"/><text x=\"" + p.x + "\" y=\"" + (p.y + 4) +
             "\" text-anchor=\"middle\">" + ndg.esc(n.label) + "</text></g>");
  } else if (n.kind === "cluster") {
    out.push("<g class=\"node cluster-box\" " + attrs + "><rect x=\"" + x + "\" y=\"" + y + "\" width=\"" +
             p.w + "\" height=\"" + p.h + "\" rx=\"6\"/><text x=\"" + p.x + "\" y=\"" + (p.y + 4) +
             "\" text-anchor=\"middle\">\u25b8 " + ndg.esc(n.label) + "</text></g>");
  } else if (state.data.scalar) { // micrograd's record: { name | data 2.0000 | grad 4.0000 }
    var name = n.label || n.kind, w0 = 7 * name.length + 16, w1 = 88;
    out.push("<g class=\"node tensor record\" " + attrs + "><rect x=\"" + x + "\" y=\"" + y + "\" width=\"" +
             p.w + "\" height=\"" + p.h + "\"/>");
    out.push("<line x1=\"" + (x + w0) + "\" x2=\"" + (x + w0) + "\" y1=\"" + y + "\" y2=\"" + (y + p.h) + "\"/>");
    out.push("<line x1=\"" + (x + w0 + w1) + "\" x2=\"" + (x + w0 + w1) + "\" y1=\"" + y + "\" y2=\"" + (y + p.h) + "\"/>");
    var ty = p.y + 4;
    out.push("<text x=\"" + (x + w0 / 2) + "\" y=\"" + ty + "\" text-anchor=\"middle\">" + ndg.esc(name) + "</text>");
    out.push("<text data-field=\"data\" x=\"" + (x + w0 + w1 / 2) + "\" y=\"" + ty + "\" text-anchor=\"middle\">" +
             ndg.esc(ndg.summary(n.data, "data")) + "</text>");
    out.push("<text data-field=\"grad\" x=\"" + (x + w0 + w1 + (p.w - w0 - w1) / 2) + "\" y=\"" + ty +
             "\" text-anchor=\"middle\">grad -</text></g>");
  } else {
    var lines = ndg.tensorLines(state, n, "grad -");
    out.push("<g class=\"node tensor\" " + attrs + "><rect x=\"" + x + "\" y=\"" + y + "\" width=\"" + p.w +
             "\" height=\"" + p.h + "\" rx=\"" + (n.kind === "param" ? 6 : 1) + "\"/>");
    lines.forEach(function (line, i) {
      var field = state.hasGrads && i === lines.length - 1 ? ' data-field="grad"' : "";
      out.push("<text" + field + " x=\"" + p.x + "\" y=\"" + (y + 17 + 16 * i) + "\" text-anchor=\"middle\"" +
               (i === 0 && n.label ? ' class="name"' : "") + ">" + ndg.esc(line) + "</text>");
    });
    out.push("</g>");
  }
  return out.join("");
};

// Lay out the visible graph, then draw it.
ndg.render = function (state) {
  state.visible = ndg.visibleGraph(state);
  state.layout = ndg.layout(state.visible);
  state.drawnWindow = null;
  ndg.draw(state);
};

ndg.MAX_DRAWN = 1500; // at most this many nodes in the DOM: a larger graph is drawn near the view

// The part of the graph (graph coordinates) the view shows, grown by one view on every side.
ndg.viewWindow = function (state) {
  var v = state.view, w = state.svg.clientWidth || 1000, h = state.svg.clientHeight || 600;
  var x0 = -v.x / v.k, y0 = -v.y / v.k, ww = w / v.k, hh = h / v.k;
  return { x0: x0 - ww, y0: y0 - hh, x1: x0 + 2 * ww, y1: y0 + 2 * hh, cx: x0 + ww / 2, cy: y0 + hh / 2 };
};

// Draw the nodes (all of them, or for a large graph those nearest the view), their edges and
// the boxes of expanded clusters into the <svg>; remember the drawn elements by id.
ndg.draw = function (state) {
  var vis = state.visible, lay = state.layout, nodes = vis.nodes;
  if (nodes.length > ndg.MAX_DRAWN) {
    var win = state.drawnWindow = ndg.viewWindow(state);
    nodes = nodes.filter(function (v) {
      var p = lay.pos[v.id];
      return p.x >= win.x0 && p.x <= win.x1 && p.y >= win.y0 && p.y <= win.y1;
    });
    if (nodes.length > ndg.MAX_DRAWN) {
      nodes.sort(function (a, b) {
        var p = lay.pos[a.id], q = lay.pos[b.id];
        return Math.hypot(p.x - win.cx, p.y - win.cy) - Math.hypot(q.x - win.cx, q.y - win.cy);
      });
      nodes = nodes.slice(0, ndg.MAX_DRAWN);
    }
  }
  var drawn = {};
  nodes.forEach(function (v) { drawn[v.id] = true; });
  var parts = [], depthOf = vis.depth;
  // outer boxes first, so that inner ones are painted over them
  vis.clusters.slice().sort(function (a, b) { return depthOf[a.id] - depthOf[b.id]; }).forEach(function (c) {
    var b = lay.boxes[c.id];
    if (!b) return;
    parts.push("<g class=\"cluster depth" + Math.min(depthOf[c.id], 3) + "\" data-cluster=\"" + c.id +
               "\"><rect x=\"" + b.x + "\" y=\"" + b.y + "\" width=\"" + b.w + "\" height=\"" + b.h +
               "\" rx=\"8\"/><text class=\"cluster-label\" data-toggle=\"" + c.id + "\" x=\"" + (b.x + 8) +
               "\" y=\"" + (b.y + 15) + "\">\u25be " + ndg.esc(c.label) + "</text></g>");
  });
  state.drawnEdges = [];
  vis.edges.forEach(function (e, i) {
    if (!drawn[e.from] && !drawn[e.to]) return;
    var pts = lay.paths[i] || [];
    var d = pts.map(function (q, j) { return (j ? "L" : "M") + q.x.toFixed(1) + "," + q.y.toFixed(1); }).join("");
    parts.push("<g class=\"edge\" data-edge=\"" + i + "\"><path d=\"" + d + "\" marker-end=\"url(#ndg-arrow)\"/>" +
               "<text class=\"edge-label\"></text></g>");
    state.drawnEdges.push(i);
  });
  nodes.forEach(function (v) { parts.push(ndg.nodeMarkup(state, v, lay.pos[v.id])); });
  state.viewport.innerHTML = parts.join("");
  state.drawn = nodes;
  state.elements = {};
  state.gradFields = {};
  state.viewport.querySelectorAll("[data-node]").forEach(function (el) {
    var id = el.getAttribute("data-node");
    state.elements[id] = el;
    state.gradFields[id] = el.querySelector("[data-field=grad]");
  });
  state.edgeElements = Array.prototype.slice.call(state.viewport.querySelectorAll("[data-edge]"));
  ndg.applyStep(state);
};

// After a pan or zoom: draw again when the view has left the drawn part of a large graph.
ndg.redrawIfMoved = function (state) {
  var had = state.drawnWindow;
  if (!had || state.redrawPending) return;
  var now = ndg.viewWindow(state), span = (had.x1 - had.x0) / 3, spanNow = (now.x1 - now.x0) / 3;
  var inside = now.cx - spanNow / 2 >= had.x0 && now.cx + spanNow / 2 <= had.x1 &&
               now.cy >= had.y0 && now.cy <= had.y1 && spanNow > span / 2.5 && spanNow < span * 2.5;
  if (inside) return;
  state.redrawPending = true;
  requestAnimationFrame(function () { state.redrawPending = false; ndg.draw(state); });
};

// Pan (drag) and zoom (wheel, around the pointer) by one transform on the viewport <g>.
ndg.installPanZoom = function (state) {
  var svg = state.svg, view = state.view = { x: 0, y: 0, k: 1 }, drag = null;
  function apply() {
    state.viewport.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")");
    ndg.redrawIfMoved(state);
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = svg.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
    var k = Math.max(0.02, Math.min(8, view.k * Math.exp(-ev.deltaY * 0.0015)));
    view.x = px - (px - view.x) * k / view.k;
    view.y = py - (py - view.y) * k / view.k;
    view.k = k;
    apply();
  }, { passive: false });
  svg.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX - view.x, y: ev.clientY - view.y, moved: false }; });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    view.x = ev.clientX - drag.x; view.y = ev.clientY - drag.y; drag.moved = true; apply();
  });
  window.addEventListener("mouseup", function () { setTimeout(function () { drag = null; }, 0); });
  state.isDragging = function () { return drag && drag.moved; };
  state.fit = function () { // the whole graph in view, never magnified beyond 1.2x
    var r = svg.getBoundingClientRect(), lay = state.layout;
    if (!state.visible.nodes.length || !r.width) return; // nothing drawn, or the graph tab hidden
    if (state.visible.nodes.length > ndg.MAX_DRAWN) { // too large to read whole: show the output end
      var last = state.data.nodes.length ? ndg.rootNode(state) : null;
      if (last) { state.reveal(last); return; }
    }
    var k = Math.min(1.2, (r.width - 20) / Math.max(lay.width, 1), (r.height - 20) / Math.max(lay.height, 1));
    k = Math.max(k, 0.02);
    view.k = k; view.x = (r.width - lay.width * k) / 2; view.y = (r.height - lay.height * k) / 2;
    apply();
  };
  // Centre a node (when the URL hash selects one far away).
  state.reveal = function (id) {
    var p = state.layout.pos[state.visible.rep[id] || id];
    if (!p) return;
    var r = svg.getBoundingClientRect();
    if (view.k < 0.5) view.k = 0.9;
    view.x = r.width / 2 - p.x * view.k; view.y = r.height / 2 - p.y * view.k;
    apply();
    if (state.drawnWindow && !state.elements[state.visible.rep[id] || id]) ndg.draw(state); // now, not next frame
  };
};

// The output tensor (the first root), where backward starts.
ndg.rootNode = function (state) {
  var found = state.data.nodes.filter(function (n) { return n.kind === "output"; });
  return found.length ? found[0].id : state.data.nodes[0].id;
};
