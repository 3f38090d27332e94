"""Exact values at the places where a gradient is a convention: kinks, ties, repeated indices,
zeros in products and extreme inputs. Each matches PyTorch's choice (or says where it differs)."""

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag


def grad_of(fn, values, dtype=ag.float64):
    x = ag.tensor(values, dtype=dtype, requires_grad=True)
    fn(x).sum().backward()
    return x.grad.detach().numpy()


def test_relu_derivative_at_zero_is_zero():
    np.testing.assert_array_equal(grad_of(lambda x: x.relu(), [-1.0, 0.0, 2.0]), [0, 0, 1])


def test_abs_derivative_at_zero_is_zero():
    np.testing.assert_array_equal(grad_of(lambda x: x.abs(), [-1.0, 0.0, 2.0]), [-1, 0, 1])


def test_clamp_passes_gradient_at_its_bounds():
    grads = grad_of(lambda x: x.clamp(-1, 1), [-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(grads, [0, 1, 1, 1, 0])


def test_full_max_and_min_split_ties_evenly():
    np.testing.assert_array_equal(grad_of(lambda x: x.max(), [3.0, 1.0, 3.0, 3.0]), [1 / 3, 0, 1 / 3, 1 / 3])
    np.testing.assert_array_equal(grad_of(lambda x: x.min(), [0.0, 0.0, 5.0]), [0.5, 0.5, 0])


def test_amax_over_a_dim_splits_ties_per_row():
    grads = grad_of(lambda x: x.amax(dim=1), [[2.0, 2.0, 1.0], [0.0, 4.0, 4.0]])
    np.testing.assert_array_equal(grads, [[0.5, 0.5, 0], [0, 0.5, 0.5]])


def test_maximum_and_minimum_split_ties_between_inputs():
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = ag.tensor([1.0, 5.0, 0.0], requires_grad=True)
    (ag.maximum(a, b) + 10 * ag.minimum(a, b)).sum().backward()
    np.testing.assert_array_equal(a.grad.detach().numpy(), [5.5, 10, 1])
    np.testing.assert_array_equal(b.grad.detach().numpy(), [5.5, 1, 10])


def test_max_with_dim_routes_the_gradient_to_the_returned_index():
    x = ag.tensor([[2.0, 2.0, 1.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    values.sum().backward()
    assert indices.tolist() == [0]  # the first maximal element, as PyTorch documents
    np.testing.assert_array_equal(x.grad.detach().numpy(), [[1, 0, 0]])


def test_repeated_indices_accumulate():
    np.testing.assert_array_equal(grad_of(lambda x: x[[0, 0, 2, 0]], [1.0, 2.0, 3.0]), [3, 0, 1])
    np.testing.assert_array_equal(
        grad_of(lambda x: x.gather(1, ag.tensor([[1, 1, 0]])), [[5.0, 6.0]]), [[1, 2]])
    np.testing.assert_array_equal(
        grad_of(lambda x: x[ag.tensor([1, 1])][:, [0, 0]], [[0.0, 0.0], [0.0, 0.0]]), [[0, 0], [4, 0]])


def test_bool_mask_gradient_lands_on_selected_elements():
    np.testing.assert_array_equal(
        grad_of(lambda x: x[x > 1] * 2, [0.0, 2.0, 3.0]), [0, 2, 2])


def test_repeated_writes_give_gradient_only_to_the_write_that_lands():
    """x[[0, 0]] = v keeps v[1]; PyTorch leaves this undefined (and credits both writes)."""
    v = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.zeros(3, dtype=ag.float32) * 1
    y[[0, 0]] = v
    assert y.tolist() == [2.0, 0.0, 0.0]
    y.sum().backward()
    np.testing.assert_array_equal(v.grad.detach().numpy(), [0, 1])


def test_prod_gradient_is_exact_with_zeros():
    np.testing.assert_array_equal(grad_of(lambda x: x.prod(), [2.0, 0.0, 3.0]), [0, 6, 0])
    np.testing.assert_array_equal(grad_of(lambda x: x.prod(), [0.0, 0.0, 3.0]), [0, 0, 0])
    np.testing.assert_array_equal(grad_of(lambda x: x.prod(dim=0), [[0.0, 2.0], [4.0, 5.0]]),
                                  [[4, 5], [0, 2]])


def test_pow_with_zero_exponent_and_zero_base():
    x = ag.tensor([0.0, 2.0], dtype=ag.float64, requires_grad=True)
    y = ag.tensor([0.0, 0.0], dtype=ag.float64, requires_grad=True)
    (x ** y).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [0, 0])
    np.testing.assert_array_equal(y.grad.detach().numpy(), [0, np.log(2)])
    np.testing.assert_array_equal(grad_of(lambda t: t ** 0, [0.0, 3.0]), [0, 0])


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
def test_sigmoid_tanh_and_softmax_are_finite_at_plus_minus_1000(dtype):
    values = [-1000.0, -1.0, 0.0, 1000.0]
    for fn in (lambda x: x.sigmoid(), lambda x: x.tanh(), lambda x: x.softmax(0),
               lambda x: x.log_softmax(0), lambda x: x.logsumexp(0)):
        x = ag.tensor(values, dtype=dtype, requires_grad=True)
        out = fn(x)
        assert np.isfinite(out.detach().numpy()).all()
        out.sum().backward()
        assert np.isfinite(x.grad.detach().numpy()).all()
    np.testing.assert_allclose(ag.tensor(values, dtype=dtype).sigmoid().numpy(), [0, 1 / (1 + np.e), 0.5, 1],
                               rtol=1e-6)


def test_logsumexp_of_large_values_does_not_overflow():
    x = ag.tensor([1000.0, 1000.0], dtype=ag.float64)
    assert x.logsumexp(0).item() == pytest.approx(1000 + np.log(2))


def test_sqrt_at_zero_gives_infinite_gradient_like_pytorch():
    with np.errstate(divide="ignore"):
        assert np.isinf(grad_of(lambda x: x.sqrt(), [0.0])).all()


@requires_torch
def test_conventions_agree_with_pytorch():
    cases = [(lambda x: x.relu(), [0.0, -0.0, 1.0]), (lambda x: x.abs(), [0.0, 1.0]),
             (lambda x: x.max(), [1.0, 1.0, 0.0]), (lambda x: x.amax(0), [2.0, 2.0]),
             (lambda x: x.prod(), [0.0, 2.0, 3.0]), (lambda x: x.clamp(0, 1), [0.0, 1.0, 2.0]),
             (lambda x: x[[0, 0]], [1.0, 2.0]), (lambda x: x.sigmoid(), [-1000.0, 1000.0])]
    for fn, values in cases:
        mine = grad_of(fn, values)
        t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
        fn(t).sum().backward()
        np.testing.assert_array_equal(mine, t.grad.numpy())


class TestSignOfSpecialValues:
    VALUES = [float("nan"), -0.0, 0.0, float("inf"), -float("inf"), -2.5]

    @pytest.mark.parametrize("op", ["sign", "sgn"])
    def test_sign_of_nan_is_zero_and_of_signed_zeros_zero(self, op):
        result = getattr(ag.tensor(self.VALUES), op)()
        np.testing.assert_array_equal(result.numpy(), [0.0, 0.0, 0.0, 1.0, -1.0, -1.0])
        if torch is not None:
            np.testing.assert_array_equal(result.numpy(), getattr(torch.tensor(self.VALUES), op)().numpy())

    @pytest.mark.parametrize("values, dtype", [([-2, 0, 3], ag.int64), ([0, 3], ag.uint8),
                                               ([True, False], ag.bool_)])
    def test_sign_keeps_integer_and_bool_dtypes(self, values, dtype):
        result = ag.tensor(values, dtype=dtype).sign()
        assert result.dtype == dtype
        if torch is not None:
            expected = torch.tensor(values, dtype=getattr(torch, str(dtype)[6:])).sign()
            assert result.tolist() == expected.tolist() and str(result.dtype) == str(expected.dtype)
