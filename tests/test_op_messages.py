"""Messages that used to name an internal op, repeat the op's name or give a hint about something
else: bitwise ops on floats, integer powers, where's condition, in-place shapes, layer sizes, the
dtype refusals raised inside a forward. Each message is pinned; torch raises too (or gives the
values compared)."""

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag
import nn

X = (np.arange(6.0).reshape(2, 3) - 2).astype(np.float32)
XI = np.arange(6).reshape(2, 3) - 2


def _pair(lib, array):
    return lib.tensor(array)


class TestBitwiseAndLogical:
    @requires_torch
    @pytest.mark.parametrize("op", ["__and__", "__or__", "__xor__"])
    @pytest.mark.parametrize("other", ["float", "int", 1.5])
    def test_bitwise_operators_refuse_floats(self, op, other):
        def call(lib):
            left = _pair(lib, X if other != "int" else XI)
            right = _pair(lib, XI if other == "int" else X) if isinstance(other, str) else other
            if other == "int":
                left, right = right, _pair(lib, X)
            return getattr(left, op)(right)

        name = {"__and__": "bitwise_and", "__or__": "bitwise_or", "__xor__": "bitwise_xor"}[op]
        with pytest.raises(NotImplementedError, match=rf"^{name}: \"{name}_cpu\" not implemented for "
                                                      rf"'Float' \(input dtype float32\)\. Hint: bitwise "
                                                      rf"ops take bool or integer tensors; for truth "
                                                      rf"values use logical_{name[8:]}$"):
            call(OURS)
        with pytest.raises(NotImplementedError, match=f'"{name}_cpu" not implemented for'):
            call(torch)

    @requires_torch
    def test_invert_of_a_float_is_a_type_error(self):
        with pytest.raises(TypeError, match=r"^~ \(operator\.invert\) is only implemented on integer and "
                                            r"Boolean-type tensors, got float32\. Hint: for a mask"):
            ~ag.tensor(X)
        with pytest.raises(TypeError, match="only implemented on integer and Boolean-type tensors"):
            ~torch.tensor(X)
        with pytest.raises(NotImplementedError, match="^bitwise_not: \"bitwise_not_cpu\" not implemented"):
            ag.bitwise_not(ag.tensor(X))

    @requires_torch
    @pytest.mark.parametrize("call", [
        lambda lib, a, b: a & b, lambda lib, a, b: a | b, lambda lib, a, b: a ^ b, lambda lib, a, b: ~a,
        lambda lib, a, b: lib.bitwise_and(a, b), lambda lib, a, b: a & 6, lambda lib, a, b: True & (a > 0),
        lambda lib, a, b: lib.logical_and(a, b), lambda lib, a, b: lib.logical_or(a, b),
        lambda lib, a, b: lib.logical_xor(a, b), lambda lib, a, b: lib.logical_not(a),
        lambda lib, a, b: a.logical_not(), lambda lib, a, b: lib.logical_and(a.float(), b),
        lambda lib, a, b: lib.logical_not(a.float()),
    ])
    def test_values_and_dtypes_match_torch(self, call):
        """logical_* work on the truth values of any dtype; the operators are bitwise."""
        ours = call(OURS, _pair(OURS, XI), _pair(OURS, XI[::-1].copy()))
        theirs = call(torch, _pair(torch, XI), _pair(torch, XI[::-1].copy()))
        assert ours.tolist() == theirs.tolist() and str(ours.dtype) == str(theirs.dtype)


class TestIntegerPowers:
    @requires_torch
    @pytest.mark.parametrize("exponent", [-1, -2])
    def test_a_negative_int_exponent_is_refused(self, exponent):
        with pytest.raises(ag.OpError, match=rf"^pow: Integers to negative integer powers are not allowed "
                                             rf"\(a int64 tensor \*\* {exponent}\)\. Hint: use a floating "
                                             r"point base"):
            ag.tensor(XI) ** exponent
        with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed"):
            torch.tensor(XI) ** exponent

    @requires_torch
    @pytest.mark.parametrize("call", [
        lambda lib: lib.tensor([2, 1, -1, 0, -1, 3]) ** lib.tensor([-1, -2, -3, -1, -2, 2]),
        lambda lib: 2 ** lib.tensor([-1, 0, 3]), lambda lib: lib.tensor([-1, 1, 5]) ** lib.tensor(-3),
        lambda lib: lib.tensor([1, 2], dtype=lib.int8) ** lib.tensor([-1, 7], dtype=lib.int8),
        lambda lib: lib.tensor(XI) ** 0.5, lambda lib: lib.tensor(XI) ** 2,
    ])
    def test_tensor_exponents_follow_torch(self, call):
        ours, theirs = call(OURS), call(torch)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), equal_nan=True)
        assert str(ours.dtype) == str(theirs.dtype)


class TestWhereCondition:
    @requires_torch
    @pytest.mark.parametrize("dtype", ["float32", "int64", "int8"])
    def test_a_non_bool_condition_is_named_once_with_one_hint(self, dtype):
        cond = ag.tensor(X).to(getattr(ag, dtype))
        with pytest.raises(ag.OpError) as info:
            ag.where(cond, ag.tensor(X), 0.0)
        assert str(info.value) == (f"where: expected condition to be a boolean tensor, but got a tensor "
                                   f"with dtype {dtype}. Hint: compare first, e.g. where(x > 0, a, b), "
                                   "or call .bool()")
        with pytest.raises(RuntimeError, match="where expected condition to be a boolean tensor"):
            torch.where(torch.tensor(X).to(getattr(torch, dtype)), torch.tensor(X), 0.0)


class TestRefusalsInsideAForwardAreNotWrappedAgain:
    @requires_torch
    @pytest.mark.parametrize(("op", "dtype", "call"), [
        ("frac", "Long", lambda lib: lib.frac(lib.tensor([1, 2]))),
        ("round", "Long", lambda lib: lib.round(lib.tensor([1, 2]), decimals=1)),
        ("floor", "Bool", lambda lib: lib.floor(lib.tensor([True]))),
        ("hypot", "Long", lambda lib: lib.hypot(lib.tensor([1]), lib.tensor([2]))),
        ("logaddexp", "Long", lambda lib: lib.logaddexp(lib.tensor([1]), lib.tensor([2]))),
        ("lerp", "Long", lambda lib: lib.lerp(lib.tensor([1]), lib.tensor([2]), 0.5)),
    ])
    def test_no_kernel_for_a_dtype(self, op, dtype, call):
        with pytest.raises(NotImplementedError) as info:
            call(OURS)
        message = str(info.value)
        assert message.startswith(f"{op}: \"{op}_cpu\" not implemented for '{dtype}'")
        assert message.count(f"{op}:") == 1 and message.count("Hint:") == 1
        assert isinstance(info.value, ag.OpError)
        with pytest.raises(NotImplementedError, match=f"not implemented for '{dtype}'"):
            call(torch)

    @requires_torch
    def test_negating_a_bool_tensor(self):
        message = "Negation, the `-` operator, on a bool tensor is not supported"
        with pytest.raises(ag.OpError, match=rf"^neg: {message}\. Hint: to invert a mask, use ~x or "
                                             r"logical_not\(x\)$"):
            -ag.tensor([True])
        with pytest.raises(RuntimeError, match=message):
            -torch.tensor([True])

    def test_numpy_dtype_errors_get_a_dtype_hint_not_the_broadcasting_one(self):
        class BoolSubtract(ag.Primitive):  # NumPy refuses bool - bool with a TypeError
            op_name = "bool_subtract"
            hint = "operands could not be broadcast"

            def forward(self, a, b):
                return np.subtract(a, b)

        with pytest.raises(TypeError) as info:
            BoolSubtract.apply(ag.tensor([True]), ag.tensor([True]))
        assert "broadcast" not in str(info.value)
        assert str(info.value).startswith("bool_subtract: ")
        assert "Hint: the op does not take these dtypes" in str(info.value)


class TestInPlaceShapes:
    @requires_torch
    @pytest.mark.parametrize(("target", "source", "message"), [
        ((2, 3), (4,), r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton "
                       r"dimension 1 \(shapes \[2, 3\] and \[4\]\)"),
        ((2, 3), (3, 1), r"The size of tensor a \(2\) must match the size of tensor b \(3\) at "
                         "non-singleton dimension 0"),
        ((2, 3), (6,), r"The size of tensor a \(3\) must match the size of tensor b \(6\)"),
        ((3,), (2, 3), r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"),
    ])
    def test_copy_names_itself(self, target, source, message):
        with pytest.raises(ag.OpError, match=rf"^copy_: {message}"):
            ag.zeros(*target).copy_(ag.ones(*source))
        with pytest.raises(RuntimeError):
            torch.zeros(*target).copy_(torch.ones(*source))

    @requires_torch
    @pytest.mark.parametrize("op", ["add_", "sub_", "mul_", "div_", "__iadd__", "clamp_"])
    @pytest.mark.parametrize(("target", "other"), [((3,), (2, 3)), ((1,), (3,)), ((2, 1), (2, 4))])
    def test_an_in_place_op_cannot_grow_the_tensor(self, op, target, other):
        name = {"__iadd__": "add_"}.get(op, op)
        shape = ", ".join(map(str, np.broadcast_shapes(target, other)))
        with pytest.raises(ag.OpError, match=rf"^{name}: output with shape \[{', '.join(map(str, target))}\] "
                                             rf"doesn't match the broadcast shape \[{shape}\]"):
            getattr(ag.zeros(*target), op)(ag.ones(*other))
        with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
            getattr(torch.zeros(*target), op)(torch.ones(*other))

    def test_a_refused_in_place_op_leaves_the_graph_alone(self):
        x = ag.ones(3, requires_grad=True)
        y = x * 2
        node = y.grad_fn
        with pytest.raises(ag.OpError, match="doesn't match the broadcast shape"):
            y.add_(ag.ones(2, 3))
        assert y.grad_fn is node and y.tolist() == [2.0, 2.0, 2.0]

    @requires_torch
    def test_fill_takes_a_0d_tensor(self):
        with pytest.raises(ag.OpError, match=r"^fill_: fill_ only supports 0-dimension value tensor but got "
                                             r"tensor with 1 dimensions\."):
            ag.zeros(2, 3).fill_(ag.zeros(2))
        with pytest.raises(RuntimeError, match="fill_ only supports 0-dimension value tensor"):
            torch.zeros(2, 3).fill_(torch.zeros(2))

    @requires_torch
    @pytest.mark.parametrize(("target", "source"), [((2, 3), (3,)), ((2, 3), (2, 1)), ((2, 3), ()),
                                                    ((0, 3), (3,))])
    def test_broadcasting_copies_match_torch(self, target, source):
        values = np.arange(int(np.prod(source))).reshape(source) + 1.0
        ours = ag.zeros(*target).copy_(ag.tensor(values))
        assert ours.tolist() == torch.zeros(*target).copy_(torch.tensor(values)).tolist()


class TestLayerSizes:
    @requires_torch
    @pytest.mark.parametrize(("layer", "args", "argument"), [
        ("Linear", (-1, 2), "in_features"), ("Linear", (2, -3), "out_features"),
        ("Embedding", (-1, 2), "num_embeddings"), ("Embedding", (3, -2), "embedding_dim"),
        ("BatchNorm1d", (-1,), "num_features"), ("LayerNorm", (-1,), "normalized_shape"),
        ("LayerNorm", ((2, -1),), "normalized_shape"),
    ])
    def test_a_negative_size_names_the_layer(self, layer, args, argument):
        bad = min(a for arg in args for a in (arg if isinstance(arg, tuple) else (arg,)))
        with pytest.raises(ag.OpError, match=rf"^{layer}: {argument} must be >= 0, got {bad}\. Hint:"):
            getattr(nn, layer)(*args)
        with pytest.raises(RuntimeError):
            getattr(torch.nn, layer)(*args)

    @requires_torch
    @pytest.mark.parametrize(("layer", "args", "argument"), [
        ("Linear", (2.5, 2), "in_features"), ("Linear", (2, "3"), "out_features"),
        ("Embedding", (2.5, 2), "num_embeddings"), ("BatchNorm1d", (1.5,), "num_features"),
    ])
    def test_a_non_int_size_is_a_type_error(self, layer, args, argument):
        with pytest.raises(TypeError, match=rf"^{layer}: {argument} must be an int, got (float|str) "):
            getattr(nn, layer)(*args)
        with pytest.raises(TypeError):
            getattr(torch.nn, layer)(*args)

    def test_numpy_ints_are_sizes(self):
        layer = nn.Linear(np.int64(3), np.int32(2))
        assert (layer.in_features, layer.out_features) == (3, 2) and type(layer.in_features) is int
        assert tuple(layer.weight.shape) == (2, 3)
