"""Node names: ``y.grad_fn`` is named as PyTorch (2.13) names the node of the same call.

For each call of the catalog (``node_name_cases.py``, ``node_name_cases_more.py``): the node's
``name()``, its class name, its ``repr`` and the tensor's printout, and (where the structure
agrees) the names of ``next_functions``, all against the names pinned there; with PyTorch
installed, the pinned names are checked against PyTorch's too. The mechanism is
``Primitive.named`` and ``name_node`` (see ``autograd/primitive.py``).

Where PyTorch's graph has another structure, ndgrad's node is named as PyTorch's *outermost*
node of the call, and the edges below it differ (those cases pin ``next=None``):

* one node here, several in PyTorch: ``cross_entropy`` (PyTorch's NllLossBackward0 over
  LogSoftmaxBackward0); ``linear`` (AddmmBackward0 over the weight's TBackward0, MmBackward0
  without a bias, for other ranks the view of PyTorch's reshaped product); ``matmul`` of 1-D or
  batched operands (SqueezeBackward4 over MmBackward0, UnsafeViewBackward0 over Mm/Bmm/Mv,
  CloneBackward0 over a transpose for 2-D @ batched); ``einsum`` (a view, sum, permute or mul
  over PyTorch's bmm and permutes); ``2 / x`` (MulBackward0 over ReciprocalBackward0); a reshape
  or flatten that copies (UnsafeViewBackward0 over CloneBackward0); an index with several parts,
  ``x[0, 1:]`` (SliceBackward0 over SelectBackward0); ``repeat_interleave`` (ViewBackward0 over a
  copy); ``take_along_dim`` (GatherBackward0 over an expand).
* several nodes here, one in PyTorch: layer_norm, batch_norm, gelu, silu, logsigmoid, the mse,
  huber, smooth_l1, nll and binary cross-entropy losses, lerp, clamp with tensor bounds,
  masked_fill, index_add, scatter_add, trace, dist, cdist, addmm, addmv, addr, baddbmm,
  addbmm, diag: ndgrad's last node carries PyTorch's name, its edges are ndgrad's last op's;
  ``add``/``sub`` with ``alpha`` scale ``other`` in a node of their own; an in-place op on a view
  records the op's own node under CopySlices.
* ``2 % x`` has no derivative in PyTorch (its node is named ``NotImplemented``); ndgrad
  differentiates it and names it RemainderBackward0, as ``x % 2``. ``x.sum(None)`` and
  ``x.round(decimals=0)`` pick an overload in PyTorch by the argument's presence
  (SumBackward1, RoundBackward1); ndgrad goes by its value (SumBackward0, RoundBackward0).
* ``repr(grad_fn)``: PyTorch's shows the object's address (``<MulBackward0 object at 0x...>``);
  ndgrad's is ``<MulBackward0>``, as both print it in a tensor's ``grad_fn=<...>``.
"""

from __future__ import annotations

import pytest
from conftest import requires_torch, torch
from node_name_cases import CASES, NN, F, ints, leaf, linear_layer, x, y
from node_name_cases_more import CASES as MORE

import autograd as ag
from autograd.ops.arithmetic import Mul
from autograd.ops.reduce import Sum
from autograd.primitive import AccumulateGrad, Primitive, name_node

ALL = CASES + MORE


def _short(name: str) -> str:
    return name.replace("torch::autograd::", "")


def _next_names(node) -> str:
    return ", ".join("None" if f is None else _short(f.name()) for f, _ in node.next_functions)


def _tree(node, skip=frozenset()) -> str:
    """The graph below ``node`` as ``Name(child, ...)``, skipping one-child nodes named in ``skip``."""
    if node is None:
        return "None"
    children = [f for f, _ in node.next_functions]
    if node.name() in skip and len(children) == 1:
        return _tree(children[0], skip)
    if not children:
        return _short(node.name())
    return f"{_short(node.name())}({', '.join(_tree(c, skip) for c in children)})"


def test_the_catalog_has_unique_ids():
    ids = [case.id for case in ALL]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", ALL, ids=[case.id for case in ALL])
def test_ndgrad_names_the_node_as_pytorch_does(case):
    out = case.build(ag)
    node = out.grad_fn
    if case.name is None:
        assert node is None
        return
    class_name = case.name.rpartition("::")[2]
    assert node.name() == case.name
    assert type(node).__name__ == class_name
    assert repr(node) == f"<{class_name}>"
    assert f"grad_fn=<{class_name}>" in repr(out)
    if case.next is not None:
        assert _next_names(node) == case.next


@requires_torch
@pytest.mark.parametrize("case", ALL, ids=[case.id for case in ALL])
def test_the_pinned_names_are_pytorchs(case):
    node = case.build(torch).grad_fn
    assert (None if node is None else node.name()) == case.name
    if case.name is not None:
        assert type(node).__name__ == case.name.rpartition("::")[2]
    if case.next is not None:
        assert _next_names(node) == case.next


def _two_layers(lib):
    lib.manual_seed(0)
    model = NN(lib).Sequential(NN(lib).Linear(4, 3), NN(lib).Tanh(), NN(lib).Linear(3, 2)).double()
    return F(lib).log_softmax(model(x(lib)), dim=1)[:, 0].mean()


def _setitem_sum(lib):
    z = x(lib) * 1
    z[0] = y(lib)[0]
    return z.sum()


ACC = "AccumulateGrad"
# (id, build, ndgrad's graph, PyTorch's nodes that ndgrad fuses into their parent, skipped in
# PyTorch's graph before comparing: see the module docstring)
CHAINS = [
    ("linear_relu_cross_entropy",
     lambda lib: F(lib).cross_entropy(linear_layer(lib)(x(lib)).relu(), ints(lib, [0, 1, 3])),
     f"NllLossBackward0(ReluBackward0(AddmmBackward0({ACC}, {ACC}, {ACC})))",
     {"LogSoftmaxBackward0", "TBackward0"}),
    ("two_layers_log_softmax", _two_layers,
     f"MeanBackward0(SelectBackward0(LogSoftmaxBackward0(AddmmBackward0({ACC}, "
     f"TanhBackward0(AddmmBackward0({ACC}, {ACC}, {ACC})), {ACC}))))",
     {"TBackward0"}),
    ("matmul_add_sigmoid_sum",
     lambda lib: (x(lib) @ leaf(lib, 4, 2) + leaf(lib, 2)).sigmoid().sum(),
     f"SumBackward0(SigmoidBackward0(AddBackward0(MmBackward0({ACC}, {ACC}), {ACC})))", set()),
    ("t_mm_reshape_slice_mean", lambda lib: (x(lib).t() @ y(lib)).reshape(-1)[1:].mean(),
     f"MeanBackward0(SliceBackward0(ViewBackward0(MmBackward0(TBackward0({ACC}), {ACC}))))", set()),
    ("embedding_sum_pow_mean",
     lambda lib: leaf(lib, 10, 4)[ints(lib, [[1, 2], [3, 1]])].sum(1).pow(2).mean(0),
     f"MeanBackward1(PowBackward0(SumBackward1(IndexBackward0({ACC}))))", set()),
    ("cat_max_values", lambda lib: lib.cat([x(lib) * 2, y(lib).exp()]).max(0).values.sum(),
     f"SumBackward0(MaxBackward0(CatBackward0(MulBackward0({ACC}, None), ExpBackward0({ACC}))))",
     set()),
    ("setitem_sum", _setitem_sum,
     f"SumBackward0(CopySlices(MulBackward0({ACC}, None), SelectBackward0({ACC})))", set()),
]


@pytest.mark.parametrize("chain", CHAINS, ids=[c[0] for c in CHAINS])
def test_ndgrad_graph_chain(chain):
    _, build, expected, _ = chain
    assert _tree(build(ag).grad_fn) == expected


@requires_torch
@pytest.mark.parametrize("chain", CHAINS, ids=[c[0] for c in CHAINS])
def test_pytorch_graph_chain_less_the_nodes_ndgrad_fuses(chain):
    _, build, expected, fused = chain
    assert _tree(build(torch).grad_fn, frozenset(fused)) == expected


def test_a_node_type_is_its_primitive_under_pytorchs_name():
    node = (ag.ones(2, requires_grad=True) * 2).grad_fn
    assert isinstance(node, Mul) and type(node) is not Mul and node.primitive is Mul
    assert type(node).__module__ == Mul.__module__ and type(node).__doc__ == Mul.__doc__
    assert Sum.named("SumBackward1") is Sum.named("SumBackward1")  # made once
    assert Sum.named("SumBackward1").primitive is Sum
    assert Sum.named("SumBackward1", shown_inputs=(0,)) is not Sum.named("SumBackward1")
    assert Sum.named("SumBackward1").named("SumBackward0") is Sum._node_type


def test_name_node_renames_the_last_node_only():
    a = ag.ones(2, requires_grad=True)
    inner = a * 2
    out = name_node(inner + 1, "MyOpBackward0", shown_inputs=(0,))
    assert out.grad_fn.name() == "MyOpBackward0" and out.grad_fn.primitive.__name__ == "Add"
    assert inner.grad_fn.name() == "MulBackward0"
    assert [f.name() for f, _ in out.grad_fn.next_functions] == ["MulBackward0"]
    plain = ag.ones(2)
    assert name_node(plain, "Unused") is plain and plain.grad_fn is None
    out.sum().backward()  # a renamed node still runs its primitive's backward
    assert a.grad.tolist() == [2.0, 2.0]


def test_accumulate_grad_is_named_as_pytorch_names_it():
    leaf_node = (ag.ones(2, requires_grad=True) * 2).grad_fn.next_functions[0][0]
    assert isinstance(leaf_node, AccumulateGrad)
    assert leaf_node.name() == "torch::autograd::AccumulateGrad"
    assert repr(leaf_node) == "<AccumulateGrad>"


def test_every_node_type_keeps_a_pytorch_style_name():
    """No node type left with a made-up name: each ends in Backward<digit> (or is one of
    PyTorch's ``torch::autograd`` nodes, or its ``DiagonalBackward0_copy``)."""
    stack, names = list(Primitive.__subclasses__()), set()
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("autograd.") and cls.primitive is not cls and cls.differentiable:
            names.add(cls.node_name)
    odd = {n for n in names if not n.rpartition("::")[2].rstrip("0123456789").endswith("Backward")
           and not n.startswith("torch::autograd::") and n != "DiagonalBackward0_copy"}
    assert not odd, odd
