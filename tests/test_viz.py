"""Graph drawing (autograd.viz): DOT structure, labels, styles, module clusters, limits,
the missing-Graphviz error, rendering, and backward_steps."""

import gc
import re
import shutil
import time
import weakref

import numpy as np
import pytest
from conftest import micrograd_expression

import autograd as ag
import nn
from autograd.engine import topological_order
from autograd.viz import BackwardStep, GraphvizNotFoundError

NODE = re.compile(r"^\s*(v\d+|op\d+|more) \[(.*)\]$")
EDGE = re.compile(r"^\s*(\w+) -> (\w+)")


def parse(src):
    """Nodes {id: attribute text}, edges [(a, b)], cluster of each node, cluster labels and
    the parent of each cluster."""
    nodes, edges, home, labels, parents, stack = {}, [], {}, {}, {}, []
    for line in src.splitlines()[1:-1]:
        if m := re.match(r"^\s*subgraph (cluster_\d+) \{", line):
            parents[m.group(1)] = stack[-1] if stack else None
            stack.append(m.group(1))
        elif line.strip() == "}":
            stack.pop()
        elif (m := re.match(r'^\s*label="([^"]*)" labelloc=t', line)) and stack:
            labels[stack[-1]] = m.group(1)
        elif m := NODE.match(line):
            nodes[m.group(1)] = m.group(2)
            home[m.group(1)] = stack[-1] if stack else None
        elif m := EDGE.match(line):
            edges.append((m.group(1), m.group(2)))
    assert not stack
    return nodes, edges, home, labels, parents


def label_of(attrs):
    return re.match(r'label="((?:[^"\\]|\\.)*)"', attrs).group(1)


def node_named(nodes, name):
    found = [k for k, attrs in nodes.items() if label_of(attrs).split("\\n")[0] == name
             or re.match(r"\{ " + re.escape(name) + r" \|", label_of(attrs))]
    assert len(found) == 1, (name, found)
    return found[0]


def fill(attrs):
    return re.search(r'fillcolor="([^"]+)"', attrs).group(1)


# ---- structure and labels ---------------------------------------------------------------
def test_known_expression_nodes_edges_and_op_labels():
    x = ag.randn(3, 4, requires_grad=True)
    w = ag.randn(4, 2, requires_grad=True)
    y = ag.randn(3, 2)  # a constant: not part of the graph
    loss = ((x @ w - y).relu() ** 2).mean()
    nodes, edges, *_ = parse(ag.to_dot(loss, names={"x": x, "w": w, "loss": loss}))
    ops = sorted(label_of(a) for k, a in nodes.items() if k.startswith("op"))
    assert ops == ["matmul", "mean", "pow", "relu", "sub"]  # one node per user-level op
    assert len([k for k in nodes if k.startswith("v")]) == 5 + 2  # op outputs + 2 leaves
    # op -> its output (5), and each op's inputs that require grad: matmul 2, others 1
    assert len(edges) == 5 + 6
    assert label_of(nodes[node_named(nodes, "x")]) == "x\\n(3, 4) float32"
    assert label_of(nodes[node_named(nodes, "loss")]) == "loss\\n() float32"
    w_id, mm = node_named(nodes, "w"), next(k for k, a in nodes.items() if "matmul" in a)
    assert (w_id, mm) in edges and (node_named(nodes, "x"), mm) in edges


def test_names_ignore_non_tensors_and_private_names():
    x = ag.ones(2, requires_grad=True)
    y = (x * 3).sum()
    src = ag.to_dot(y, names={"x": x, "y": y, "_": x, "n": 3, "s": "text", "arr": np.ones(2)})
    nodes, *_ = parse(src)
    labels = [label_of(a).split("\\n")[0] for a in nodes.values()]
    assert "x" in labels and "y" in labels and "_" not in labels
    assert ag.to_dot(y, names=None).count("[label=") == src.count("[label=")


def test_leaf_parameter_root_and_op_styles_are_distinct():
    model = nn.Linear(3, 1)
    x = ag.randn(2, 3, requires_grad=True)
    out = model(x).sum()
    nodes, *_ = parse(ag.to_dot(out, module=model, names={"x": x, "out": out}))
    leaf, param, root = (nodes[node_named(nodes, n)] for n in ("x", "weight", "out"))
    inner = nodes[next(k for k, a in nodes.items() if k.startswith("v") and
                       label_of(a).startswith("("))]
    op = nodes[next(k for k in nodes if k.startswith("op"))]
    assert len({fill(leaf), fill(param), fill(root), fill(inner), fill(op)}) == 5
    assert "peripheries=2" in root and "rounded" in param and "shape=ellipse" in op
    assert "peripheries" not in leaf + param + inner


def test_gradient_summary_appears_after_backward():
    x = ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = (x * x).sum()
    before = ag.to_dot(y, names={"x": x})
    assert "grad" not in before.split("label=", 2)[2]  # no gradients known yet
    y.backward()
    nodes, *_ = parse(ag.to_dot(y, names={"x": x}))
    norm = np.linalg.norm(2 * np.arange(6.0))
    assert f"grad norm {norm:.4g}, max|g| 10" in label_of(nodes[node_named(nodes, "x")])
    hidden = ag.to_dot(y, names={"x": x}, show_grad=False, show_shapes=False)
    assert "grad" not in hidden.split("label=", 2)[2] and "float32" not in hidden


def test_drawing_after_backward_keeps_the_structure():
    x = ag.randn(4, 3, requires_grad=True)
    h = (x @ ag.randn(3, 3, requires_grad=True)).tanh()
    loss = (h * h + h).sum()
    before = parse(ag.to_dot(loss))
    loss.backward()  # releases the saved arrays
    with pytest.raises(RuntimeError, match="retain_graph"):
        loss.backward()
    after = parse(ag.to_dot(loss, names={"x": x}))
    assert set(before[0]) == set(after[0]) and sorted(before[1]) == sorted(after[1])
    assert "grad norm" in label_of(after[0][node_named(after[0], "x")])


def test_multiple_roots_and_a_root_that_is_a_leaf():
    x = ag.ones(2, requires_grad=True)
    a, b = (x * 2).sum(), (x + 1).sum()
    nodes, edges, *_ = parse(ag.to_dot(a, b, x))
    assert len([k for k in nodes if k.startswith("op")]) == 4
    assert sum("peripheries=2" in attrs for attrs in nodes.values()) == 3
    with pytest.raises(ValueError, match="rankdir"):
        ag.to_dot(a, rankdir="sideways")
    assert "rankdir=TB" in ag.to_dot(a, rankdir="TB")


# ---- micrograd-style scalar graphs ------------------------------------------------------
def test_scalar_graph_uses_records_with_data_and_grad():
    v = micrograd_expression()
    v["e"].retain_grad()
    v["L"].backward()
    src = ag.to_dot(v["L"], names=v)
    assert '"{ a | data 2.0000 | grad 6.0000 }" shape=record' in src
    assert '"{ b | data -3.0000 | grad -4.0000 }"' in src
    assert '"{ c | data 10.0000 | grad -2.0000 }"' in src
    assert '"{ f | data -2.0000 | grad 4.0000 }"' in src
    assert '"{ e | data -6.0000 | grad -2.0000 }"' in src  # retained
    assert '"{ d | data 4.0000 | grad - }"' in src  # not kept: the legend says why
    assert "retain_grad()" in src  # legend explains "grad -"
    assert "data " not in ag.to_dot(v["L"], names=v, show_data=False, legend=False)


def test_scalar_graph_with_backward_steps_shows_every_gradient():
    v = micrograd_expression()
    steps = list(ag.backward_steps(v["L"]))
    src = ag.to_dot(v["L"], names=v, steps=steps)
    assert '"{ L | data -8.0000 | grad 1.0000 }"' in src
    assert '"{ d | data 4.0000 | grad -2.0000 }"' in src
    assert '"{ e | data -6.0000 | grad -2.0000 }"' in src
    assert "grad - }" not in src and "retain_grad" not in src


def test_scalar_data_before_backward_comes_from_saved_values():
    a = ag.tensor(3.0, requires_grad=True)
    y = (a * a).sin().exp()  # sin saves its input (a * a); exp saves only its output
    src = ag.to_dot(y)
    for value in (3.0, 9.0, np.exp(np.sin(9.0))):
        assert f"data {value:.4f}" in src
    assert src.count("data -") == 1  # sin's output: no one saved it
    y.backward()  # saved values are released: the unnamed intermediates lose their data
    assert "data 3.0000" in ag.to_dot(y) and "data 9.0000" not in ag.to_dot(y)


# ---- module clusters --------------------------------------------------------------------
def mlp_loss():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    loss_fn = nn.MSELoss()
    loss = loss_fn(model(ag.randn(5, 3)), ag.randn(5, 1))
    return model, loss_fn, loss


def test_two_layer_sequential_clusters():
    model, loss_fn, loss = mlp_loss()
    loss.backward()
    nodes, edges, home, labels, parents = parse(
        ag.to_dot(loss, module=model, names={"model": model, "loss_fn": loss_fn}))
    by_label = {label: c for c, label in labels.items()}
    assert set(by_label) == {"model (Sequential)", "0 (Linear)", "1 (ReLU)", "2 (Linear)",
                             "loss_fn (MSELoss)"}
    for inner in ("0 (Linear)", "1 (ReLU)", "2 (Linear)"):
        assert parents[by_label[inner]] == by_label["model (Sequential)"]
    assert parents[by_label["loss_fn (MSELoss)"]] is None

    def ops_in(label):
        return sorted(label_of(nodes[k]) for k, c in home.items()
                      if c == by_label[label] and k.startswith("op"))

    linear_ops = ops_in("0 (Linear)")  # however nn.Linear is built from ops
    assert linear_ops and ops_in("2 (Linear)") == linear_ops and "relu" not in linear_ops
    assert ops_in("1 (ReLU)") == ["relu"]
    all_ops = sorted(label_of(a) for k, a in nodes.items() if k.startswith("op"))
    assert all_ops == sorted(2 * linear_ops + ["relu", "mse_loss"])
    assert ops_in("loss_fn (MSELoss)") == ["mse_loss"]  # one fused node, as PyTorch's
    assert ops_in("model (Sequential)") == []  # every op is in a layer
    for name, layer in [("0.weight", "0 (Linear)"), ("0.bias", "0 (Linear)"),
                        ("2.weight", "2 (Linear)"), ("2.bias", "2 (Linear)")]:
        param = node_named(nodes, name)
        assert home[param] == by_label[layer] and "grad" in label_of(nodes[param])
    # without module=: the same graph, no clusters
    plain = parse(ag.to_dot(loss))
    assert not plain[3] and set(plain[0]) == set(nodes)


def test_cluster_labels_without_names_and_named_submodules():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(2, 3), nn.Linear(3, 1)

        def forward(self, x):
            return self.fc2(self.fc1(x).tanh())

    net = Net()
    out = net(ag.randn(4, 2, requires_grad=True)).sum()
    _, _, home, labels, parents = parse(ag.to_dot(out, module=net))
    assert sorted(labels.values()) == ["Net", "fc1 (Linear)", "fc2 (Linear)"]
    tanh_home = {c for k, c in home.items() if k.startswith("op")} - set(
        c for c, label in labels.items() if "Linear" in label)
    assert {labels[c] for c in tanh_home if c} == {"Net"}  # tanh belongs to Net itself


def test_module_called_twice_gets_two_clusters():
    layer = nn.Linear(2, 2)
    x = ag.randn(3, 2, requires_grad=True)
    out = layer(layer(x)).sum()
    _, _, home, labels, _ = parse(ag.to_dot(out, module=layer))
    assert sorted(labels.values()) == ["Linear call 1", "Linear call 2"]
    in_calls = [k for k, c in home.items() if c and k.startswith("op")]
    assert len(in_calls) == len([k for k in home if k.startswith("op")]) - 1  # all but sum
    assert len([k for k in in_calls if home[k] == home[in_calls[0]]]) * 2 == len(in_calls)


def test_fallback_clusters_from_parameters_when_forward_is_called_directly():
    model = nn.Sequential(nn.Linear(2, 2))
    out = nn.functional.linear(ag.randn(3, 2), model[0].weight, model[0].bias).sum()
    _, _, home, labels, _ = parse(ag.to_dot(out, module=model))
    assert list(labels.values()) == ["0 (Linear)"]  # the ops that read 0.weight / 0.bias


def test_module_call_records_keep_nothing_alive():
    model = nn.Linear(2, 1)
    x = ag.randn(3, 2, requires_grad=True)
    out = model(x)
    module_ref, node_ref = weakref.ref(model), weakref.ref(out.grad_fn)
    del model
    assert module_ref() is None  # the graph does not hold the module
    with ag.no_grad():
        assert nn.Linear(2, 1)(x).grad_fn is None
    del out
    assert node_ref() is None  # and no cycle keeps the graph (no gc needed)
    gc.collect()


# ---- large graphs -----------------------------------------------------------------------
def chain(n):
    x = ag.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0001
    return x, y


def test_ten_thousand_op_chain_is_iterative_and_quick():
    x, y = chain(10_000)
    start = time.perf_counter()
    nodes, edges, *_ = parse(ag.to_dot(y, max_nodes=None))
    assert time.perf_counter() - start < 10
    assert len(nodes) == 2 * 10_000 + 1 and len(edges) == 2 * 10_000
    y.backward()
    assert len(parse(ag.to_dot(y, max_nodes=None))[0]) == 20_001


def test_max_nodes_truncates_with_a_visible_note():
    _, y = chain(10_000)
    src = ag.to_dot(y)  # max_nodes=500
    nodes, edges, *_ = parse(src)
    assert "... 9,501 more nodes not shown (max_nodes=500)" in src
    assert len([k for k in nodes if k.startswith("op")]) == 500 and "more" in nodes
    assert ("more", "op499") in edges  # the cut is marked where the hidden part begins
    small = parse(ag.to_dot(y, max_nodes=10))[0]
    assert len(small) == 2 * 10 + 1


# ---- rendering --------------------------------------------------------------------------
def test_draw_graph_is_a_digraph_with_the_same_source():
    graphviz = pytest.importorskip("graphviz")
    model, _, loss = mlp_loss()
    g = ag.draw_graph(loss, module=model)
    assert isinstance(g, graphviz.Digraph)
    assert g.source == ag.to_dot(loss, module=model)


def test_missing_dot_program_explains_how_to_install(monkeypatch, tmp_path):
    pytest.importorskip("graphviz")
    x = ag.ones(2, requires_grad=True)
    y = (x * 2).sum()
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here
    assert shutil.which("dot") is None
    g = ag.draw_graph(y)
    for attempt in (lambda: g.render(directory=tmp_path, format="svg"),
                    lambda: g.save_as(tmp_path / "graph.png"),
                    lambda: g.pipe(format="svg")):
        with pytest.raises(GraphvizNotFoundError) as err:
            attempt()
        for hint in ("apt-get install graphviz", "brew install graphviz",
                     "conda install graphviz"):
            assert hint in str(err.value)
    assert "conda install graphviz" in g._repr_mimebundle_()["text/plain"]
    assert ag.to_dot(y).startswith("digraph {")  # DOT text needs no program


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_render_svg_and_png(tmp_path):
    model, loss_fn, loss = mlp_loss()
    loss.backward()
    g = ag.draw_graph(loss, module=model, names={"loss_fn": loss_fn})
    out = g.save_as(tmp_path / "graph.svg")
    svg = (tmp_path / "graph.svg").read_text()
    assert out.endswith("graph.svg") and "<svg" in svg and "0.weight" in svg
    assert "fc1" not in svg and "2 (Linear)" in svg
    assert not list(tmp_path.glob("*.gv"))
    assert (tmp_path / "g.png").exists() is False
    g.save_as(tmp_path / "g.png")
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    assert "image/svg+xml" in g._repr_mimebundle_()


# ---- backward_steps ---------------------------------------------------------------------
def diamond():
    ag.manual_seed(1)
    w = ag.randn(3, 3, requires_grad=True)
    x = ag.randn(2, 3, requires_grad=True)
    h = (x @ w).tanh()
    loss = (h * h + h.exp() * x.sum()).mean()  # h feeds two ops, x three
    return w, x, loss


def test_backward_steps_follow_the_engine_and_match_backward():
    w1, x1, loss1 = diamond()
    order = topological_order([loss1.grad_fn])
    steps = list(ag.backward_steps(loss1, names={"w": w1, "x": x1}))
    assert all(isinstance(s, BackwardStep) for s in steps)
    assert [s.node for s in steps[:len(order)]] == order  # the engine's order
    assert [s.op for s in steps[len(order):]] == ["leaf", "leaf"]
    assert {s.name for s in steps[len(order):]} == {"w", "x"}
    assert [s.index for s in steps] == list(range(1, len(steps) + 1))
    w2, x2, loss2 = diamond()
    loss2.backward()
    np.testing.assert_allclose(w1.grad.detach().numpy(), w2.grad.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(x1.grad.detach().numpy(), x2.grad.detach().numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="retain_graph"):
        loss1.backward()  # the graph was released, as backward() would


def test_backward_steps_are_dynamic_programming():
    """Each node's received gradient is the sum of what earlier steps sent to it."""
    _, _, loss = diamond()
    steps = list(ag.backward_steps(loss))
    np.testing.assert_array_equal(steps[0].grad, np.ones(()))
    for i, step in enumerate(steps[1:], 1):
        sent = [g for s in steps[:i] for t, (_, g) in zip(s.targets, s.sends) if t is step.node]
        assert sent, step.name
        np.testing.assert_allclose(step.grad, sum(sent), rtol=1e-6)
    h_node = next(s for s in steps if s.op == "tanh")
    assert sum(t is h_node.node for s in steps for t in s.targets) == 3  # h*h twice, exp once


def test_backward_steps_one_at_a_time():
    v = micrograd_expression()
    steps = ag.backward_steps(v["L"], names=v)
    first = next(steps)
    assert ag.is_grad_enabled()  # the user's grad mode while the walk is paused
    assert v["a"].grad is None  # leaves are written at the end, as in the engine
    assert first.name == "L: MulBackward0#1" and first.op == "mul"
    assert [label for label, _ in first.sends] == ["d: AddBackward0#1", "f"]
    assert str(first) == ("step 1: L: MulBackward0#1 received grad 1.0000; "
                          "sends grad -2.0000 -> d: AddBackward0#1; grad 4.0000 -> f")
    rest = list(steps)
    assert str(rest[-1]).endswith("(added to .grad)")
    assert float(v["a"].grad) == 6.0 and float(v["b"].grad) == -4.0


def test_backward_steps_rejects_a_tensor_without_grad():
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        ag.backward_steps(ag.ones(2).sum())
    x = ag.ones(2, requires_grad=True)
    steps = list(ag.backward_steps(x * 2, gradient=np.array([1.0, 3.0])))
    np.testing.assert_array_equal(x.grad.detach().numpy(), [2.0, 6.0])
    assert steps[-1].node is x
