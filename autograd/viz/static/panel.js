// The details panel ([data-role=details]): what is known of the clicked node at this step.
//
// A tensor: names, kind, shape and dtype, its values (all of them when small, else a heatmap,
// a histogram and statistics) and its gradient at the current step. An op: its rule (the
// docstring math, "d/da = b"), its inputs, the gradient it received and what it sent to each
// input; in a scalar graph the chain rule is worked out with the numbers:
// dL/da = dL/dout * dout/da, the local derivative being what was sent over what was received.
"use strict";
var ndg = window.ndg || (window.ndg = {});

// All values as a table (rows of the last dim), with data-index on each cell.
ndg.valuesTable = function (view, role) {
  var shape = view.shape, cols = shape.length ? shape[shape.length - 1] : 1, rows = [];
  for (var i = 0; i < view.values.length; i += Math.max(cols, 1)) {
    var cells = [];
    for (var j = i; j < Math.min(i + Math.max(cols, 1), view.values.length); j++) {
      var x = view.values[j];
      cells.push("<td data-index=\"" + j + "\" style=\"background:" +
                 (typeof x === "number" && view.max !== undefined ? ndg.cellColour(x, view) : "#fff") + "\">" +
                 ndg.num(x) + "</td>");
    }
    rows.push("<tr>" + cells.join("") + "</tr>");
  }
  return "<table class=\"values\" data-role=\"" + role + "\">" + rows.join("") + "</table>";
};

ndg.cellColour = function (x, view) {
  var scale = Math.max(Math.abs(view.min), Math.abs(view.max)) || 1;
  return ndg.diverging(x / scale * 0.6);
};

ndg.heatmap = function (heat) {
  var size = 8, scale = 0, cells = [];
  heat.values.forEach(function (v) { if (typeof v === "number") scale = Math.max(scale, Math.abs(v)); });
  heat.values.forEach(function (v, i) {
    var r = Math.floor(i / heat.cols), c = i % heat.cols;
    cells.push("<rect x=\"" + c * size + "\" y=\"" + r * size + "\" width=\"" + size + "\" height=\"" + size +
               "\" fill=\"" + ndg.diverging(typeof v === "number" ? v / (scale || 1) : 0) + "\"/>");
  });
  return "<svg class=\"heat\" width=\"" + heat.cols * size + "\" height=\"" + heat.rows * size + "\">" +
         cells.join("") + "</svg>";
};

ndg.histogram = function (hist) {
  var w = 200, h = 50, most = Math.max.apply(null, hist.counts) || 1, bw = w / hist.counts.length, bars = [];
  hist.counts.forEach(function (c, i) {
    var bh = h * c / most;
    bars.push("<rect x=\"" + (i * bw).toFixed(1) + "\" y=\"" + (h - bh).toFixed(1) + "\" width=\"" +
              (bw - 1).toFixed(1) + "\" height=\"" + bh.toFixed(1) + "\"/>");
  });
  return "<svg class=\"hist\" width=\"" + w + "\" height=\"" + (h + 14) + "\">" + bars.join("") +
         "<text x=\"0\" y=\"" + (h + 12) + "\">" + ndg.num(hist.lo) + "</text><text x=\"" + w +
         "\" y=\"" + (h + 12) + "\" text-anchor=\"end\">" + ndg.num(hist.hi) + "</text></svg>";
};

// A tensor view: a table of its values, or heatmap + histogram + statistics.
ndg.viewHtml = function (view, role) {
  if (!view) return "<p class=\"muted\">not known</p>";
  var out = ["<p class=\"muted\">" + ndg.shapeText(view.shape) + " " + view.dtype + "</p>"];
  if (view.values) out.push(ndg.valuesTable(view, role));
  if (view.heat) out.push("<div>" + ndg.heatmap(view.heat) + "</div>");
  if (view.hist) out.push("<div>" + ndg.histogram(view.hist) + "</div>");
  if (view.norm !== undefined && view.size > 1) {
    out.push("<p class=\"stats\">norm " + ndg.num(view.norm) + ", mean " + ndg.num(view.mean) + ", std " +
             ndg.num(view.std) + ", min " + ndg.num(view.min) + ", max " + ndg.num(view.max) + "</p>");
  }
  return out.join("");
};

ndg.nodeName = function (state, id) {
  var n = state.byId[id];
  if (!n) return id;
  if (n.kind === "op") return n.node;
  return n.label || (n.kind === "param" ? "parameter " : n.kind + " ") + ndg.shapeText(n.shape);
};

ndg.link = function (state, id) {
  return "<a href=\"#\" data-goto=\"" + ndg.esc(id) + "\">" + ndg.esc(ndg.nodeName(state, id)) + "</a>";
};

ndg.tensorDetails = function (state, n) {
  var k = state.step, g = ndg.gradAt(state, n.id, k), out = [];
  out.push("<h3>" + ndg.esc(ndg.nodeName(state, n.id)) + " <small>" + n.kind + "</small></h3>");
  out.push("<p>" + ndg.shapeText(n.shape) + " " + ndg.esc(n.dtype || "") +
           (n.producer ? ", made by " + ndg.link(state, n.producer) : "") + "</p>");
  out.push("<h4>data</h4>" + ndg.viewHtml(n.data, "values"));
  out.push("<h4>gradient dL/d(" + ndg.esc(n.label || "this") + ") at step " + k + "</h4>");
  if (g.state === "done") {
    if (n.kind === "param" && g.view.norm !== undefined) out.push("<p>gradient norm <b>" + ndg.num(g.view.norm) + "</b></p>");
    out.push(ndg.viewHtml(g.view, "grad-values"));
  } else if (g.state === "partial") {
    out.push("<p>" + ndg.esc(g.text) + " (partial, " + g.of + "): the sum of the contributions its " +
             "consumers sent so far.</p>");
    if (g.values) out.push(ndg.valuesTable({ shape: n.shape || [g.values.length], values: g.values }, "grad-values"));
  } else {
    var when = state.stepOf[n.id];
    out.push("<p class=\"muted\">" + (when ? "complete at step " + when : "not computed") + "</p>");
  }
  var uses = state.outEdges[n.id] || [];
  if (uses.length) {
    out.push("<h4>contributions from its " + uses.length + " use" + (uses.length > 1 ? "s" : "") + "</h4><ul>");
    uses.forEach(function (i) {
      var e = state.data.edges[i], when = e.step <= k ? ndg.edgeText(e) : "(step " + e.step + ")";
      out.push("<li>" + ndg.link(state, e.to) + ": " + ndg.esc(when) + "</li>");
    });
    out.push("</ul>");
  }
  return out.join("");
};

ndg.opDetails = function (state, n) {
  var k = state.step, when = state.stepOf[n.id], ran = when !== undefined && when <= k, out = [];
  var inEdges = state.data.edges.filter(function (e) { return e.to === n.id; });
  out.push("<h3>" + ndg.esc(n.op) + " <small>" + ndg.esc(n.node) + "</small></h3>");
  out.push("<p class=\"rule\" data-role=\"rule\">" + ndg.esc(n.rule || "(no rule documented)") + "</p>");
  out.push("<h4>inputs</h4><ul>" + n.inputs.map(function (id) {
    var v = state.byId[id];
    return "<li>" + ndg.link(state, id) + " " + ndg.shapeText(v.shape) + ": " + ndg.esc(ndg.summary(v.data, "data")) + "</li>";
  }).join("") + "</ul>");
  out.push("<p>output " + ndg.link(state, n.output) + "</p>");
  if (!ran) {
    out.push("<p class=\"muted\">" + (when ? "Its backward runs at step " + when + "." : "Its backward does not run.") + "</p>");
    return out.join("");
  }
  var incoming = state.stepGrad[n.id];
  out.push("<h4>received dL/d(out)</h4>" + ndg.viewHtml(incoming, "incoming"));
  out.push("<h4>sent to each input</h4>");
  inEdges.forEach(function (e) {
    out.push("<div class=\"sent\"><p>" + ndg.link(state, e.from) + (e.unbroadcast ? " <span class=\"muted\">(summed " +
             ndg.esc(e.unbroadcast) + ": un-broadcast)</span>" : "") + "</p>" + ndg.viewHtml(e.grad, "sent") + "</div>");
  });
  if (state.data.scalar && incoming.values) {
    var gOut = incoming.values[0];
    out.push("<h4>chain rule worked out</h4><ul class=\"chain\" data-role=\"chain\">");
    inEdges.forEach(function (e) {
      var name = ndg.esc(ndg.nodeName(state, e.from)), sent = e.grad.values[0];
      var local = typeof gOut === "number" && gOut !== 0 && typeof sent === "number" ? ndg.num(sent / gOut) : "?";
      out.push("<li>dL/d" + name + " = dL/dout \u00d7 dout/d" + name + " = " + ndg.num(gOut) + " \u00d7 " + local +
               " = <b>" + ndg.num(sent) + "</b></li>");
    });
    out.push("</ul>");
  }
  return out.join("");
};

ndg.clusterDetails = function (state, c) {
  return "<h3>" + ndg.esc(c.label) + " <small>module</small></h3><p>" + state.clusterMembers[c.id].length +
         " tensors and ops, collapsed.</p><button data-toggle=\"" + c.id + "\">expand</button>";
};

ndg.showDetails = function (state, id) {
  var panel = state.root.querySelector("[data-role=details]"), html;
  var node = state.byId[id] || state.clusterNode[id];
  if (!node) html = "<p class=\"muted\">Click a node to see its values, its rule and its gradients.</p>";
  else if (node.kind === "op") html = ndg.opDetails(state, node);
  else if (node.kind === "cluster") html = ndg.clusterDetails(state, node);
  else html = ndg.tensorDetails(state, node);
  panel.innerHTML = html;
  panel.setAttribute("data-node", id || "");
};
