"""Views and in-place ops, against PyTorch: every view kind x in-place op x modified tensor.

One program builds ``base = a * C`` (or a constant base), a view of it of each kind and a
sibling view ``base[1:, 1:3]``, changes one of the three in place, then runs backward from
the view, the base or the sibling. With ndgrad and with torch: the values of all tensors, the
names of their nodes, and the gradients of the leaves ``a`` and ``w`` must agree, and where
torch raises (an in-place op on the output of ``unbind``, on an expanded view...) ndgrad must
raise at the same step with the same message (``ERRORS``). The mechanism is in
``autograd/views.py``.
"""

import re

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

A = np.arange(12.0).reshape(3, 4) - 5.5  # no zeros (relu's kink), no ties
C = 1 + np.arange(12.0).reshape(3, 4) / 10

VIEWS = {
    "slice": lambda b: b[1:3],
    "select": lambda b: b[1],
    "slice_select": lambda b: b[0:2, 1],
    "step": lambda b: b[:, ::2],
    "none": lambda b: b[None, 1:],
    "ellipsis": lambda b: b[..., 1],
    "narrow": lambda b: b.narrow(1, 1, 2),
    "diagonal": lambda b: b.diagonal(),
    "diagonal_offset": lambda b: b.diagonal(1),
    "unbind": lambda b: b.unbind(1)[2],
    "split": lambda b: b.split(2)[0],
    "split_sizes": lambda b: b.split([1, 2])[1],
    "chunk": lambda b: b.chunk(2, dim=1)[1],
    "transpose": lambda b: b.transpose(0, 1),
    "swapaxes": lambda b: b.swapaxes(0, 1),
    "swapdims": lambda b: b.swapdims(0, 1),
    "permute": lambda b: b.permute(1, 0),
    "movedim": lambda b: b.movedim(0, 1),
    "T": lambda b: b.T,
    "mT": lambda b: b.mT,
    "t": lambda b: b.t(),
    "view": lambda b: b.view(2, 6),
    "view_flat": lambda b: b.view(-1),
    "view_as": lambda b: b.view_as(b.t()),
    "reshape": lambda b: b.reshape(6, 2),
    "flatten": lambda b: b.flatten(),
    "squeeze": lambda b: b.squeeze(),
    "unsqueeze": lambda b: b.unsqueeze(1),
    "unsqueeze_squeeze": lambda b: b.unsqueeze(0).squeeze(0),
    "expand": lambda b: b.unsqueeze(0).expand(2, 3, 4),
    "expand_same": lambda b: b.expand(3, 4),
    "broadcast_to": lambda b: b[1].broadcast_to((2, 4)),
    "chain": lambda b: b[1:].t().unsqueeze(0)[:, 1:],
    "reshape_of_slice": lambda b: b[1:].reshape(-1)[2:7],
    "detach": lambda b: b.detach(),
}

OPS = {
    "mul_": lambda t, w: t.mul_(w),
    "add_": lambda t, w: t.add_(w, alpha=2),
    "div_": lambda t, w: t.div_(w),
    "copy_": lambda t, w: t.copy_(w),
    "setitem": lambda t, w: t.__setitem__((..., 0), w),
    "zero_": lambda t, w: t.zero_(),
    "fill_": lambda t, w: t.fill_(2.5),
    "clamp_": lambda t, w: t.clamp_(-1.25, 2.75),
    "relu_": lambda t, w: t.relu_(),
    "imul": lambda t, w: t.__imul__(w + 1),
}

TARGETS = ("base", "view", "sibling")

# the messages where torch raises, each pinned for both libraries
ERRORS = (
    "view of a leaf Variable that requires grad is being used in an in-place operation",
    "a leaf Variable that requires grad is being used in an in-place operation",
    r"Output \d of \w+ is a view and (is being|its base or another view of its base has been) "
    "modified inplace. This view is the output of a function that returns multiple views",
    "A view was created in no_grad mode and (is being|its base or another view of its base has "
    "been) modified inplace with grad mode enabled",
    "more than one element of the written-to tensor refers to a single memory location",
    "does not require grad",
)


def weights(lib, shape):
    """Distinct weights for the backward: a permuted or misplaced gradient shows."""
    n = int(np.prod(shape))
    return lib.tensor((np.arange(n, dtype=np.float64) + 1).reshape(tuple(shape)))


def _node(t):
    try:
        return type(t.grad_fn).__name__ if t.grad_fn is not None else None
    except RuntimeError as error:
        return ("raises", str(error))


def program(lib, kind, op, target, source, base_kind="graph", no_grad_view=False,
            no_grad_op=False):
    """Build, change in place, backward; returns what happened at each step.

    ``base_kind``: "graph" (``a * C``), "constant" (needs no grad), "leaf" (``a`` itself) or
    "transposed" (the transpose of a product laid out column-major: a view whose root base is
    not row-major).
    """
    a = lib.tensor(A, requires_grad=True)
    w = lib.tensor(-0.75, dtype=lib.float64, requires_grad=True)
    base = {"graph": lambda: a * lib.tensor(C), "constant": lambda: lib.tensor(A * C),
            "leaf": lambda: a, "transposed": lambda: (a.t() * 2).t()}[base_kind]()
    with lib.set_grad_enabled(not no_grad_view):
        view = VIEWS[kind](base)
    sibling = base[1:, 1:3]
    tensors = {"base": base, "view": view, "sibling": sibling}
    record = {}
    try:
        with lib.set_grad_enabled(not no_grad_op):
            OPS[op](tensors[target], w)
    except RuntimeError as error:
        return {"raises at": "op", "message": str(error), "base": base.detach().numpy().copy()}
    record["values"] = {k: t.detach().numpy().copy() for k, t in tensors.items()}
    record["nodes"] = {k: _node(t) for k, t in tensors.items()}
    out = tensors[source]
    try:
        (out * weights(lib, out.shape)).sum().backward()
    except RuntimeError as error:
        record.update({"raises at": "backward", "message": str(error)})
        return record
    record["grads"] = {k: None if t.grad is None else t.grad.numpy().copy()
                       for k, t in (("a", a), ("w", w))}
    record["values"]["a"] = a.detach().numpy().copy()
    return record


def assert_same(ours, theirs):
    """Same values, node names, gradients; or the same error at the same step."""
    if "raises at" in theirs:
        pattern = next((p for p in ERRORS if re.search(p, theirs["message"])), None)
        assert pattern is not None, f"torch raised an unexpected error: {theirs['message']}"
        assert ours.get("raises at") == theirs["raises at"], (ours, theirs["message"])
        assert re.search(pattern, ours["message"]), (ours["message"], theirs["message"])
        if theirs["raises at"] == "op":  # refused before anything changed
            np.testing.assert_array_equal(ours["base"], theirs["base"])
    else:
        assert "raises at" not in ours, ours["message"]
    for key in ("values", "nodes", "grads"):
        if key not in theirs:
            continue
        for name, expected in theirs[key].items():
            got = ours[key][name]
            if isinstance(expected, np.ndarray):
                np.testing.assert_allclose(got, expected, rtol=1e-12, err_msg=f"{key} of {name}")
            elif isinstance(expected, tuple):  # torch raised when reading grad_fn
                assert isinstance(got, tuple), (name, got, expected)
                pattern = next(p for p in ERRORS if re.search(p, expected[1]))
                assert re.search(pattern, got[1]), (got[1], expected[1])
            else:
                assert got == expected, f"{key} of {name}: {got} != {expected}"


FEW_VIEWS = ["slice", "select", "transpose", "view", "diagonal", "expand", "unbind", "chain"]

# setting: (program's options, the view kinds, the in-place ops)
SETTINGS = {
    # base = a * C: every view kind x every op
    "graph": ({}, list(VIEWS), list(OPS)),
    # b[0:1] = w on a base that needs no grad: the base, then its views, come to need it
    "constant_base": ({"base_kind": "constant"}, list(VIEWS), ["mul_", "copy_", "setitem", "zero_"]),
    # the root base is not row-major
    "column_major_base": ({"base_kind": "transposed"}, list(VIEWS), ["mul_", "setitem", "zero_"]),
    # in grad mode: refused (the leaf, or a view of it)
    "leaf_base": ({"base_kind": "leaf"}, FEW_VIEWS, ["mul_", "setitem", "zero_"]),
    # under no_grad: the views then read the changed leaf (AsStridedBackward0 -> AccumulateGrad)
    "leaf_base_no_grad_op": ({"base_kind": "leaf", "no_grad_op": True}, FEW_VIEWS,
                             ["mul_", "setitem", "zero_"]),
    # changes made under no_grad are seen by the views
    "no_grad_op": ({"no_grad_op": True}, FEW_VIEWS, ["mul_", "zero_"]),
    # a view made in no-grad mode: changing it, or using it after its base changed, is refused
    "no_grad_view": ({"no_grad_view": True}, FEW_VIEWS, ["mul_", "copy_", "zero_"]),
}

CASES = [pytest.param(options, kind, op, target, id=f"{setting}-{kind}-{op}-{target}")
         for setting, (options, kinds, ops) in SETTINGS.items()
         for kind in kinds for op in ops for target in TARGETS]


@requires_torch
@pytest.mark.parametrize(("options", "kind", "op", "target"), CASES)
def test_view_kind_inplace_op_and_modified_tensor_match_torch(options, kind, op, target):
    """Backward from the view, the base and the sibling, each in a fresh program."""
    for source in TARGETS:
        assert_same(program(OURS, kind, op, target, source, **options),
                    program(torch, kind, op, target, source, **options))


# ---- what a view is -----------------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("kind", VIEWS)
def test_base_and_is_view_match_torch(kind):
    def probe(lib):
        base = lib.tensor(A * C)
        view = VIEWS[kind](base)
        return view._is_view(), view._base is base

    assert probe(OURS) == probe(torch)


@requires_torch
def test_reshape_that_copies_is_not_a_view_and_view_refuses_to_copy():
    for lib in (OURS, torch):
        t = lib.tensor(A).t()
        copy = t.reshape(12)
        assert copy._base is None and not copy._is_view()
        t.mul_(2)
        assert copy._version == 0
        with pytest.raises(RuntimeError, match="view size is not compatible with input tensor's "
                                               r"size and stride.*Use \.reshape\(\.\.\.\) instead"):
            t.view(12)


def test_an_element_of_a_vector_is_a_view_that_writes_through():
    b = OURS.tensor([1.0, 2.0, 3.0])
    b[1].mul_(10)
    b.unbind(0)[2].add_(1)
    np.testing.assert_array_equal(b.numpy(), [1, 20, 4])


# ---- refused, as torch refuses ------------------------------------------------------------
@requires_torch
def test_a_view_of_unbind_whose_base_changed_prints_invalid_and_refuses_use():
    for lib in (OURS, torch):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = a * 1
        first, _ = b.unbind(0)
        b.mul_(2)
        assert "grad_fn=<Invalid>" in repr(first) and first.requires_grad
        with pytest.raises(RuntimeError, match=r"Output 0 of Unbind is a view and its base or "
                                               "another view of its base has been modified"):
            first.sum()


@requires_torch
def test_detach_in_place_of_a_view_is_refused():
    for lib in (OURS, torch):
        view = lib.tensor([1.0, 2.0])[0:1]
        with pytest.raises(RuntimeError, match="Can't detach views in-place. Use detach"):
            view.detach_()


def test_inference_mode_views_are_refused_like_no_grad_views():
    b = OURS.tensor([1.0, 2.0], requires_grad=True) * 1
    with OURS.inference_mode():
        view = b[0:1]
    with pytest.raises(RuntimeError, match="mul_: A view was created in inference mode and is "
                                           "being modified inplace in normal mode"):
        view.mul_(2)


def test_a_view_whose_memory_was_replaced_is_not_replayed_silently():
    b = OURS.tensor([1.0, 2.0, 3.0], requires_grad=True) * 1
    view = b[0:2]
    view.data = OURS.zeros(2)
    b.mul_(2)
    with pytest.raises(RuntimeError, match=r"no longer shares its base's memory \(`.data = \.\.\.`"):
        view.sum()


# ---- custom Functions --------------------------------------------------------------------
def _functions(lib):
    class First(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x[0:2]

        @staticmethod
        def backward(ctx, g):
            return lib.cat([g, lib.zeros(1, dtype=g.dtype)])

    class Double(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            return x.mul_(2)

        @staticmethod
        def backward(ctx, g):
            return g * 2

    return First, Double


@requires_torch
def test_a_custom_function_output_that_is_a_view_is_not_replayed():
    for lib in (OURS, torch):
        first, _ = _functions(lib)
        b = lib.tensor([1.0, 2.0, 3.0], requires_grad=True) * 1
        out = first.apply(b)
        with pytest.raises(RuntimeError, match="Output 0 of First is a view and is being "
                                               "modified inplace. This view was created inside a "
                                               "custom Function"):
            out.mul_(2)
        b.add_(1)
        with pytest.raises(RuntimeError, match="its base or another view of its base has been "
                                               "modified inplace. This view was created inside"):
            out.sum()


@requires_torch
def test_a_custom_function_that_changes_a_view_in_place_writes_through_to_the_base():
    def run(lib):
        a = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        b = a * 1
        view, sibling = b[0:2], b[1:3]
        _, double = _functions(lib)
        assert double.apply(view) is view
        names = [type(t.grad_fn).__name__ for t in (view, b, sibling)]
        grads = []
        for out in (b, view, sibling):
            a.grad = None
            (out * weights(lib, out.shape)).sum().backward(retain_graph=True)
            grads.append(a.grad.numpy().copy())
        return names, grads, b.detach().numpy()

    (names, grads, values), (t_names, t_grads, t_values) = run(OURS), run(torch)
    assert names == t_names == ["AsStridedBackward0", "CopySlices", "AsStridedBackward0"]
    np.testing.assert_array_equal(values, t_values)
    for got, expected in zip(grads, t_grads):
        np.testing.assert_array_equal(got, expected)


# ---- higher order, gradcheck --------------------------------------------------------------
def _through_views(lib, x):
    """A function of x made of in-place changes of views (CopySlices, AsStrided)."""
    y = x * x
    t = y.t()  # changed through the base, then read
    row = y[1]  # changed itself, sibling of t
    row.mul_(x[0].sin())
    y.add_(1)
    return (t * t).sum() + y.diagonal().exp().sum()


@requires_torch
def test_double_backward_through_copy_slices_and_as_strided_matches_torch():
    def run(lib):
        x = lib.tensor(A[:3, :3] / 4, requires_grad=True)
        (g,) = lib.autograd.grad(_through_views(lib, x), x, create_graph=True)
        (g * weights(lib, g.shape)).sum().backward()
        return g.detach().numpy(), x.grad.numpy()

    for ours, theirs in zip(run(OURS), run(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_gradcheck_and_gradgradcheck_through_views_changed_in_place():
    x = OURS.tensor(A[:3, :3] / 4, requires_grad=True)
    assert OURS.autograd.gradcheck(lambda x: _through_views(OURS, x), (x,))
    assert OURS.autograd.gradgradcheck(lambda x: _through_views(OURS, x), (x,))
