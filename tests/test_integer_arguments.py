"""Integer arguments (dims, sizes, counts, k, offsets) take any integral as PyTorch does: Python
and NumPy integers and 0-d integer tensors, and refuse bools and floats with a TypeError that
names the function and the argument."""

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag

KINDS = {  # name -> how to make the integer v with library lib
    "int": lambda lib, v: v,
    "numpy.int64": lambda lib, v: np.int64(v),
    "numpy.int32": lambda lib, v: np.int32(v),
    "numpy.uint8": lambda lib, v: np.uint8(v),
    "0-d int64 tensor": lambda lib, v: lib.tensor(v),
    "0-d int32 tensor": lambda lib, v: lib.tensor(v, dtype=lib.int32),
}


def functional(lib):
    return torch.nn.functional if lib is torch else OURS.nn.functional


INDEX = np.zeros((2, 1, 4), dtype=np.int64)
CALLS = {  # name -> fn(lib, x, one) with x = arange(24.).reshape(2, 3, 4) and one the integer 1
    "sum(dim)": lambda lib, x, d: x.sum(d), "sum(dims)": lambda lib, x, d: x.sum((d, 0)),
    "sum(dim=)": lambda lib, x, d: x.sum(dim=d), "mean": lambda lib, x, d: x.mean(d),
    "std": lambda lib, x, d: x.std(d), "var": lambda lib, x, d: x.var(d), "amax": lambda lib, x, d: x.amax(d),
    "argmax": lambda lib, x, d: x.argmax(d), "logsumexp": lambda lib, x, d: x.logsumexp(d),
    "prod": lambda lib, x, d: x.prod(d), "all": lambda lib, x, d: x.all(d),
    "count_nonzero": lambda lib, x, d: x.count_nonzero(d), "median": lambda lib, x, d: x.median(d)[0],
    "softmax": lambda lib, x, d: x.softmax(d), "log_softmax": lambda lib, x, d: x.log_softmax(d),
    "cumsum": lambda lib, x, d: x.cumsum(d), "cumprod": lambda lib, x, d: x.cumprod(d),
    "cat": lambda lib, x, d: lib.cat([x, x], d), "stack": lambda lib, x, d: lib.stack([x, x], d),
    "unsqueeze": lambda lib, x, d: x.unsqueeze(d), "squeeze": lambda lib, x, d: x[:, :1].squeeze(d),
    "transpose": lambda lib, x, d: x.transpose(d, 0), "swapdims": lambda lib, x, d: x.swapdims(d, 0),
    "permute": lambda lib, x, d: x.permute(d, 0, 2), "flatten": lambda lib, x, d: x.flatten(d),
    "reshape": lambda lib, x, d: x.reshape(d * 2, 12),
    "reshape(tuple)": lambda lib, x, d: x.reshape((d * 2, -1)),
    "view": lambda lib, x, d: x.view(d * 2, 12), "expand": lambda lib, x, d: x[:1].expand(d * 2, 3, 4),
    "repeat": lambda lib, x, d: x.repeat(d, 2, 1, 1), "tile": lambda lib, x, d: x.tile((d,)),
    "chunk(chunks)": lambda lib, x, d: x.chunk(d * 2, 0)[0], "chunk(dim)": lambda lib, x, d: x.chunk(2, d)[0],
    "split(dim)": lambda lib, x, d: x.split(1, d)[0], "narrow": lambda lib, x, d: x.narrow(d, 0, d),
    "unbind": lambda lib, x, d: x.unbind(d)[0], "movedim": lambda lib, x, d: x.movedim(d, 0),
    "topk": lambda lib, x, d: x.topk(d)[0], "kthvalue": lambda lib, x, d: x.kthvalue(d)[0],
    "sort": lambda lib, x, d: x.sort(d)[0], "argsort": lambda lib, x, d: x.argsort(d),
    "gather": lambda lib, x, d: x.gather(d, lib.tensor(INDEX)),
    "take_along_dim": lambda lib, x, d: x.take_along_dim(lib.tensor(INDEX), d),
    "index_select": lambda lib, x, d: x.index_select(d, lib.tensor([0])),
    "flip": lambda lib, x, d: x.flip(d), "roll(shifts)": lambda lib, x, d: x.roll(d, 0),
    "roll(dims)": lambda lib, x, d: x.roll(1, d), "diagonal": lambda lib, x, d: x.diagonal(d),
    "tril": lambda lib, x, d: x.tril(d), "diag": lambda lib, x, d: x[0].diag(d),
    "repeat_interleave": lambda lib, x, d: x.repeat_interleave(d),
    "repeat_interleave(dim)": lambda lib, x, d: x.repeat_interleave(2, d),
    "size": lambda lib, x, d: x.size(d), "getitem": lambda lib, x, d: x[d],
    "getitem(tuple)": lambda lib, x, d: x[0, d],
    "zeros": lambda lib, x, d: lib.zeros(d, 2), "zeros(tuple)": lambda lib, x, d: lib.zeros((d, 2)),
    "ones": lambda lib, x, d: lib.ones(d), "full": lambda lib, x, d: lib.full((d,), 1.0),
    "empty": lambda lib, x, d: lib.empty(d).shape, "randn": lambda lib, x, d: lib.randn(d).shape,
    "eye": lambda lib, x, d: lib.eye(d), "arange": lambda lib, x, d: lib.arange(d),
    "linspace": lambda lib, x, d: lib.linspace(0, 1, d), "new_zeros": lambda lib, x, d: x.new_zeros(d),
    "std(correction)": lambda lib, x, d: x.std(0, correction=d),
    "multinomial": lambda lib, x, d: lib.multinomial(lib.ones(3), d).shape,
    "one_hot": lambda lib, x, d: functional(lib).one_hot(lib.tensor([0]), d + 1),
    "normalize(dim)": lambda lib, x, d: functional(lib).normalize(x, dim=d),
    "cosine_similarity(dim)": lambda lib, x, d: functional(lib).cosine_similarity(x, x, d),
    "cross_entropy(ignore_index)": lambda lib, x, d: functional(lib).cross_entropy(
        x, lib.zeros(2, 4, dtype=lib.long), ignore_index=d),
    "bincount(minlength)": lambda lib, x, d: lib.tensor([0, 1]).bincount(minlength=d),
    "histc(bins)": lambda lib, x, d: lib.histc(x, d),
    "Linear": lambda lib, x, d: lib.nn.Linear(d * 4, d * 2)(x).shape,
}
# PyTorch is stricter here (F.layer_norm wants a tuple, LayerNorm cannot take a 0-d tensor,
# Unflatten refuses NumPy integers); ndgrad takes any integral in these too
NDGRAD_ALSO = {
    "layer_norm(normalized_shape)": lambda lib, x, d: functional(lib).layer_norm(x, d * 4),
    "LayerNorm": lambda lib, x, d: lib.nn.LayerNorm(d * 4)(x),
    "Unflatten": lambda lib, x, d: lib.nn.Unflatten(2, (d * 2, d * 2))(x),
}


def _result(value):
    if isinstance(value, (OURS.Tensor, getattr(torch, "Tensor", OURS.Tensor))):
        return np.asarray(value.detach().numpy())
    return value


@pytest.mark.parametrize("kind", list(KINDS))
class TestIntegralArguments:
    @pytest.mark.parametrize("call", list(CALLS) + list(NDGRAD_ALSO))
    def test_any_integral_gives_what_the_int_gives(self, call, kind):
        fn, x = {**CALLS, **NDGRAD_ALSO}[call], ag.arange(24.0).reshape(2, 3, 4)
        np.testing.assert_array_equal(_result(fn(OURS, x, KINDS[kind](ag, 1))), _result(fn(OURS, x, 1)))

    @requires_torch
    @pytest.mark.parametrize("call", list(CALLS))
    def test_same_value_as_torch(self, call, kind):
        ours = CALLS[call](OURS, ag.arange(24.0).reshape(2, 3, 4), KINDS[kind](ag, 1))
        theirs = CALLS[call](torch, torch.arange(24.0).reshape(2, 3, 4), KINDS[kind](torch, 1))
        np.testing.assert_allclose(_result(ours), _result(theirs), rtol=1e-6)


def test_the_issue_repro():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.sum(np.int64(1)).tolist() == [3.0, 7.0]


REFUSED = {  # name -> (fn(lib, x, value), the function, its argument, and where a tuple holds it)
    "sum": (lambda lib, x, v: x.sum(v), "sum", "dim", "dims"),
    "sum(dims)": (lambda lib, x, v: x.sum((0, v)), "sum", "dim", 1),
    "argmax": (lambda lib, x, v: x.argmax(v), "argmax", "dim", "dims"),
    "unsqueeze": (lambda lib, x, v: x.unsqueeze(v), "unsqueeze", "dim", None),
    "cat": (lambda lib, x, v: lib.cat([x, x], v), "cat", "dim", None),
    "reshape": (lambda lib, x, v: x.reshape(v, 12), "reshape", "shape", 0),
    "expand": (lambda lib, x, v: x[:1].expand(v, 3, 4), "expand", "shape", 0),
    "repeat": (lambda lib, x, v: x.repeat(v, 1, 1), "repeat", "sizes", 0),
    "chunk": (lambda lib, x, v: x.chunk(v), "chunk", "chunks", None),
    "narrow": (lambda lib, x, v: x.narrow(0, 0, v), "narrow", "length", None),
    "topk": (lambda lib, x, v: x.topk(v), "topk", "k", None),
    "kthvalue": (lambda lib, x, v: x.kthvalue(v), "kthvalue", "k", None),
    "tril": (lambda lib, x, v: x.tril(v), "tril", "diagonal", None),
    "size": (lambda lib, x, v: x.size(v), "size", "dim", None),
    "zeros": (lambda lib, x, v: lib.zeros(v, 2), "zeros", "size", 0),
    "ones(tuple)": (lambda lib, x, v: lib.ones((2, v)), "ones", "size", 1),
    "eye": (lambda lib, x, v: lib.eye(v), "eye", "n", None),
    "linspace": (lambda lib, x, v: lib.linspace(0, 1, v), "linspace", "steps", None),
    "multinomial": (lambda lib, x, v: lib.multinomial(lib.ones(3), v), "multinomial", "num_samples", None),
}
NOT_INTEGERS = {"bool": lambda lib: True, "float": lambda lib: 1.0,
                "numpy.float64": lambda lib: np.float64(1.0), "0-d float tensor": lambda lib: lib.tensor(1.0),
                "0-d bool tensor": lambda lib: lib.tensor(True)}
# PyTorch's parser takes a bool inside sum's dims and ones' sizes (not in reshape's, flip's or
# repeat's), and a 0-d bool tensor as sum's dim or one of its dims
TORCH_LENIENT = {("sum(dims)", "bool"), ("ones(tuple)", "bool"), ("sum", "0-d bool tensor"),
                 ("sum(dims)", "0-d bool tensor")}


def refusal(call, value):
    """PyTorch's message for ``value`` given to the argument of ``call``, and ndgrad's hint."""
    _, op, argument, where = REFUSED[call]
    shown = "Tensor" if value.startswith("0-d") else value
    if where is None:
        return rf"^{op}\(\): argument '{argument}' must be int, not {shown}$"
    if where == "dims":
        return rf"^{op}\(\): argument 'dim' must be an int or a tuple of ints, not {shown} \("
    return (rf"^{op}\(\): argument '{argument}' must be tuple of ints, but found element of type "
            rf"{shown} at pos {where}$")


@pytest.mark.parametrize("value", list(NOT_INTEGERS))
@pytest.mark.parametrize("call", list(REFUSED))
class TestRefusedArguments:
    def test_bools_and_floats_are_refused_by_name(self, call, value):
        with pytest.raises(TypeError, match=refusal(call, value)):
            REFUSED[call][0](ag, ag.arange(24.0).reshape(2, 3, 4), NOT_INTEGERS[value](ag))

    @requires_torch
    def test_torch_refuses_them_too(self, call, value):
        if (call, value) in TORCH_LENIENT:
            pytest.skip("PyTorch takes this one (ndgrad refuses it, as PyTorch's other int lists do)")
        with pytest.raises((TypeError, RuntimeError)):
            REFUSED[call][0](torch, torch.arange(24.0).reshape(2, 3, 4), NOT_INTEGERS[value](torch))


class TestDimLists:
    @pytest.mark.parametrize("dims", [(np.int64(0), 2), [np.int32(2), 0], (ag.tensor(0), ag.tensor(2))])
    def test_dims_lists_mix_any_integrals(self, dims):
        x = ag.arange(24.0).reshape(2, 3, 4)
        assert x.sum(dims).tolist() == x.sum((0, 2)).tolist()
        assert x.flip(dims).tolist() == x.flip((0, 2)).tolist()

    def test_a_1d_integer_tensor_is_a_list_of_dims(self):
        x = ag.arange(24.0).reshape(2, 3, 4)
        assert x.sum(ag.tensor([0, 2])).tolist() == x.sum((0, 2)).tolist()
        assert ag.zeros(ag.tensor([2, 3])).shape == (2, 3)

    def test_a_dims_argument_that_is_no_sequence_is_refused(self):
        with pytest.raises(TypeError, match=r"^flip\(\): argument 'dims' must be tuple of ints, but found "
                                            r"element of type float at pos 0$"):
            ag.ones(2).flip(0.5)

    def test_legacy_std_overload_takes_unbiased(self):
        x = ag.tensor([1.0, 2.0, 4.0])
        assert x.std(False).item() == pytest.approx(x.std(correction=0).item())
        assert x.var(True).item() == pytest.approx(x.var().item())

    def test_size_of_a_0d_tensor_names_the_problem(self):
        with pytest.raises(IndexError, match=r"^size: dimension specified as 0 but the tensor has no dim"):
            ag.tensor(1.0).size(0)
        with pytest.raises(IndexError, match=r"^size: dim 3 is out of range for a tensor with 1 dims"):
            ag.ones(2).size(3)
