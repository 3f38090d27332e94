"""What may stand next to a tensor in an op: tensors, arrays and numbers. Operators return
NotImplemented for anything else, as PyTorch's do (so Python raises its own TypeError and
``t == None`` is False); functions raise an OperandError (a TypeError) naming the op; complex
numbers are refused by name, except by == and !=, which compare as PyTorch does."""

import decimal
import fractions
import operator
import re

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag

NOT_NUMBERS = {"None": None, "str": "a", "dict": {}, "list": [1, 2], "tuple": (1, 2), "object": object(),
               "Fraction": fractions.Fraction(1, 2), "Decimal": decimal.Decimal(1)}
SHOWN = {"None": "NoneType", "Fraction": r"fractions\.Fraction", "Decimal": r"decimal\.Decimal"}
ARITHMETIC = ["add", "sub", "mul", "truediv", "pow", "mod", "matmul", "and_", "or_", "xor"]
ORDERING = ["lt", "le", "gt", "ge"]


def operand_tensor(lib, op):
    return lib.tensor([1, 2]) if op in ("and_", "or_", "xor") else lib.tensor([1.0, 2.0])


def outcome(lib, call):
    try:
        result = call()
    except TypeError as err:
        return TypeError, str(err)
    return "value", tuple(result.shape) if isinstance(result, lib.Tensor) else result


def calls(lib, op, other, form):
    t = operand_tensor(lib, op)
    if form == "in-place":
        inplace = getattr(operator, "i" + op.rstrip("_"))
        return lambda: inplace(t.clone(), other)
    fn = getattr(operator, op)
    return (lambda: fn(t, other)) if form == "forward" else (lambda: fn(other, t))


@requires_torch
class TestOperatorsRefuseNonNumbersAsTorch:
    @pytest.mark.parametrize("form", ["forward", "reflected", "in-place"])
    @pytest.mark.parametrize("op", ARITHMETIC)
    @pytest.mark.parametrize("name", list(NOT_NUMBERS))
    def test_same_error_as_torch(self, name, op, form):
        other = NOT_NUMBERS[name]
        theirs = outcome(torch, calls(torch, op, other, form))
        if theirs[0] is not TypeError:
            pytest.skip(f"PyTorch computes it: {theirs}")  # only Fraction ** tensor
        assert outcome(ag, calls(ag, op, other, form)) == theirs

    @pytest.mark.parametrize("op", ORDERING + ["eq", "ne"])
    @pytest.mark.parametrize("name", list(NOT_NUMBERS))
    def test_comparisons_as_torch(self, name, op):
        for form in ("forward", "reflected"):
            theirs = outcome(torch, calls(torch, op, NOT_NUMBERS[name], form))
            assert outcome(ag, calls(ag, op, NOT_NUMBERS[name], form)) == theirs


class TestOperatorsWithNonNumbers:
    @pytest.mark.parametrize("name", list(NOT_NUMBERS))
    def test_equality_with_a_non_number_is_false(self, name):
        t, other = ag.tensor([1.0, 2.0]), NOT_NUMBERS[name]
        assert (t == other) is False and (other == t) is False
        assert (t != other) is True and (other != t) is True

    def test_the_issue_repros(self):
        t = ag.tensor([1.0, 2.0])
        assert (t == None) is False  # noqa: E711 - the comparison under test
        assert (t == "a") is False
        with pytest.raises(TypeError, match=r"^unsupported operand type\(s\) for \+: 'Tensor' and 'str'$"):
            t + "a"
        with pytest.raises(TypeError, match=r"^unsupported operand type\(s\) for \*: 'Tensor' and 'dict'$"):
            t * {}

    @pytest.mark.parametrize("op, symbol", [("lt", "<"), ("le", "<="), ("gt", ">"), ("ge", ">=")])
    def test_ordering_with_none_raises_pythons_type_error(self, op, symbol):
        with pytest.raises(TypeError, match=rf"^'{symbol}' not supported between instances of 'Tensor' "
                                            "and 'NoneType'$"):
            getattr(operator, op)(ag.tensor([1.0]), None)

    @pytest.mark.parametrize("op, symbol", [("iadd", "+="), ("isub", "-="), ("imul", "*="),
                                            ("itruediv", "/="), ("ipow", "**="), ("imod", "%=")])
    def test_in_place_with_none_leaves_the_tensor_unchanged(self, op, symbol):
        t = ag.tensor([1.0, 2.0])
        with pytest.raises(TypeError, match=rf"unsupported operand type\(s\) for {re.escape(symbol)}: "
                                            "'Tensor' and 'NoneType'"):
            getattr(operator, op)(t, None)
        assert t.tolist() == [1.0, 2.0]

    @pytest.mark.parametrize("other", [2, 2.5, np.float32(2.0), np.array([2.0, 3.0]), ag.tensor(2.0)])
    def test_numbers_arrays_and_tensors_still_work(self, other):
        t = ag.tensor([1.0, 2.0])
        for op in ("add", "sub", "mul", "truediv", "pow", "eq", "lt"):
            assert getattr(operator, op)(t, other).shape == (2,)

    @requires_torch
    @pytest.mark.parametrize("left", [True, 1, 3])
    @pytest.mark.parametrize("op", ["and_", "or_", "xor"])
    def test_reflected_bitwise_ops_as_torch(self, left, op):
        dtype = "bool" if isinstance(left, bool) else "int64"
        ours = getattr(operator, op)(left, ag.tensor([True, False] if dtype == "bool" else [1, 2]))
        theirs = getattr(operator, op)(left, torch.tensor([True, False] if dtype == "bool" else [1, 2]))
        assert ours.tolist() == theirs.tolist() and str(ours.dtype) == str(theirs.dtype)

    @pytest.mark.parametrize("other", [2, 2.5, None])
    def test_matmul_with_a_number_is_refused(self, other):
        with pytest.raises(TypeError, match=rf"unsupported operand type\(s\) for @: 'Tensor' and "
                                            f"'{type(other).__name__}'"):
            ag.ones(2) @ other
        with pytest.raises(TypeError, match=r"^matmul\(\): argument 'other' must be a Tensor, not "):
            ag.matmul(ag.ones(2), other)


class TestFunctionsRefuseNonNumbers:
    @pytest.mark.parametrize("name", list(NOT_NUMBERS))
    @pytest.mark.parametrize("op, call", [
        ("add", lambda t, v: ag.add(t, v)), ("sub", lambda t, v: ag.sub(v, t)),
        ("mul", lambda t, v: t.mul(v)),
        ("div", lambda t, v: ag.div(t, v)), ("pow", lambda t, v: ag.pow(t, v)),
        ("eq", lambda t, v: ag.eq(t, v)), ("lt", lambda t, v: t.lt(v)),
        ("maximum", lambda t, v: ag.maximum(t, v)), ("where", lambda t, v: ag.where(t > 1, t, v)),
        ("remainder", lambda t, v: ag.remainder(t, v)), ("logical_and", lambda t, v: ag.logical_and(t, v)),
        ("add", lambda t, v: t.add_(v)), ("__setitem__", lambda t, v: t.__setitem__(0, v)),
        ("copy_", lambda t, v: t.copy_(v)), ("fill_", lambda t, v: t.fill_(v)),
    ])
    def test_operand_error_names_the_op_and_the_type(self, op, call, name):
        value = NOT_NUMBERS[name]
        t = ag.tensor([1.0, 2.0])
        with pytest.raises(ag.OperandError, match=rf"^{op}: expected a Tensor or a number \(bool, int, "
                                                  rf"float\) as operand, got {SHOWN.get(name, name)}\. "
                                                  "Hint: convert"):
            call(t, value)
        assert t.tolist() == [1.0, 2.0]

    def test_operand_error_is_a_type_error(self):
        assert issubclass(ag.OperandError, TypeError)
        with pytest.raises(TypeError):
            ag.add(ag.ones(1), None)

    def test_setitem_of_none_no_longer_writes_nan(self):
        t = ag.zeros(3)
        with pytest.raises(TypeError, match=r"^__setitem__: expected a Tensor or a number"):
            t[0] = None
        assert t.tolist() == [0.0, 0.0, 0.0]


class TestComplexOperands:
    @pytest.mark.parametrize("value", [1j, np.complex128(1j), 2 + 0j])
    @pytest.mark.parametrize("op, call", [
        ("add", lambda t, v: t + v), ("add", lambda t, v: v + t), ("mul", lambda t, v: t * v),
        ("div", lambda t, v: v / t), ("pow", lambda t, v: t ** v), ("sub", lambda t, v: ag.sub(t, v)),
        ("lt", lambda t, v: t < v), ("add", lambda t, v: t.__iadd__(v)),
    ])
    def test_complex_numbers_are_refused_by_name(self, op, call, value):
        with pytest.raises(ag.OperandError, match=rf"^{op}: complex operand .*: ndgrad has no complex "
                                                  r"dtype\. Hint: "):
            call(ag.tensor([1.0, 2.0]), value)

    @pytest.mark.parametrize("value", [1j, 2 + 0j, np.complex128(1.0), np.array([1 + 0j, 2 + 1j])])
    @pytest.mark.parametrize("op", ["eq", "ne"])
    def test_equality_with_complex_compares_as_torch(self, op, value):
        ours = [getattr(operator, op)(ag.tensor([1.0, 2.0]), value),
                getattr(operator, op)(value, ag.tensor([1.0, 2.0]))]
        real, imag = np.real(np.asarray(value)), np.imag(np.asarray(value))
        equal = (real == np.array([1.0, 2.0])) & (imag == 0)
        expected = equal if op == "eq" else ~equal
        for result in ours:
            assert result.dtype == ag.bool_ and result.tolist() == expected.tolist()
        if torch is not None and not isinstance(value, np.ndarray):
            theirs = getattr(operator, op)(torch.tensor([1.0, 2.0]), value)
            assert theirs.tolist() == expected.tolist()
