"""Exact semantics of the backward engine: graph walks, accumulation, retain_graph, ag.grad,
hooks, and memory (no reference cycles, no recursion)."""

import gc
import sys
import time
import warnings
import weakref

import numpy as np
import pytest

import autograd as ag


def leaf(values, dtype=ag.float64):
    return ag.tensor(values, dtype=dtype, requires_grad=True)


# ---- graph shapes ----------------------------------------------------------------------
def test_diamond_gradient_is_summed_over_both_paths():
    """b = a + a; c = b + b gives dc/da = 4."""
    a = leaf(1.5)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad.item() == 4.0


def test_reused_intermediate_node():
    """y = x*x is used three times: z = y*y + y + sin(y); dz/dx = (2y + 1 + cos y) * 2x."""
    x = leaf([0.5, -1.25, 2.0])
    y = x * x
    z = (y * y + y + y.sin()).sum()
    z.backward()
    xv = x.detach().numpy()
    yv = xv * xv
    np.testing.assert_allclose(x.grad.detach().numpy(), (2 * yv + 1 + np.cos(yv)) * 2 * xv, rtol=1e-12)


def test_two_leaves_sharing_a_subgraph():
    a, b = leaf(2.0), leaf(3.0)
    s = a * b
    out = s * a + s * b  # = a^2 b + a b^2
    out.backward()
    assert a.grad.item() == 2 * 2 * 3 + 3 ** 2
    assert b.grad.item() == 2 ** 2 + 2 * 2 * 3


# ---- accumulation ----------------------------------------------------------------------
def test_leaf_grad_accumulates_across_backward_calls_until_zeroed():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [3, 3])
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [5, 7])
    x.grad.zero_()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [3, 3])
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [2, 2])


def test_accumulation_does_not_alias_the_upstream_gradient():
    """The first .grad must be a fresh array: later accumulation must not write into the
    gradient the user passed."""
    x = leaf([1.0, 2.0])
    upstream = ag.tensor([10.0, 20.0], dtype=ag.float64)
    (x + 0).backward(upstream)
    (x + 0).backward(upstream)
    np.testing.assert_array_equal(upstream.detach().numpy(), [10, 20])
    np.testing.assert_array_equal(x.grad.detach().numpy(), [20, 40])


def test_non_leaf_grad_is_none_and_warns_unless_retained():
    x = leaf([1.0, 2.0])
    h = x * 2
    kept = x * 3
    kept.retain_grad()
    ((h + kept) * x).sum().backward()
    with pytest.warns(UserWarning, match="retain_grad"):
        assert h.grad is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(kept.grad.detach().numpy(), [1, 2])
        assert x.grad is not None  # leaves never warn


def test_retained_grad_accumulates_like_a_leaf():
    x = leaf([1.0, 2.0])
    h = x * 2
    h.retain_grad()
    y = (h * h).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(h.grad.detach().numpy(), 2 * 2 * h.detach().numpy())


# ---- deep graphs -----------------------------------------------------------------------
def test_100k_op_chain_at_the_default_recursion_limit():
    limit = sys.getrecursionlimit()
    assert limit <= 10_000, "the test must run with a small recursion limit"
    x = leaf(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    start = time.perf_counter()
    y.backward()
    elapsed = time.perf_counter() - start
    assert sys.getrecursionlimit() == limit
    np.testing.assert_allclose(x.grad.item(), 1.00001 ** 100_000, rtol=1e-9)
    assert elapsed < 30
    del y  # freeing the chain must not recurse either


# ---- retain_graph ------------------------------------------------------------------------
def test_second_backward_through_released_graph_names_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_retain_graph_allows_a_second_backward_that_accumulates():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    expected = 2 * (np.exp([1.0, 2.0]) * (1 + np.array([1.0, 2.0])))
    np.testing.assert_allclose(x.grad.detach().numpy(), expected, rtol=1e-12)
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_ag_grad_also_releases_the_graph():
    x = leaf(2.0)
    y = x * x
    (g,) = ag.grad(y, x)
    assert g.item() == 4.0
    with pytest.raises(RuntimeError, match="retain_graph"):
        ag.grad(y, x)


# ---- root gradients ------------------------------------------------------------------------
def test_non_scalar_root_needs_a_gradient():
    y = leaf([1.0, 2.0, 3.0]) * 2
    with pytest.raises(RuntimeError, match="gradient=") as info:
        y.backward()
    assert "sum()" in str(info.value) or "reduce" in str(info.value)
    assert "torch.Size([3])" in str(info.value)


def test_non_scalar_root_with_gradient():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).backward(gradient=ag.tensor([1.0, 0.5, -1.0], dtype=ag.float64))
    np.testing.assert_array_equal(x.grad.detach().numpy(), [2, 2, -6])


def test_gradient_shape_mismatch_is_refused():
    y = leaf([1.0, 2.0, 3.0]) * 2
    with pytest.raises(RuntimeError, match="shape") as info:
        y.backward(gradient=ag.ones(2, dtype=ag.float64))
    assert "(2,)" in str(info.value) and "torch.Size([3])" in str(info.value)


def test_one_element_non_0d_root_needs_no_gradient():
    x = leaf([3.0])
    (x * x).backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [6])


def test_backward_of_a_leaf_itself():
    x = leaf(2.0)
    x.backward()
    assert x.grad.item() == 1.0


def test_backward_inputs_restricts_which_grads_are_written():
    a, b = leaf(2.0), leaf(3.0)
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 3.0
    assert b.grad is None
    (a * b).backward(inputs=[b])
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 6.0  # accumulates
    assert b.grad.item() == 2.0


def test_backward_inputs_may_name_a_non_leaf():
    """As in PyTorch, the non-leaf gets .grad and the leaf behind it does not."""
    x = leaf(2.0)
    h = x * 3
    (h * h).backward(inputs=[h])
    assert h.grad.item() == 12.0
    assert x.grad is None


def test_ag_backward_function_with_several_roots():
    x = leaf([1.0, 2.0])
    ag.backward([(x * x).sum(), (x * 3).sum()])
    np.testing.assert_array_equal(x.grad.detach().numpy(), [5, 7])


# ---- ag.grad -----------------------------------------------------------------------------
def test_ag_grad_returns_gradients_without_touching_dot_grad():
    x, w = leaf([1.0, 2.0]), leaf([3.0, -1.0])
    y = (x * w).sum()
    gx, gw = ag.grad(y, [x, w])
    np.testing.assert_array_equal(gx.detach().numpy(), [3, -1])
    np.testing.assert_array_equal(gw.detach().numpy(), [1, 2])
    assert x.grad is None and w.grad is None
    assert not gx.requires_grad


def test_ag_grad_of_an_intermediate():
    x = leaf([1.0, 2.0])
    h = x * 3
    y = (h * h).sum()
    (gh,) = ag.grad(y, [h])
    np.testing.assert_array_equal(gh.detach().numpy(), [6, 12])


def test_ag_grad_allow_unused():
    x, unused = leaf(1.0), leaf(2.0)
    y = x * 5
    with pytest.raises(RuntimeError, match="allow_unused"):
        ag.grad(y, [x, unused], retain_graph=True)
    gx, gu = ag.grad(y, [x, unused], allow_unused=True)
    assert gx.item() == 5.0 and gu is None


def test_ag_grad_with_grad_outputs():
    x = leaf([1.0, 2.0])
    (g,) = ag.grad(x * x, x, grad_outputs=ag.tensor([10.0, -1.0], dtype=ag.float64))
    np.testing.assert_array_equal(g.detach().numpy(), [20, -4])


def test_ag_grad_refuses_inputs_that_do_not_require_grad():
    x = leaf(1.0)
    c = ag.tensor(2.0, dtype=ag.float64)
    with pytest.raises(RuntimeError, match="input 1 does not require grad"):
        ag.grad(x * c, [x, c])


# ---- hooks -------------------------------------------------------------------------------
def test_hook_on_non_leaf_sees_the_total_gradient_once():
    x = leaf([1.0, 2.0])
    h = x * 2
    seen = []
    h.register_hook(lambda g: seen.append(g.detach().numpy().copy()))
    (h * h + h).sum().backward()  # dL/dh = 2h + 1
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], 2 * h.detach().numpy() + 1)
    np.testing.assert_array_equal(x.grad.detach().numpy(), 2 * (2 * h.detach().numpy() + 1))


def test_hook_on_leaf_sees_the_total_gradient_once():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.detach().numpy().copy()))
    (x * 3 + x * 4).sum().backward()
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], [7, 7])


def test_hook_return_value_replaces_the_gradient():
    x = leaf([1.0, 2.0])
    h = x * 2
    h.register_hook(lambda g: g * 10)
    x.register_hook(lambda g: g + 1)
    (h * 1).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [21, 21])


def test_hook_handle_remove():
    x = leaf(1.0)
    calls = []
    handle = x.register_hook(lambda g: calls.append(1) or g * 100)
    (x * 2).backward()
    assert x.grad.item() == 200.0 and len(calls) == 1
    handle.remove()
    x.grad = None
    (x * 2).backward()
    assert x.grad.item() == 2.0 and len(calls) == 1


def test_hooks_run_in_registration_order_and_chain():
    h_in = leaf(1.0)
    h = h_in * 1
    h.register_hook(lambda g: g + 1)
    h.register_hook(lambda g: g * 3)
    h.backward()  # (1 + 1) * 3
    assert h_in.grad.item() == 6.0


def test_hooks_also_apply_to_ag_grad():
    """torch.autograd.grad runs tensor hooks too: [4, 8] and [60, 120] there."""
    x = leaf([1.0, 2.0])
    x.register_hook(lambda g: g * 2)
    np.testing.assert_array_equal(ag.grad((x * x).sum(), x)[0].detach().numpy(), [4, 8])
    h = x * 3
    h.register_hook(lambda g: g * 10)
    np.testing.assert_array_equal(ag.grad((h * h).sum(), h)[0].detach().numpy(), [60, 120])


def test_register_hook_on_tensor_without_grad_is_refused():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.tensor([1.0]).register_hook(lambda g: g)


# ---- memory --------------------------------------------------------------------------------
def test_intermediate_nodes_are_freed_without_the_garbage_collector():
    gc.collect()
    gc.disable()
    try:
        x = leaf([1.0, 2.0, 3.0])
        h = x.exp() * 2
        loss = (h * h).sum()
        node, tensor = weakref.ref(h.grad_fn), weakref.ref(h)
        root = weakref.ref(loss.grad_fn)
        del loss, h
        assert node() is None and tensor() is None and root() is None
    finally:
        gc.enable()


def test_graph_is_freed_after_backward_without_the_garbage_collector():
    gc.collect()
    gc.disable()
    try:
        x = leaf([1.0, 2.0, 3.0])
        h = x.sin() * x
        h.retain_grad()
        h.register_hook(lambda g: g)
        loss = (h * h).sum()
        loss.backward()
        node = weakref.ref(h.grad_fn)
        del loss, h
        assert node() is None
        assert x.grad is not None
    finally:
        gc.enable()


def test_0d_leaf_grads_stay_arrays_and_accumulate():
    a, b = ag.tensor(2.0, requires_grad=True), ag.tensor(-3.0, requires_grad=True)
    for _ in range(2):
        (a * b + a).backward()
    assert isinstance(a.grad.detach().numpy(), np.ndarray) and a.grad.detach().numpy().shape == ()
    assert a.grad.item() == -4.0 and b.grad.item() == 4.0


class TestCreateGraphBackwardWarns:
    MESSAGE = (r"^Using backward\(\) with create_graph=True will create a reference cycle between the "
               r"parameter and its gradient which can cause a memory leak\. We recommend using "
               r"autograd\.grad when creating the graph to avoid this\. If you have to use this "
               r"function, make sure to reset the \.grad fields of your parameters to None after use "
               r"to break the cycle and avoid the leak\.$")

    @pytest.mark.parametrize("call", [lambda y, w: y.backward(create_graph=True),
                                      lambda y, w: ag.backward(y, create_graph=True),
                                      lambda y, w: y.backward(create_graph=True, inputs=[w])])
    def test_backward_with_create_graph_warns_as_torch(self, call):
        w = ag.tensor([1.0, 2.0], requires_grad=True)
        with pytest.warns(UserWarning, match=self.MESSAGE):
            call((w * w).sum(), w)
        assert w.grad.requires_grad and w.grad.tolist() == [2.0, 4.0]

    def test_grad_and_plain_backward_do_not_warn(self):
        w = ag.tensor([1.0, 2.0], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ag.grad((w * w).sum(), w, create_graph=True)
            (w * w).sum().backward()
