// Layout of the drawn graph: node positions, edge paths and cluster boxes, left to right.
//
// Input: {nodes: [{id, w, h, parent}], edges: [{from, to}], clusters: [{id, parent}]}, where
// `parent` is the id of the expanded cluster a node (or cluster) sits in, or null.
// Output: {pos: {id: {x, y, w, h}} (centres), paths: [[{x, y}, ...] per edge], labels (dagre:
//          the place kept for each edge's label, or null),
//          boxes: {clusterId: {x, y, w, h}}, width, height}.
//
// Up to DAGRE_LIMIT nodes the vendored dagre (a Sugiyama layout: ranks, crossing
// reduction, Brandes-Koepf placement, clusters as compound nodes) places everything. Beyond,
// `layered` does the same steps in their simplest linear-time form: longest-path ranks,
// two barycentre sweeps to order each rank, and ranks stacked as columns.
"use strict";
var ndg = window.ndg || (window.ndg = {});

ndg.DAGRE_LIMIT = 600;

ndg.layout = function (graph) {
  if (graph.nodes.length <= ndg.DAGRE_LIMIT && window.dagre) {
    return ndg.layoutDagre(graph);
  }
  return ndg.layoutLayered(graph);
};

ndg.layoutDagre = function (graph) {
  var g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 34, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(function () { return {}; });
  graph.clusters.forEach(function (c) { g.setNode(c.id, { paddingTop: 22 }); });
  graph.clusters.forEach(function (c) { if (c.parent) g.setParent(c.id, c.parent); });
  graph.nodes.forEach(function (n) {
    g.setNode(n.id, { width: n.w, height: n.h });
    if (n.parent) g.setParent(n.id, n.parent);
  });
  graph.edges.forEach(function (e, i) { // room for the gradient label an edge will show
    g.setEdge(e.from, e.to, e.label ? { width: 6 * e.label.length + 6, height: 12, labelpos: "c" } : {}, "e" + i);
  });
  dagre.layout(g);
  var pos = {}, boxes = {};
  graph.nodes.forEach(function (n) {
    var p = g.node(n.id);
    pos[n.id] = { x: p.x, y: p.y, w: n.w, h: n.h };
  });
  graph.clusters.forEach(function (c) {
    var p = g.node(c.id);
    if (p && p.width) boxes[c.id] = { x: p.x - p.width / 2, y: p.y - p.height / 2, w: p.width, h: p.height };
  });
  var paths = [], labels = [];
  graph.edges.forEach(function (e, i) {
    var laid = g.edge(e.from, e.to, "e" + i);
    paths.push(laid.points);
    labels.push(laid.x !== undefined ? { x: laid.x, y: laid.y + 4 } : null);
  });
  var size = g.graph();
  return { pos: pos, paths: paths, labels: labels, boxes: boxes, width: size.width, height: size.height };
};

ndg.layoutLayered = function (graph) {
  var ids = graph.nodes.map(function (n) { return n.id; });
  var index = {}, outs = [], ins = [], indegree = [];
  ids.forEach(function (id, i) { index[id] = i; outs.push([]); ins.push([]); indegree.push(0); });
  graph.edges.forEach(function (e) {
    var a = index[e.from], b = index[e.to];
    outs[a].push(b); ins[b].push(a); indegree[b]++;
  });
  // 1. ranks: longest path from the sources (Kahn's topological order; the graph is acyclic)
  var rank = ids.map(function () { return 0; }), queue = [], head = 0;
  indegree.forEach(function (d, i) { if (d === 0) queue.push(i); });
  while (head < queue.length) {
    var v = queue[head++];
    outs[v].forEach(function (w) {
      rank[w] = Math.max(rank[w], rank[v] + 1);
      if (--indegree[w] === 0) queue.push(w);
    });
  }
  var ranks = [];
  queue.forEach(function (v) { (ranks[rank[v]] || (ranks[rank[v]] = [])).push(v); });
  // 2. order: the mean position of each node's neighbours in the previous rank, then the next
  var order = [];
  function sweep(neighbours, from, to, step) {
    for (var r = from; r !== to; r += step) {
      if (!ranks[r]) continue;
      ranks[r].forEach(function (v) {
        var list = neighbours[v], sum = 0;
        list.forEach(function (u) { sum += order[u]; });
        order[v] = list.length ? sum / list.length : order[v];
      });
      ranks[r].sort(function (a, b) { return order[a] - order[b]; });
      ranks[r].forEach(function (v, i) { order[v] = i; });
    }
  }
  ranks.forEach(function (list) { list.forEach(function (v, i) { order[v] = i; }); });
  sweep(ins, 1, ranks.length, 1);
  sweep(outs, ranks.length - 2, -1, -1);
  // 3. coordinates: each rank a column as wide as its widest node, centred vertically
  var pos = {}, x = 16, height = 0, columns = [];
  ranks.forEach(function (list) {
    var width = 0, total = 0;
    list.forEach(function (v) { width = Math.max(width, graph.nodes[v].w); total += graph.nodes[v].h + 14; });
    columns.push({ x: x + width / 2, total: total, list: list });
    height = Math.max(height, total);
    x += width + 34;
  });
  columns.forEach(function (col) {
    var y = 16 + (height - col.total) / 2;
    col.list.forEach(function (v) {
      var n = graph.nodes[v];
      pos[n.id] = { x: col.x, y: y + n.h / 2, w: n.w, h: n.h };
      y += n.h + 14;
    });
  });
  var paths = graph.edges.map(function (e) {
    var a = pos[e.from], b = pos[e.to];
    return [{ x: a.x + a.w / 2, y: a.y }, { x: b.x - b.w / 2, y: b.y }];
  });
  return { pos: pos, paths: paths, boxes: ndg.clusterBoxes(graph, pos), width: x, height: height + 32 };
};

// Bounding boxes of the expanded clusters (inner clusters first, so outer ones contain them).
ndg.clusterBoxes = function (graph, pos) {
  var boxes = {}, parentOf = {};
  graph.clusters.forEach(function (c) { parentOf[c.id] = c.parent; });
  function grow(id, x0, y0, x1, y1) {
    for (; id; id = parentOf[id]) {
      var b = boxes[id] || (boxes[id] = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity });
      b.x0 = Math.min(b.x0, x0 - 8); b.y0 = Math.min(b.y0, y0 - 24);
      b.x1 = Math.max(b.x1, x1 + 8); b.y1 = Math.max(b.y1, y1 + 8);
      x0 = b.x0; y0 = b.y0; x1 = b.x1; y1 = b.y1;
    }
  }
  graph.nodes.forEach(function (n) {
    var p = pos[n.id];
    if (n.parent) grow(n.parent, p.x - p.w / 2, p.y - p.h / 2, p.x + p.w / 2, p.y + p.h / 2);
  });
  var out = {};
  Object.keys(boxes).forEach(function (id) {
    var b = boxes[id];
    out[id] = { x: b.x0, y: b.y0, w: b.x1 - b.x0, h: b.y1 - b.y0 };
  });
  return out;
};
