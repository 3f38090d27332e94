"""cat and stack scale linearly in the number of inputs (the dtype is promoted once, not once per
input): 100,000 inputs go forward and backward in well under a second each."""

import numpy as np
import pytest

import autograd as ag

N = 100_000


@pytest.fixture(scope="module")
def leaves():
    """N one-element-pair leaves, the last one float64 (so the result is promoted)."""
    xs = [ag.tensor([float(i), -float(i)], requires_grad=True) for i in range(N - 1)]
    return xs + [ag.tensor([1.5, 2.5], dtype=ag.float64, requires_grad=True)]


class TestManyInputs:
    @pytest.mark.parametrize("op, dim, shape", [("cat", 0, (2 * N,)), ("stack", 1, (2, N))])
    def test_forward_and_backward_of_100000_inputs(self, leaves, op, dim, shape):
        for x in leaves:
            x.grad = None
        y = getattr(ag, op)(leaves, dim)
        assert y.shape == shape and y.dtype == ag.float64
        weights = np.arange(y.numel(), dtype=np.float64).reshape(shape)
        (y * ag.tensor(weights)).sum().backward()
        first, middle, last = leaves[0].grad, leaves[N // 2].grad, leaves[-1].grad
        step = 1 if op == "cat" else N  # the weight of an input's second element, after its first
        assert first.dtype == ag.float32 and last.dtype == ag.float64
        np.testing.assert_array_equal(first.numpy(), [0.0, step])
        expected = N // 2 * 2 if op == "cat" else N // 2
        np.testing.assert_array_equal(middle.numpy(), [expected, expected + step])
        np.testing.assert_array_equal(y[-2:].detach().numpy() if op == "cat" else y[:, -1].detach().numpy(),
                                      [1.5, 2.5])

    def test_mixed_int_and_bool_inputs_promote_once_as_torch(self):
        parts = [ag.tensor([True]), ag.tensor([2], dtype=ag.int32), ag.tensor([3], dtype=ag.int64)] * 1000
        y = ag.cat(parts)
        assert y.dtype == ag.int64 and y[:3].tolist() == [1, 2, 3] and y.shape == (3000,)
