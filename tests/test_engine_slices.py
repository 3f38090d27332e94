"""Gradients of many slices of one tensor (``unbind``, ``split``, ``chunk``, ``x[i]``, ``x[a:b]``):
equal to PyTorch's with pieces used twice, unused, beside dense uses of the whole tensor, under
hooks, ``retain_grad`` and ``create_graph``; and summed into one buffer, so a backward through
T slices allocates O(the input), not T copies of it (``autograd.sliced_grad``)."""

import tracemalloc

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag

SHAPE = (6, 5, 4)


def sliced_loss(lib, x, dense_first=False):
    """A scalar reading ``x`` through unbind/split/chunk pieces and basic slices, and whole.

    Rows 1, 2 and 4 of ``unbind(0)`` are unused, row 0 and ``parts[1]`` are used twice;
    ``x.sum()`` sends a shared (broadcast) gradient, ``x.cos()`` an owned one.
    """
    rows, columns = x.unbind(0), x.unbind(2)
    parts, chunks = x.split([1, 3, 1], 1), x.chunk(4, 0)  # chunks of 2 rows: 3 of them
    terms = [rows[0].sin(), rows[0] * rows[3], rows[5] ** 2, columns[1].exp(), parts[1] * 3,
             parts[1].tanh(), parts[2] * parts[0], chunks[2] ** 3, x[2], x[1:4, 1:3], x[..., 3]]
    dense = [x.sum(), x.cos()]
    terms = dense + terms if dense_first else terms + dense
    total = terms[0].sum()
    for weight, term in enumerate(terms[1:], 2):
        total = total + term.sum() * weight
    return total


def start(lib, values):
    return lib.tensor(values, requires_grad=True)


def values():
    return np.random.default_rng(0).uniform(-1, 1, SHAPE)


def as_numpy(t):
    return np.array(t.detach().numpy())


def same(ours, theirs):
    np.testing.assert_allclose(as_numpy(ours), as_numpy(theirs), rtol=1e-12, atol=1e-12)


@requires_torch
@pytest.mark.parametrize("dense_first", [False, True])
def test_leaf_gradient_equals_torchs(dense_first):
    grads = []
    for lib in (OURS, torch):
        x = start(lib, values())
        sliced_loss(lib, x, dense_first).backward()
        grads.append(x.grad)
    same(*grads)
    assert grads[0].dtype == ag.float64


@requires_torch
def test_hooks_retain_grad_and_replacing_hooks_equal_torchs():
    """A non-leaf sliced tensor: its hook sees the one total, retain_grad keeps it, and a
    hook on a piece that scales its gradient reaches the leaf."""
    results = []
    for lib in (OURS, torch):
        leaf = start(lib, values())
        x = leaf * 1.5
        x.retain_grad()
        seen = []
        x.register_hook(lambda g, seen=seen: seen.append(as_numpy(g)))
        leaf.register_hook(lambda g, seen=seen: seen.append(as_numpy(g)))
        rows = x.unbind(0)
        rows[3].register_hook(lambda g: g * 10)
        loss = sliced_loss(lib, x) + (rows[3] * rows[4]).sum()
        loss.backward()
        results.append((leaf.grad, x.grad, seen))
    (leaf_ours, x_ours, seen_ours), (leaf_torch, x_torch, seen_torch) = results
    same(leaf_ours, leaf_torch)
    same(x_ours, x_torch)
    assert len(seen_ours) == len(seen_torch) == 2
    for ours, theirs in zip(seen_ours, seen_torch):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@requires_torch
@pytest.mark.parametrize("create_graph", [False, True])
def test_autograd_grad_and_double_backward_equal_torchs(create_graph):
    results = []
    for lib in (OURS, torch):
        x = start(lib, values())
        (grad,) = lib.autograd.grad(sliced_loss(lib, x), x, create_graph=create_graph)
        if create_graph:
            (grad * grad.sin()).sum().backward()
        results.append((grad, x.grad))
    (grad_ours, second_ours), (grad_torch, second_torch) = results
    same(grad_ours, grad_torch)
    if create_graph:
        same(second_ours, second_torch)
    else:
        assert second_ours is None and second_torch is None


@requires_torch
def test_zero_dim_pieces_and_none_and_ellipsis_slices_equal_torchs():
    grads = []
    for lib in (OURS, torch):
        x = start(lib, np.arange(1.0, 6.0))
        a, b, c, d, e = x.unbind(0)
        loss = a * b + c ** 2 + b + x[None][0, 3] * 7 + x[...][4] + x[1:].sum() * 5
        loss.backward()
        grads.append(x.grad)
    same(*grads)


def test_a_slices_gradient_is_never_added_into_a_shared_one():
    """``x + row`` passes the caller's gradient on to x unchanged; the row's slice gradient
    reaches x after it and must go into a copy, never into the caller's array."""
    x = ag.tensor(values(), requires_grad=True)
    gradient = np.random.default_rng(1).standard_normal(SHAPE)
    given = gradient.copy()
    (x + x.unbind(0)[2]).backward(gradient=gradient)
    np.testing.assert_array_equal(gradient, given)
    expected = given.copy()
    expected[2] += given.sum(0)
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_backward_steps_show_a_slices_gradient_whole():
    x = ag.tensor(values(), requires_grad=True)
    rows = x.unbind(0)
    steps = list(ag.backward_steps((rows[1] * 2 + rows[4]).sum()))
    unbind_sends = [step.sends[0][1] for step in steps if "UnbindBackward0" in step.name]
    assert len(unbind_sends) == 2 and all(send.shape == SHAPE for send in unbind_sends)
    expected = np.zeros(SHAPE)
    expected[1], expected[4] = 2, 1
    np.testing.assert_array_equal(unbind_sends[0] + unbind_sends[1], expected)
    np.testing.assert_array_equal(steps[-1].grad, x.grad.numpy())


def test_anomaly_mode_checks_what_a_slice_sends():
    x = ag.tensor(values(), requires_grad=True)
    row = x.unbind(0)[2]
    with ag.detect_anomaly(), pytest.raises(RuntimeError, match="UnbindBackward0.*nan"):
        row.backward(gradient=np.full(row.shape, np.nan))


def test_backward_through_t_slices_allocates_o_of_the_input_not_t_copies():
    """Between two pieces' hooks the engine runs one piece's rule and adds its gradient; the
    sum over these stretches of the most memory in use above the stretch's start bounds the
    bytes allocated from below. Dense per-piece gradients make it T = 200 inputs' worth; one
    buffer makes it about one input (its zeros) plus the pieces (another)."""
    count = 200
    x = ag.tensor(np.random.default_rng(0).standard_normal((count, 64, 64)), requires_grad=True)
    pieces = x.unbind(0)
    excess, begun = [], [0]

    def stretch_ends(_):
        current, peak = tracemalloc.get_traced_memory()
        excess.append(peak - begun[0])
        tracemalloc.reset_peak()
        begun[0] = current

    for piece in pieces:
        piece.register_hook(stretch_ends)
    loss = ag.stack([piece * 2 for piece in pieces]).sum()
    tracemalloc.start()
    try:
        begun[0] = tracemalloc.get_traced_memory()[0]
        loss.backward()
        stretch_ends(None)
    finally:
        tracemalloc.stop()
    assert len(excess) == count + 1
    inputs_worth = sum(excess) / x.detach().numpy().nbytes
    assert inputs_worth < 4, f"backward allocated {inputs_worth:.1f} times the input"
    np.testing.assert_array_equal(x.grad.numpy(), np.full(x.shape, 2.0))
