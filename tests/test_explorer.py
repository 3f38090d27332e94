"""The explorer's Python side: its JSON document, the backward replay, the Recorder, the page.

The browser side (drawing, stepping, clicking, the URL hash) is tested in
``test_explorer_browser.py``.
"""

import json
import math

import numpy as np
import pytest
from conftest import micrograd_expression

import autograd as ag
import nn
from autograd.viz import Explorer, Recorder, explore
from autograd.viz.explorer_data import rule_of
from autograd.viz.tensor_views import HEAT_SIDE, MAX_VALUES, tensor_view


def mlp_loss(seed=0):
    ag.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    x = ag.randn(5, 4)
    y = ag.tensor([0, 1, 2, 1, 0])
    loss = nn.CrossEntropyLoss()(model(x), y)
    return model, x, y, loss


def by_id(data):
    return {n["id"]: n for n in data["nodes"]}


def named(data, name):
    (node,) = [n for n in data["nodes"] if name in n.get("names", ())]
    return node


def test_scalar_graph_nodes_edges_and_the_engines_order():
    env = micrograd_expression()
    data = explore(env["L"], names=env).data
    assert data["scalar"] is True
    kinds = sorted(n["kind"] for n in data["nodes"])
    assert kinds == ["intermediate", "intermediate", "leaf", "leaf", "leaf", "leaf",
                     "op", "op", "op", "output"]
    nodes = by_id(data)
    order = [s.name for s in ag.backward_steps(env["L"], names=env, retain_graph=True)]
    shown = []
    for step in data["steps"]:
        node = nodes[step["node"]]
        shown.append(node["node"] if node["kind"] == "op" else node["label"])
    assert [name.split(": ")[-1].split("#")[0] for name in order] == shown
    # what the rules sent: dL/da = f * b = 6, dL/db = f * a = -4, dL/dc = f = -2, dL/df = d = 4
    sent = {nodes[e["from"]]["label"]: e["grad"]["values"][0] for e in data["edges"] if "grad" in e}
    assert sent == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0, "e": -2.0, "d": -2.0}
    leaf_steps = {nodes[s["node"]]["label"]: s["grad"]["values"][0] for s in data["steps"]
                  if nodes[s["node"]]["kind"] == "leaf"}
    assert leaf_steps == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
    assert named(data, "e")["data"]["values"] == [-6.0]


def test_explore_leaves_every_grad_as_it_was():
    env = micrograd_expression()
    env["e"].retain_grad()
    env["a"].grad = ag.tensor(100.0)
    explore(env["L"], names=env)
    assert env["a"].grad.item() == 100.0 and env["b"].grad is None and env["e"].grad is None
    env["L"].backward()  # the graph was retained: backward still works and gives the usual sums
    assert env["a"].grad.item() == 106.0 and env["e"].grad.item() == -2.0


def test_mlp_clusters_params_and_final_grads_equal_backward():
    model, x, y, loss = mlp_loss()
    data = explore(loss, module=model, names={"loss": loss}).data
    labels = sorted(c["label"] for c in data["clusters"])
    assert labels == ["0 (Linear)", "1 (ReLU)", "2 (Linear)", "Sequential"]
    params = {n["label"]: n for n in data["nodes"] if n["kind"] == "param"}
    assert sorted(params) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    nodes = by_id(data)
    final = {nodes[s["node"]]["label"]: s["grad"] for s in data["steps"]
             if nodes[s["node"]]["kind"] == "param"}
    loss.backward()
    for name, p in model.named_parameters():
        view = final[name]
        expected = p.grad.numpy().astype(np.float64)
        if "values" in view:
            np.testing.assert_array_equal(np.array(view["values"]).reshape(view["shape"]), expected)
        assert view["norm"] == pytest.approx(float(np.linalg.norm(expected)), rel=1e-6)
    clusters = {c["id"]: c["label"] for c in data["clusters"]}
    assert clusters[params["0.weight"]["cluster"]].startswith("0 (Linear)")


def test_unbroadcast_is_marked_where_the_engine_summed():
    w = ag.ones(3, requires_grad=True)
    x = ag.ones(2, 3, requires_grad=True)
    u = w.unsqueeze(0)  # (1, 3) from (3,): a reshape, nothing summed
    loss = (x * w).sum() + (u * 2).sum()
    data = explore(loss, names=locals()).data
    nodes = by_id(data)
    marks = sorted((nodes[e["to"]]["op"], nodes[e["from"]]["label"], e["unbroadcast"])
                   for e in data["edges"] if "step" in e)
    assert marks == [("add", "", None), ("add", "", None), ("mul", "u", None),
                     ("mul", "w", "(2, 3) -> (3,)"), ("mul", "x", None), ("sum", "", None),
                     ("sum", "", None), ("unsqueeze", "w", None)]


def test_inputs_limits_the_replay_like_backward_inputs():
    env = micrograd_expression()
    data = explore(env["L"], names=env, inputs=[env["a"]]).data
    nodes = by_id(data)
    leaves = [nodes[s["node"]]["label"] for s in data["steps"] if nodes[s["node"]]["kind"] == "leaf"]
    assert leaves == ["a"]


def test_after_backward_the_page_says_why_there_are_no_steps():
    env = micrograd_expression()
    env["L"].backward()
    data = explore(env["L"], names=env).data
    assert data["steps"] == [] and "backward()" in data["notes"][0]
    assert named(data, "a")["grad"]["values"] == [6.0]  # the .grad backward left


def test_non_scalar_root_is_drawn_without_replay():
    x = ag.ones(3, requires_grad=True)
    data = explore(x * 2).data
    assert data["steps"] == [] and "scalar" in data["notes"][0]


def test_steps_from_backward_steps_are_used_as_given():
    env = micrograd_expression()
    steps = list(ag.backward_steps(env["L"], names=env))
    data = explore(env["L"], names=env, steps=steps).data
    assert len(data["steps"]) == len(steps) == 7


@pytest.mark.parametrize("call, error, words", [
    (lambda: explore(np.ones(2)), TypeError, "root 0 must be a Tensor"),
    (lambda: explore(), TypeError, "at least one Tensor"),
    (lambda: explore(ag.ones(1, requires_grad=True) * 2, inputs=[ag.ones(1)]), ValueError,
     "inputs[0] must be a Tensor that requires grad"),
    (lambda: explore(ag.ones(1, requires_grad=True) * 2, training=[1.0]), TypeError,
     "training must be an ag.viz.Recorder"),
    (lambda: Recorder(object()), TypeError, "module must be an nn.Module"),
    (lambda: explore(ag.ones(1, requires_grad=True) * 2, names=0), TypeError,
     "names must be a mapping"),
    (lambda: explore(ag.ones(1, requires_grad=True) * 2, module=0), TypeError,
     "module must be an nn.Module"),
    (lambda: explore(ag.ones(1, requires_grad=True) * 2, steps=(0, 1)), TypeError,
     "steps must be the steps of ag.backward_steps"),
    (lambda: Recorder(nn.Linear(2, 2), every=0), ValueError, "every must be a positive int"),
])
def test_bad_arguments_are_explained(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_rule_is_the_docstring_math():
    a = ag.ones(2, requires_grad=True)
    assert rule_of((a * a).grad_fn) == "a * b; d/da = b, d/db = a."


def test_tensor_view_small_large_and_non_finite():
    small = tensor_view(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert small["values"] == [0, 1, 2, 3, 4, 5] and small["shape"] == [2, 3] and "heat" not in small
    assert tensor_view(np.float32(0.1))["values"] == [float(np.float32(0.1))]  # exact float32
    big = np.arange(100 * 50, dtype=np.float64).reshape(100, 50)
    view = tensor_view(big)
    assert "values" not in view and view["size"] == 5000 > MAX_VALUES
    heat = view["heat"]
    assert (heat["rows"], heat["cols"]) == (HEAT_SIDE, HEAT_SIDE)
    assert heat["values"][0] == pytest.approx(big[:4, :2].mean())  # rows 0-3 (100/24), cols 0-1
    assert sum(view["hist"]["counts"]) == 5000 and view["max"] == 4999.0
    assert view["norm"] == pytest.approx(float(np.linalg.norm(big)))
    odd = tensor_view(np.array([1.0, np.nan, np.inf, -np.inf]))
    assert odd["values"] == [1.0, "nan", "inf", "-inf"] and odd["max"] == 1.0
    json.dumps(odd, allow_nan=False)


def test_recorder_norms_per_layer():
    model, x, y, loss = mlp_loss()
    rec = Recorder(model)
    loss.backward()
    rec.record(loss)
    rec.record(2.5)
    assert rec.steps == [1, 2] and rec.loss == [loss.item(), 2.5]
    first = math.sqrt(float((model[0].weight.grad.numpy().astype(np.float64) ** 2).sum()
                            + (model[0].bias.grad.numpy().astype(np.float64) ** 2).sum()))
    assert list(rec.norms) == ["0", "2"]
    assert rec.norms["0"][0] == pytest.approx(first, rel=1e-9)
    training = explore(loss, module=model, training=rec).data["training"]
    assert training["layers"][0] == {"name": "0", "norms": rec.norms["0"]}
    model.zero_grad()
    rec.record(loss)
    assert rec.norms["0"][-1] is None  # no gradients at that step
    every = Recorder(model, every=2)
    for _ in range(5):
        every.record(1.0)
    assert every.steps == [1, 3, 5]


def test_page_is_self_contained_and_escapes_the_data():
    x = ag.ones(2, requires_grad=True)
    evil = x * 2
    page = explore(evil.sum(), names={"</script><b>": evil}).html()
    assert "</script><b>" not in page.split('id="ndgrad-data">', 1)[1].split("</script>", 1)[0]
    assert "{{" not in page.split("<script>", 1)[0]
    for needle in ('src="http', "src='http", "<link", "@import", "url(http"):
        assert needle not in page
    assert "dagre" in page and "ndg.boot" in page
    html = explore(evil.sum())._repr_html_()
    assert html.startswith("<iframe srcdoc=") and "&lt;script" in html


def test_save_writes_the_page(tmp_path):
    env = micrograd_expression()
    ex = explore(env["L"], names=env)
    assert isinstance(ex, Explorer) and "7 backward steps" in repr(ex)
    path = ex.save(tmp_path / "e.html")
    text = (tmp_path / "e.html").read_text(encoding="utf-8")
    assert path.endswith("e.html") and text == ex.html()
