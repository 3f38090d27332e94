// The training view: the loss and each layer's gradient norm over the recorded steps.
//
// data.training = {steps: [...], loss: [...], layers: [{name, norms: [...]}]} (from
// autograd.viz.Recorder). Gradient norms are drawn on a log scale, so vanishing gradients
// (norms falling by decades from the last layer to the first) show as lines far apart.
"use strict";
var ndg = window.ndg || (window.ndg = {});

ndg.PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
               "#bcbd22", "#17becf"];

// One line chart: series [{name, values}] over xs; log: log10 y axis (non-positive values skipped).
ndg.lineChart = function (title, xs, series, log, role) {
  var W = 560, H = 220, L = 56, R = 130, T = 24, B = 30, lo = Infinity, hi = -Infinity;
  function y(v) { return log ? Math.log10(v) : v; }
  series.forEach(function (s) {
    s.values.forEach(function (v) { if (v !== null && (!log || v > 0)) { lo = Math.min(lo, y(v)); hi = Math.max(hi, y(v)); } });
  });
  if (!isFinite(lo)) { lo = 0; hi = 1; }
  if (hi === lo) { hi = lo + 1; }
  var x0 = xs[0], x1 = xs[xs.length - 1] === x0 ? x0 + 1 : xs[xs.length - 1];
  function px(x) { return L + (W - L - R) * (x - x0) / (x1 - x0); }
  function py(v) { return T + (H - T - B) * (1 - (y(v) - lo) / (hi - lo)); }
  var out = ["<svg class=\"chart\" data-role=\"" + role + "\" width=\"" + W + "\" height=\"" + H + "\">",
             "<text class=\"title\" x=\"" + L + "\" y=\"14\">" + ndg.esc(title) + "</text>",
             "<line class=\"axis\" x1=\"" + L + "\" y1=\"" + (H - B) + "\" x2=\"" + (W - R) + "\" y2=\"" + (H - B) + "\"/>",
             "<line class=\"axis\" x1=\"" + L + "\" y1=\"" + T + "\" x2=\"" + L + "\" y2=\"" + (H - B) + "\"/>"];
  [lo, (lo + hi) / 2, hi].forEach(function (t) {
    var label = log ? ndg.num(Math.pow(10, t)) : ndg.num(t), yy = T + (H - T - B) * (1 - (t - lo) / (hi - lo));
    out.push("<text class=\"tick\" x=\"" + (L - 4) + "\" y=\"" + (yy + 4) + "\" text-anchor=\"end\">" + label + "</text>");
  });
  out.push("<text class=\"tick\" x=\"" + L + "\" y=\"" + (H - 12) + "\">step " + x0 + "</text>");
  out.push("<text class=\"tick\" x=\"" + (W - R) + "\" y=\"" + (H - 12) + "\" text-anchor=\"end\">step " + xs[xs.length - 1] + "</text>");
  series.forEach(function (s, i) {
    var colour = ndg.PALETTE[i % ndg.PALETTE.length], d = "", pen = "M";
    s.values.forEach(function (v, j) {
      if (v === null || (log && v <= 0)) { pen = "M"; return; }
      d += pen + px(xs[j]).toFixed(1) + "," + py(v).toFixed(1);
      pen = "L";
    });
    out.push("<path d=\"" + d + "\" stroke=\"" + colour + "\" data-series=\"" + ndg.esc(s.name) + "\"/>");
    out.push("<text class=\"legend\" x=\"" + (W - R + 8) + "\" y=\"" + (T + 12 + 14 * i) + "\" fill=\"" + colour + "\">" +
             ndg.esc(s.name) + "</text>");
  });
  out.push("</svg>");
  return out.join("");
};

ndg.renderTraining = function (state) {
  var t = state.data.training, box = state.root.querySelector("[data-role=training]");
  if (!t || !t.steps.length) { box.innerHTML = "<p class=\"muted\">No training steps recorded.</p>"; return; }
  box.innerHTML = ndg.lineChart("training loss", t.steps, [{ name: "loss", values: t.loss }], false, "loss-chart") +
    ndg.lineChart("gradient norm per layer (log scale)", t.steps, t.layers.map(function (l) {
      return { name: l.name, values: l.norms };
    }), true, "grad-norm-chart");
};
