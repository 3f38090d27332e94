// Small helpers shared by the explorer's scripts: number formatting, escaping, tensor summaries.
"use strict";
var ndg = window.ndg || (window.ndg = {});

// A number as Python's autograd.viz.dot.number prints it: %.4f, or %.4e for very large or
// small magnitudes; the strings "nan", "inf", "-inf" stand for the non-finite values.
ndg.num = function (x) {
  if (typeof x === "string") return x;
  var a = Math.abs(x);
  return x === 0 || (a >= 1e-3 && a < 1e5) ? x.toFixed(4) : x.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
};

// Text for HTML/SVG markup.
ndg.esc = function (text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
};

ndg.shapeText = function (shape) {
  return shape ? "(" + shape.join(", ") + (shape.length === 1 ? ",)" : ")") : "?";
};

// One line about a tensor view (see tensor_views.py): the value of a scalar, a few values,
// or the norm for gradients / the mean for data.
ndg.summary = function (view, what) {
  if (!view) return what + " -";
  if (view.size === 1 && view.values) return what + " " + ndg.num(view.values[0]);
  if (view.size === 0) return what + " (empty)";
  if (view.values && view.size <= 4) return what + " [" + view.values.map(ndg.num).join(", ") + "]";
  if (what === "grad") return "grad norm " + (view.norm === undefined ? "-" : ndg.num(view.norm));
  return "data mean " + (view.mean === undefined ? "-" : ndg.num(view.mean));
};

// Elementwise sum of views that carry all their values (null when one of them does not).
ndg.sumValues = function (views) {
  var total = null;
  for (var i = 0; i < views.length; i++) {
    var v = views[i].values;
    if (!v || v.some(function (x) { return typeof x === "string"; })) return null;
    if (total === null) total = v.slice();
    else for (var j = 0; j < v.length; j++) total[j] += v[j];
  }
  return total;
};

// A diverging colour for t in [-1, 1]: blue (negative), white (0), red (positive).
ndg.diverging = function (t) {
  t = Math.max(-1, Math.min(1, t));
  var fade = Math.round(255 * (1 - Math.abs(t)));
  return t < 0 ? "rgb(" + fade + "," + fade + ",255)" : "rgb(255," + fade + "," + fade + ")";
};
