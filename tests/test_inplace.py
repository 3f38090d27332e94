"""In-place ops: version counters, detection of modified saved values, leaf protection,
differentiable in-place on non-leaves (compared with PyTorch), and views."""

import numpy as np
import pytest

import autograd as ag


def leaf(values=(1.0, 2.0, 3.0)):
    return ag.tensor(list(values), requires_grad=True)


def with_torch(program):
    """Run ``program(lib)`` with ndgrad and with torch (when importable); return both results."""
    ours = program(ag)
    torch = pytest.importorskip("torch")
    return ours, program(torch)


def assert_same(ours, theirs):
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(a.detach().numpy()), b.detach().numpy(), rtol=1e-6)


# ---- version counter -----------------------------------------------------------------------
@pytest.mark.parametrize("mutate", [
    lambda t: t.__iadd__(1),
    lambda t: t.__isub__(ag.ones(3)),
    lambda t: t.__imul__(2.0),
    lambda t: t.__itruediv__(2),
    lambda t: t.__setitem__(0, 5.0),
    lambda t: t.__setitem__(slice(1, None), ag.tensor([7.0, 8.0])),
    lambda t: t.copy_(ag.tensor([4.0, 5.0, 6.0])),
    lambda t: t.fill_(3.0),
    lambda t: t.zero_(),
    lambda t: t.add_(ag.ones(3), alpha=2),
    lambda t: t.sub_(1),
    lambda t: t.mul_(3),
    lambda t: t.div_(4),
    lambda t: t.clamp_(0, 1),
], ids=["iadd", "isub", "imul", "itruediv", "setitem", "setitem_slice", "copy_", "fill_",
        "zero_", "add_", "sub_", "mul_", "div_", "clamp_"])
def test_each_inplace_op_bumps_the_version_once(mutate):
    t = ag.tensor([1.0, 2.0, 3.0])
    array = t.detach().numpy()
    assert t._version == 0
    mutate(t)
    assert t._version == 1
    assert t.detach().numpy() is array  # the memory is written, not replaced


def test_inplace_values():
    t = ag.tensor([1.0, 2.0, 3.0])
    t += 1
    t *= 2
    t -= ag.tensor([1.0, 1.0, 1.0])
    t /= 2
    t.add_(ag.ones(3), alpha=3)
    np.testing.assert_array_equal(t.detach().numpy(), [4.5, 5.5, 6.5])
    t[1:] = ag.tensor([0.0, -1.0])
    np.testing.assert_array_equal(t.detach().numpy(), [4.5, 0, -1])
    t.copy_(ag.tensor(2.0))  # broadcast
    np.testing.assert_array_equal(t.detach().numpy(), [2, 2, 2])


def test_data_is_an_unrecorded_alias_as_in_torch():
    t = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = t.exp()
    t.data = ag.zeros(3)  # torch: assigning .data is not an in-place change
    assert t._version == 0
    array = t.detach().numpy()
    d = t.data
    assert isinstance(d, ag.Tensor) and d is not t and not d.requires_grad and d.is_leaf
    t.data -= 1  # an in-place change of the alias: t's memory, t's version stays
    d.add_(1)
    assert t._version == 0 and d._version == 1
    assert t.detach().numpy() is array
    np.testing.assert_array_equal(array, [0, 0, 0])
    y.sum().backward()  # the graph saved exp(t) and uses it, unaware of the change (as torch)
    np.testing.assert_allclose(t.grad.numpy(), np.exp([1.0, 2.0, 3.0]), rtol=1e-6)


def test_data_update_with_a_tensor_operand():
    x = leaf()
    (x * x).sum().backward()
    x.data -= 0.5 * x.grad
    np.testing.assert_array_equal(x.detach().numpy(), [0, 0, 0])
    assert x._version == 0


def test_inplace_into_an_int_tensor_refuses_a_float_result():
    t = ag.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        t += 2.5
    np.testing.assert_array_equal(t.detach().numpy(), [1, 2])


def test_copy_fill_and_setitem_convert_any_value_as_pytorch():
    t = ag.zeros(3, dtype=ag.int64)
    t.copy_(ag.tensor([1.7, -1.7, 2.0]))  # toward zero, as torch converts
    np.testing.assert_array_equal(t.numpy(), [1, -1, 2])
    t.fill_(2.7)
    t[0] = -3.9
    np.testing.assert_array_equal(t.numpy(), [-3, 2, 2])
    flags = ag.zeros(2, dtype=ag.bool)
    flags.copy_(ag.tensor([0.5, 0.0]))
    np.testing.assert_array_equal(flags.numpy(), [True, False])


# ---- detection of modified saved values ----------------------------------------------------
def test_modified_saved_input_is_detected_naming_op_and_versions():
    x = leaf()
    h = x * 1
    y = h.sin()
    h += 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation") as info:
        y.sum().backward()
    message = str(info.value)
    assert "SinBackward" in message
    assert "version 1" in message and "expected version 0" in message


def test_modified_saved_output_is_detected():
    x = leaf()
    y = x.exp()
    y += 1
    with pytest.raises(RuntimeError, match="ExpBackward") as info:
        y.sum().backward()
    assert "output" in str(info.value)


def test_modified_constant_saved_by_mul_is_detected():
    x, w = leaf(), ag.tensor([1.0, 2.0, 3.0])
    y = x * w
    w[0] = 10.0
    with pytest.raises(RuntimeError, match="MulBackward"):
        y.sum().backward()


def test_self_multiplication_in_place_is_detected():
    """y *= y overwrites the y its MulBackward saved: PyTorch refuses this too."""
    y = leaf() * 2
    y *= y
    with pytest.raises(RuntimeError, match="MulBackward"):
        y.sum().backward()


def test_leaf_modified_under_no_grad_after_use_is_detected():
    x = leaf()
    y = x.sin()
    with ag.no_grad():
        x += 1
    with pytest.raises(RuntimeError, match="SinBackward"):
        y.sum().backward()


def test_inplace_that_invalidates_nothing_still_works():
    """Add saves nothing, so changing its input afterwards is fine (as in PyTorch)."""
    def program(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x * 2
        y = h + 1
        h += 1
        (y.sum() + (h * h).sum()).backward()
        return (x.grad,)

    x_grad = program(ag)[0]
    np.testing.assert_array_equal(x_grad.detach().numpy(), [2 + 4 * 3, 2 + 4 * 5])
    assert_same(*with_torch(program))


def test_constant_modified_after_an_add_is_fine():
    x, c = leaf(), ag.tensor([1.0, 1.0, 1.0])
    y = (x + c).sum()
    c += 5
    y.backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [1, 1, 1])


# ---- leaves that require grad --------------------------------------------------------------
@pytest.mark.parametrize("mutate", [
    lambda t: t.__iadd__(1),
    lambda t: t.__imul__(2),
    lambda t: t.__setitem__(0, 1.0),
    lambda t: t.zero_(),
    lambda t: t.fill_(1),
    lambda t: t.copy_(ag.zeros(3)),
    lambda t: t.add_(1),
], ids=["iadd", "imul", "setitem", "zero_", "fill_", "copy_", "add_"])
def test_inplace_on_a_leaf_requiring_grad_is_refused(mutate):
    x = leaf()
    with pytest.raises(RuntimeError, match="leaf") as info:
        mutate(x)
    assert "no_grad" in str(info.value)
    np.testing.assert_array_equal(x.detach().numpy(), [1, 2, 3])
    assert x._version == 0


def test_inplace_on_a_leaf_is_allowed_under_no_grad():
    x = leaf()
    (x * x).sum().backward()
    with ag.no_grad():
        x -= 0.5 * x.grad
        x[0] = 10.0
        x.mul_(2)
    np.testing.assert_array_equal(x.detach().numpy(), [20, 2 * (2 - 2), 2 * (3 - 3)])
    assert x.is_leaf and x.requires_grad and x.grad_fn is None
    assert x._version == 3


# ---- differentiable in-place on non-leaves -----------------------------------------------
def test_setitem_on_a_non_leaf():
    """y = x * 1; y[0] = x[1] * 5: dy.sum()/dx = [0, 1 + 5, 1]."""
    def program(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 1
        y[0] = x[1] * 5
        y.sum().backward()
        return x.grad, y

    (x_grad, y), theirs = with_torch(program)
    np.testing.assert_array_equal(x_grad.detach().numpy(), [0, 6, 1])
    np.testing.assert_array_equal(y.detach().numpy(), [10, 2, 3])
    assert_same((x_grad,), theirs[:1])


def test_imul_on_a_non_leaf():
    def program(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 1
        y[0] = x[1] * 5
        y *= 2
        (y * y).sum().backward()
        return (x.grad,)

    ours, theirs = with_torch(program)
    np.testing.assert_array_equal(ours[0].detach().numpy(), [0, 8 * 10 * 5 + 8 * 2, 8 * 3])
    assert_same(ours, theirs)


@pytest.mark.parametrize("name", ["copy", "fill", "add_alpha", "div_sub", "mask", "index_value",
                                  "into_constant"])
def test_inplace_programs_match_torch(name):
    def program(lib):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        z = lib.tensor([4.0, 5.0, 6.0], requires_grad=True)
        y = x * 2
        if name == "copy":
            y.copy_(z * 3)
        elif name == "fill":
            y.fill_(3.0)
            y = y * x
        elif name == "add_alpha":
            y.add_(z, alpha=3)
        elif name == "div_sub":
            y /= x
            y -= z
        elif name == "mask":
            y[y < 0] = 0
        elif name == "index_value":
            y[[0, 2]] = z[:2] * z[:2]
            y[1:2] = 0.5
        else:
            y = lib.zeros(3, dtype=x.dtype)
            y += x * z
        (y * y * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        return x.grad, z.grad if z.grad is not None else lib.zeros(3), y

    assert_same(*with_torch(program))


def test_non_leaf_inplace_updates_grad_fn():
    x = leaf()
    y = x * 2
    node = y.grad_fn
    y += 1
    assert y.grad_fn is not node and repr(y.grad_fn) == "<AddBackward0>"
    assert not y.is_leaf and y._version == 1


def test_inplace_on_a_constant_with_a_grad_operand_makes_it_a_non_leaf():
    a, x = ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0], requires_grad=True)
    a += x
    assert a.requires_grad and not a.is_leaf
    a.sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [1, 1])


def test_setitem_broadcasts_a_one_element_value():
    t = ag.zeros(3)
    t[0] = ag.ones(1) * 5
    np.testing.assert_array_equal(t.detach().numpy(), [5, 0, 0])


def test_inplace_through_a_view_of_a_non_leaf():
    def program(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 1
        y[0:2] *= 2
        y.sum().backward()
        return (x.grad,)

    ours, theirs = with_torch(program)
    np.testing.assert_array_equal(ours[0].detach().numpy(), [2, 2, 1])
    assert_same(ours, theirs)


# ---- views ---------------------------------------------------------------------------------
def test_views_share_memory_and_the_version_counter():
    t = ag.zeros(4)
    views = [t[1:3], t.reshape(2, 2), t.detach(), t.T, t.view(4, 1), t.unsqueeze(0)]
    t += 1
    assert [v._version for v in views] == [1] * len(views)
    views[0][0] = 5.0  # writes through to t
    assert t._version == 2 and views[1]._version == 2
    np.testing.assert_array_equal(t.detach().numpy(), [1, 5, 1, 1])
    np.testing.assert_array_equal(views[1].detach().numpy(), [[1, 5], [1, 1]])


def test_copies_do_not_share_the_version_counter():
    t = ag.zeros(4)
    copies = [t.clone(), t[[0, 1]], t * 1, ag.tensor(t)]
    t += 1
    assert [c._version for c in copies] == [0] * len(copies)
    np.testing.assert_array_equal(copies[0].detach().numpy(), [0, 0, 0, 0])


def test_modifying_a_saved_tensor_through_a_view_is_detected():
    x = leaf()
    h = x * 1
    y = h.sin()
    with ag.no_grad():
        view = h[0:1]
        view += 1
    with pytest.raises(RuntimeError, match="SinBackward"):
        y.sum().backward()


def test_modifying_a_saved_tensor_through_detach_is_detected():
    x = leaf()
    y = x.sin()
    d = x.detach()
    d += 1
    assert x._version == 1
    np.testing.assert_array_equal(x.detach().numpy(), [2, 3, 4])
    with pytest.raises(RuntimeError, match="SinBackward"):
        y.sum().backward()


def test_inplace_through_a_kept_view_updates_the_base_graph():
    def program(lib):
        x = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        y = x * x
        row = y[0:2]
        row *= y[2:4].clone() + x[0:2]  # the write goes through to y's graph
        row += 1
        (y * lib.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
        return (x.grad, row.detach())

    ours, theirs = with_torch(program)
    assert_same(ours, theirs)


def test_inplace_on_a_view_of_a_leaf_is_refused():
    x = leaf()
    with pytest.raises(RuntimeError, match="leaf"):
        x[0:2] *= 2
