// Backward, step by step, over the engine's real order (data.steps).
//
// Step k (0 <= k <= steps.length) means: the first k nodes have run. Step 0 is the forward
// pass alone. A tensor's gradient is complete ("done") from the step of its producer op (for
// a leaf: its own step); before that, once some consumer has sent it a contribution, it is
// "partial" and shows the sum of the contributions sent so far: backprop as dynamic
// programming, each node's value the sum over its uses. An input edge shows what its op's
// rule sent along it from the op's step on; "sum" marks a gradient summed back to a
// broadcast input's shape. State (step, selected node) lives in the URL hash.
"use strict";
var ndg = window.ndg || (window.ndg = {});

ndg.prepareSteps = function (state) {
  var data = state.data, stepOf = {}, stepGrad = {}, outEdges = {}, byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  data.steps.forEach(function (s, i) {
    var node = byId[s.node];
    stepOf[s.node] = i + 1;
    stepGrad[s.node] = s.grad;
    if (node && node.kind === "op") { stepOf[node.output] = i + 1; stepGrad[node.output] = s.grad; }
  });
  data.edges.forEach(function (e, i) {
    if (e.step !== undefined) (outEdges[e.from] || (outEdges[e.from] = [])).push(i);
  });
  state.stepOf = stepOf; state.stepGrad = stepGrad; state.outEdges = outEdges;
  state.hasGrads = data.steps.length > 0 || data.nodes.some(function (n) { return n.grad; });
};

// The gradient of tensor `id` at step k: {state: "done"|"partial"|"", text, view, values}.
ndg.gradAt = function (state, id, k) {
  var node = state.byId[id];
  if (state.stepOf[id] !== undefined && state.stepOf[id] <= k) {
    var view = state.stepGrad[id];
    return { state: "done", view: view, values: view.values || null, text: ndg.summary(view, "grad") };
  }
  if (!state.data.steps.length && node.grad) { // no replay: the .grad that backward() left
    return { state: "done", view: node.grad, values: node.grad.values || null, text: ndg.summary(node.grad, "grad") };
  }
  var sent = (state.outEdges[id] || []).filter(function (i) { return state.data.edges[i].step <= k; });
  if (!sent.length) return { state: "", view: null, values: null, text: "grad -" };
  var total = ndg.sumValues(sent.map(function (i) { return state.data.edges[i].grad; }));
  var text, of = sent.length + " of " + state.outEdges[id].length + " uses";
  if (total && total.length === 1) text = "grad " + ndg.num(total[0]);
  else if (total) text = "grad norm " + ndg.num(Math.sqrt(total.reduce(function (s, x) { return s + x * x; }, 0)));
  else text = "grad: " + of;
  return { state: "partial", view: null, values: total, text: text, of: of };
};

ndg.edgeText = function (edge) {
  var g = edge.grad, text = g.size === 1 && g.values ? ndg.num(g.values[0]) : ndg.summary(g, "grad").replace("grad ", "");
  return (edge.unbroadcast ? "\u03a3 " : "") + text;
};

// Put the drawing in the state of step state.step.
ndg.applyStep = function (state) {
  var k = state.step, data = state.data, current = k > 0 ? data.steps[k - 1].node : null;
  var clusterDone = {};
  state.drawn.forEach(function (v) {
    var el = state.elements[v.id], n = v.node, status = "";
    if (n.kind === "cluster") {
      status = state.clusterMembers[v.id].every(function (id) {
        return state.stepOf[id] === undefined || state.stepOf[id] <= k;
      }) && k > 0 ? "done" : "";
      clusterDone[v.id] = status;
    } else if (n.kind === "op") {
      status = state.stepOf[n.id] !== undefined && state.stepOf[n.id] <= k ? "done" : "";
    } else {
      var g = ndg.gradAt(state, n.id, k);
      status = g.state;
      var field = state.gradFields[v.id];
      if (field && field.textContent !== g.text) field.textContent = g.text;
    }
    if (status) el.setAttribute("data-grad", status); else el.removeAttribute("data-grad");
    if (n.id === current || (n.kind === "cluster" && state.visible.rep[current] === v.id)) {
      el.setAttribute("data-current", "true");
    } else el.removeAttribute("data-current");
    if (n.id === state.selected) el.setAttribute("data-selected", "true"); else el.removeAttribute("data-selected");
  });
  state.drawnEdges.forEach(function (i, j) {
    var e = state.visible.edges[i], el = state.edgeElements[j], sent = null;
    e.members.forEach(function (m) { var edge = data.edges[m]; if (edge.step !== undefined && edge.step <= k) sent = edge; });
    var label = el.lastChild;
    if (sent) {
      el.setAttribute("data-sent", sent.step === k ? "current" : "true");
      if (e.members.length === 1) {
        var at = state.layout.labels && state.layout.labels[i];
        if (!at) { // the middle of the path
          var pts = state.layout.paths[i], mid = pts[Math.floor((pts.length - 1) / 2)], end = pts[Math.ceil((pts.length - 1) / 2)];
          at = { x: (mid.x + end.x) / 2, y: (mid.y + end.y) / 2 - 4 };
        }
        label.setAttribute("x", at.x.toFixed(1));
        label.setAttribute("y", at.y.toFixed(1));
        label.textContent = ndg.edgeText(sent);
      }
    } else {
      el.removeAttribute("data-sent");
      label.textContent = "";
    }
  });
  var index = state.root.querySelector("[data-role=step-index]");
  index.textContent = k + " / " + data.steps.length;
  state.root.querySelector("[data-role=step-slider]").value = String(k);
  var caption = state.root.querySelector("[data-role=step-caption]");
  caption.textContent = ndg.stepCaption(state, k);
  ndg.writeHash(state);
  if (state.selected) ndg.showDetails(state, state.selected);
};

ndg.stepCaption = function (state, k) {
  if (!state.data.steps.length) return state.data.notes.length ? state.data.notes[0] : "";
  if (k === 0) return "Forward pass done. Step through backward: \u25b6 or \u2192.";
  var s = state.data.steps[k - 1], node = state.byId[s.node];
  if (node.kind === "op") {
    var out = state.byId[node.output];
    return "Step " + k + ": " + node.node + (out.label ? " (output " + out.label + ")" : "") +
           " received its complete gradient and sends one to each input.";
  }
  return "Step " + k + ": leaf " + (node.label || ndg.shapeText(node.shape)) + " receives its total gradient into .grad.";
};

ndg.setStep = function (state, k) {
  state.step = Math.max(0, Math.min(state.data.steps.length, k));
  var current = state.step > 0 ? state.visible.rep[state.data.steps[state.step - 1].node] : null;
  if (current && !state.elements[current]) state.reveal(current); // follow backward in a large graph
  ndg.applyStep(state);
};

ndg.installStepControls = function (state) {
  var root = state.root, timer = null;
  var play = root.querySelector("[data-role=step-play]");
  function stop() { if (timer) { clearInterval(timer); timer = null; play.textContent = "\u25b6 play"; } }
  root.querySelector("[data-role=step-next]").addEventListener("click", function () { stop(); ndg.setStep(state, state.step + 1); });
  root.querySelector("[data-role=step-prev]").addEventListener("click", function () { stop(); ndg.setStep(state, state.step - 1); });
  var slider = root.querySelector("[data-role=step-slider]");
  slider.max = String(state.data.steps.length);
  slider.addEventListener("input", function () { stop(); ndg.setStep(state, parseInt(slider.value, 10)); });
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (state.step >= state.data.steps.length) ndg.setStep(state, 0);
    play.textContent = "\u275a\u275a pause";
    timer = setInterval(function () {
      if (state.step >= state.data.steps.length) { stop(); return; }
      ndg.setStep(state, state.step + 1);
    }, 700);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.target && ev.target.tagName === "INPUT") return;
    if (ev.key === "ArrowRight") { stop(); ndg.setStep(state, state.step + 1); }
    if (ev.key === "ArrowLeft") { stop(); ndg.setStep(state, state.step - 1); }
  });
};

// URL hash: #step=7&node=h2 (a node id, or a tensor's name).
ndg.readHash = function (state) {
  var params = {};
  (window.location.hash || "").replace(/^#/, "").split("&").forEach(function (kv) {
    var i = kv.indexOf("=");
    if (i > 0) params[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
  });
  if (params.step !== undefined && /^\d+$/.test(params.step)) {
    state.step = Math.min(parseInt(params.step, 10), state.data.steps.length);
  }
  if (params.node) state.selected = ndg.findNode(state, params.node);
  if (params.view === "training") state.showTraining = true;
};

ndg.findNode = function (state, key) {
  if (state.byId[key]) return key;
  var found = state.data.nodes.filter(function (n) { return n.names && n.names.indexOf(key) >= 0; });
  return found.length ? found[0].id : null;
};

ndg.writeHash = function (state) {
  var parts = ["step=" + state.step];
  if (state.selected) parts.push("node=" + encodeURIComponent(state.selected));
  if (state.showTraining) parts.push("view=training");
  var hash = "#" + parts.join("&");
  if (window.location.hash === hash) return;
  try { history.replaceState(null, "", hash); } catch (err) { window.location.hash = hash; }
};
