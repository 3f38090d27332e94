// Start the explorer: read the JSON document (explorer_data.py), draw, wire the controls.
//
// The page is ready for tests when <body data-ready="true">; an error in any script sets
// data-error on <body> and shows the message (a broken page is never silently blank).
"use strict";
var ndg = window.ndg || (window.ndg = {});

ndg.boot = function () {
  var data = JSON.parse(document.getElementById("ndgrad-data").textContent);
  var root = document.getElementById("ndgrad-explorer");
  var state = ndg.state = {
    data: data, root: root, step: 0, selected: null, collapsed: {}, byId: {}, clusterNode: {},
    clusterMembers: {}, svg: root.querySelector("svg.graph"), viewport: root.querySelector("svg.graph > g.viewport")
  };
  data.nodes.forEach(function (n) { state.byId[n.id] = n; });
  var parentOf = {};
  data.clusters.forEach(function (c) {
    parentOf[c.id] = c.parent;
    state.clusterNode[c.id] = { id: c.id, kind: "cluster", label: c.label };
    state.clusterMembers[c.id] = [];
  });
  data.nodes.forEach(function (n) {
    for (var c = n.cluster; c; c = parentOf[c]) state.clusterMembers[c].push(n.id);
  });
  // Large graphs start collapsed by module, outermost first, until few enough nodes are drawn.
  if (data.nodes.length > ndg.COLLAPSE_ABOVE) {
    var depth = {};
    data.clusters.forEach(function (c) { depth[c.id] = c.parent ? depth[c.parent] + 1 : 0; });
    var byDepth = data.clusters.slice().sort(function (a, b) { return depth[a.id] - depth[b.id]; });
    byDepth.forEach(function (c) { if (!c.parent || !state.collapsed[c.parent]) state.collapsed[c.id] = true; });
    // then re-open from the outside in while the drawing stays small
    byDepth.forEach(function (c) {
      if (!state.collapsed[c.id] || (c.parent && state.collapsed[c.parent])) return;
      delete state.collapsed[c.id];
      if (ndg.visibleGraph(state).nodes.length > ndg.COLLAPSE_ABOVE) state.collapsed[c.id] = true;
    });
  }
  ndg.prepareSteps(state);
  ndg.readHash(state);
  if (state.selected) ndg.expandTo(state, state.selected);
  ndg.installPanZoom(state);
  ndg.installStepControls(state);
  ndg.installClicks(state);
  ndg.installTabs(state);
  ndg.render(state);
  ndg.renderTraining(state);
  ndg.showTab(state, state.showTraining || !data.nodes.length ? "training" : "graph");
  state.fit();
  if (state.selected) state.reveal(state.selected);
  else if (state.step > 0 && data.nodes.length > ndg.MAX_DRAWN) state.reveal(data.steps[state.step - 1].node);
  root.querySelector("[data-role=notes]").textContent = data.notes.join(" ");
  root.querySelector("[data-role=size]").textContent = data.nodes.length + " nodes, " +
    data.steps.length + " backward steps";
  document.body.setAttribute("data-ready", "true");
};

// Expand every collapsed cluster around node `id`.
ndg.expandTo = function (state, id) {
  var node = state.byId[id], parentOf = {};
  state.data.clusters.forEach(function (c) { parentOf[c.id] = c.parent; });
  for (var c = node ? node.cluster : null; c; c = parentOf[c]) delete state.collapsed[c];
};

ndg.select = function (state, id) {
  state.selected = id;
  ndg.applyStep(state);
};

ndg.toggleCluster = function (state, id) {
  if (state.collapsed[id]) delete state.collapsed[id]; else state.collapsed[id] = true;
  if (state.selected && !state.byId[state.selected]) state.selected = null;
  ndg.render(state);
};

ndg.installClicks = function (state) {
  state.root.addEventListener("click", function (ev) {
    var target = ev.target;
    var go = target.closest("[data-goto]");
    if (go) { ev.preventDefault(); ndg.expandTo(state, go.getAttribute("data-goto")); ndg.render(state);
              ndg.select(state, go.getAttribute("data-goto")); state.reveal(state.selected); return; }
    if (state.isDragging && state.isDragging()) return;
    var toggle = target.closest("[data-toggle]");
    if (toggle) { ndg.toggleCluster(state, toggle.getAttribute("data-toggle")); return; }
    var node = target.closest("[data-node]");
    if (node && state.svg.contains(node)) {
      var id = node.getAttribute("data-node");
      if (node.getAttribute("data-kind") === "cluster" && state.selected === id) { ndg.toggleCluster(state, id); return; }
      ndg.select(state, id);
    }
  });
  state.root.querySelector("[data-role=fit]").addEventListener("click", function () { state.fit(); });
  state.root.querySelector("[data-role=expand-all]").addEventListener("click", function () {
    state.collapsed = {}; ndg.render(state); state.fit();
  });
  state.root.querySelector("[data-role=collapse-all]").addEventListener("click", function () {
    state.data.clusters.forEach(function (c) { if (!c.parent) state.collapsed[c.id] = true; });
    ndg.render(state); state.fit();
  });
};

ndg.installTabs = function (state) {
  state.root.querySelectorAll("[data-tab]").forEach(function (b) {
    b.addEventListener("click", function () { ndg.showTab(state, b.getAttribute("data-tab")); });
  });
  if (!state.data.training) state.root.querySelector("[data-tab=training]").hidden = true;
};

ndg.showTab = function (state, tab) {
  state.showTraining = tab === "training";
  state.root.querySelector("[data-role=graph-view]").hidden = state.showTraining;
  state.root.querySelector("[data-role=training]").hidden = !state.showTraining;
  state.root.querySelectorAll("[data-tab]").forEach(function (b) {
    b.setAttribute("aria-pressed", String(b.getAttribute("data-tab") === tab));
  });
  if (!state.showTraining) state.fit();
  ndg.writeHash(state);
};

window.addEventListener("error", function (ev) {
  document.body.setAttribute("data-error", String(ev.message));
  var box = document.getElementById("ndgrad-error");
  if (box) { box.hidden = false; box.textContent = "Explorer error: " + ev.message; }
});
document.addEventListener("DOMContentLoaded", ndg.boot);
