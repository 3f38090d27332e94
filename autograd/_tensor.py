"""Tensor: an ``np.ndarray`` plus what reverse-mode autodiff needs to know about it.

A Tensor points to the node that produced it (``grad_fn``); nodes point to their inputs'
nodes, never back to their outputs, so a freed graph dies by reference counting alone.
Op methods (``x.exp()``, ``x.sum(dim)``) are the public functions of ``autograd.ops``.
"""

from __future__ import annotations

import itertools
import warnings
import weakref

import numpy as np

from . import dtypes, grad_mode
from .ops import arithmetic, indexing, movement, reduce, select, unary
from .ops import matmul as matmul_ops
from .ops import softmax as softmax_ops


class Tensor:
    """An n-dimensional array that records the ops applied to it for ``backward()``.

    Args:
        data: array-like; Python floats become float32, a NumPy array keeps its dtype.
        dtype: optional dtype (``ag.float64``, ...).
        requires_grad: whether gradients should be accumulated into ``.grad``.

    Example:
        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4.])
    """

    __slots__ = ("_data", "_grad", "_requires_grad", "grad_fn", "_version_counter", "_is_view",
                 "_hooks", "__weakref__")
    # NumPy must hand `ndarray <op> Tensor` to our reflected operators, not loop over objects.
    __array_ufunc__ = None

    def __init__(self, data, dtype=None, requires_grad: bool = False) -> None:
        self._data = as_array(data, dtype)
        self._grad = None
        self._requires_grad = False
        self.grad_fn = None
        self._version_counter = [0]  # a list so that views can share one counter
        self._is_view = False
        self._hooks = None
        if requires_grad:
            self.requires_grad = True

    @staticmethod
    def _wrap(data: np.ndarray, grad_fn=None) -> Tensor:
        """Wrap an array without copying (internal fast path used by every op)."""
        t = _new_tensor(Tensor)
        t._data = data
        t._grad = None
        t._requires_grad = grad_fn is not None
        t.grad_fn = grad_fn
        t._version_counter = [0]
        t._is_view = False
        t._hooks = None
        return t

    # ---- autograd attributes ---------------------------------------------------------
    @property
    def data(self) -> np.ndarray:
        """The underlying ``np.ndarray``. Assigning to it counts as an in-place change."""
        return self._data

    @data.setter
    def data(self, value) -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)
        self._version_counter[0] += 1

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        value = bool(value)
        if self.grad_fn is not None:
            if not value:
                raise RuntimeError("you can only change requires_grad of leaf tensors; use "
                                   "y = x.detach() to get a tensor that does not require grad")
            return
        if value and not dtypes.is_floating(self._data.dtype):
            raise TypeError(f"only floating point tensors can require gradients, got "
                            f"{dtypes.name(self._data.dtype)}. Hint: convert with .float() first")
        self._requires_grad = value

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        """True for tensors created by the user (not by a recorded op)."""
        return self.grad_fn is None

    @property
    def grad(self):
        """The accumulated gradient (a Tensor), or None. Non-leaf tensors keep theirs only
        after ``retain_grad()``."""
        if self._grad is None and self.grad_fn is not None and not self._retains_grad():
            warnings.warn("The .grad attribute of a non-leaf Tensor is being accessed; it is not "
                          "populated by backward(). Call .retain_grad() on it before backward() "
                          "if you need it.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            value = value if isinstance(value, Tensor) else Tensor(value)
            if value.shape != self.shape:
                raise RuntimeError(f"assigned grad has shape {value.shape}, but the tensor has "
                                   f"shape {self.shape}")
        self._grad = value

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor during backward (no-op on leaves)."""
        if self.grad_fn is None or self._retains_grad():
            return
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on a tensor that does not require grad")
        self.grad_fn.retained = (self.grad_fn.retained or []) + [weakref.ref(self)]

    def _retains_grad(self) -> bool:
        retained = self.grad_fn.retained if self.grad_fn is not None else None
        return bool(retained) and any(ref() is self for ref in retained)

    def register_hook(self, hook) -> RemovableHandle:
        """Call ``hook(grad)`` with this tensor's total gradient during backward; a returned
        Tensor replaces the gradient. Returns a handle whose ``remove()`` unregisters it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        if self.grad_fn is not None:
            if self.grad_fn.pre_hooks is None:
                self.grad_fn.pre_hooks = {}
            hooks = self.grad_fn.pre_hooks
        else:
            if self._hooks is None:
                self._hooks = {}
            hooks = self._hooks
        return RemovableHandle(hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False,
                 inputs=None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``.

        A scalar needs no ``gradient``; otherwise pass the upstream gradient (same shape).
        The graph's saved values are freed afterwards unless ``retain_graph=True``.
        """
        from . import engine

        engine.backward(self, gradient, retain_graph, create_graph, inputs)

    def detach(self) -> Tensor:
        """A tensor sharing data (and version counter) that is cut from the graph."""
        out = Tensor._wrap(self._data)
        out._version_counter = self._version_counter
        return out

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self._requires_grad = False
        return self

    # ---- shape and conversion --------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def device(self) -> str:
        return "cpu"

    @property
    def _version(self) -> int:
        return self._version_counter[0]

    def dim(self) -> int:
        return self._data.ndim

    def size(self, dim: int | None = None):
        """The shape, or the length of one dim."""
        return self._data.shape if dim is None else self._data.shape[dim]

    def numel(self) -> int:
        return self._data.size

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"item(): a Tensor with {self._data.size} elements cannot be "
                               "converted to a Python scalar. Hint: reduce it first (.sum(), .mean())")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shared memory)."""
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on a Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if dtype is not None and dtype != self._data.dtype:
            return self._data.astype(dtype)
        return self._data.copy() if copy else self._data

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be used as an index")
        return int(self._data.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of a Tensor with {self._data.size} elements is "
                               "ambiguous. Hint: use .any() or .all()")
        return bool(self._data.item())

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return _format(self)

    def __reduce__(self):
        return (_rebuild, (type(self), self._data, self._requires_grad))

    # ---- in-place ops ------------------------------------------------------------------
    def _apply_inplace(self, op_name: str, out_of_place, *args) -> Tensor:
        """Run an in-place op: with autograd when it must record, else straight on the data."""
        if not self._data.flags.writeable:
            raise RuntimeError(f"{op_name}: this tensor's memory is read-only or shared by "
                               "several elements (an expand/broadcast view). Hint: .clone() it first")
        others_need_grad = any(isinstance(a, Tensor) and a._requires_grad for a in args)
        if grad_mode._state.enabled and (self._requires_grad or others_need_grad):
            if self.grad_fn is None and self._requires_grad:
                raise RuntimeError(
                    f"{op_name}: a leaf Tensor that requires grad is being used in an in-place "
                    "operation. Hint: wrap parameter updates in `with ag.no_grad():`")
            if self._is_view:
                raise RuntimeError(f"{op_name}: in-place ops on a view of a tensor in the graph "
                                   "are not supported. Hint: use an out-of-place op or .clone()")
            before = Tensor._wrap(self._data.copy(), self.grad_fn)
            before._requires_grad = self._requires_grad
            result = out_of_place(before, *args)
            self.grad_fn = result.grad_fn
            self._requires_grad = result._requires_grad
        else:
            with grad_mode.no_grad():
                result = out_of_place(self, *args)
        if not np.can_cast(result._data.dtype, self._data.dtype, "same_kind"):
            raise RuntimeError(f"{op_name}: result type {dtypes.name(result.dtype)} can't be cast "
                               f"to the tensor's dtype {dtypes.name(self.dtype)} in place")
        np.copyto(self._data, result._data, casting="same_kind")
        self._version_counter[0] += 1
        return self

    def __iadd__(self, other) -> Tensor:
        return self._apply_inplace("add_", arithmetic.add, other)

    def __isub__(self, other) -> Tensor:
        return self._apply_inplace("sub_", arithmetic.sub, other)

    def __imul__(self, other) -> Tensor:
        return self._apply_inplace("mul_", arithmetic.mul, other)

    def __itruediv__(self, other) -> Tensor:
        return self._apply_inplace("div_", arithmetic.div, other)

    def add_(self, other, alpha=1) -> Tensor:
        return self._apply_inplace("add_", arithmetic.add, other if alpha == 1 else other * alpha)

    def sub_(self, other, alpha=1) -> Tensor:
        return self._apply_inplace("sub_", arithmetic.sub, other if alpha == 1 else other * alpha)

    def mul_(self, other) -> Tensor:
        return self._apply_inplace("mul_", arithmetic.mul, other)

    def div_(self, other) -> Tensor:
        return self._apply_inplace("div_", arithmetic.div, other)

    def clamp_(self, min=None, max=None) -> Tensor:  # noqa: A002 - PyTorch's names
        return self._apply_inplace("clamp_", unary.clamp, min, max)

    def copy_(self, src) -> Tensor:
        """Copy ``src`` (broadcast to this shape) into this tensor."""
        return self._apply_inplace("copy_", _copy_from, src)

    def fill_(self, value) -> Tensor:
        return self._apply_inplace("fill_", _copy_from, value)

    def zero_(self) -> Tensor:
        return self._apply_inplace("zero_", _copy_from, 0)

    def __setitem__(self, index, value) -> None:
        self._apply_inplace("__setitem__", indexing.index_put, index, value)

    # ---- op methods: the public functions of autograd.ops ----------------------------
    __add__ = add = arithmetic.add
    __sub__ = sub = arithmetic.sub
    __mul__ = mul = arithmetic.mul
    __truediv__ = div = divide = true_divide = arithmetic.div
    __pow__ = pow = arithmetic.pow
    __neg__ = neg = negative = arithmetic.neg
    __radd__ = arithmetic.radd
    __rsub__ = rsub = arithmetic.rsub
    __rmul__ = arithmetic.rmul
    __rtruediv__ = arithmetic.rdiv
    __rpow__ = arithmetic.rpow
    __pos__ = arithmetic.positive
    __matmul__ = matmul = matmul_ops.matmul
    __rmatmul__ = matmul_ops.rmatmul
    mm = matmul_ops.mm

    __abs__ = abs = unary.abs
    exp, log, sqrt, sin, cos = unary.exp, unary.log, unary.sqrt, unary.sin, unary.cos
    tanh, sigmoid, relu, sign = unary.tanh, unary.sigmoid, unary.relu, unary.sign
    clamp = clip = unary.clamp

    __eq__, __ne__, eq, ne = select.eq, select.ne, select.eq, select.ne
    __lt__, __le__, __gt__, __ge__ = select.lt, select.le, select.gt, select.ge
    lt, le, gt, ge = select.lt, select.le, select.gt, select.ge
    __and__, __or__, __xor__ = select.logical_and, select.logical_or, select.logical_xor
    __invert__ = select.logical_not
    logical_and, logical_or, logical_not = select.logical_and, select.logical_or, select.logical_not
    maximum, minimum = select.maximum, select.minimum
    where = select.tensor_where

    sum, mean, var, std, prod = reduce.sum, reduce.mean, reduce.var, reduce.std, reduce.prod
    max, min, amax, amin = reduce.max, reduce.min, reduce.amax, reduce.amin
    logsumexp, argmax, argmin = reduce.logsumexp, reduce.argmax, reduce.argmin
    all, any = reduce.all, reduce.any

    reshape, view, flatten = movement.reshape, movement.view, movement.flatten
    squeeze, unsqueeze = movement.squeeze, movement.unsqueeze
    transpose, swapaxes, permute = movement.transpose, movement.transpose, movement.permute
    T, mT = property(movement.reverse_dims), property(movement.swap_last_two)  # noqa: N815
    expand, broadcast_to, expand_as = movement.expand, movement.broadcast_to, movement.expand_as
    split, chunk = movement.split, movement.chunk
    clone, contiguous = movement.clone, movement.contiguous
    to, type_as, astype = movement.to, movement.type_as, movement.to
    float, double, long = movement.to_float, movement.to_double, movement.to_long
    int, bool = movement.to_int, movement.to_bool

    __getitem__ = indexing.getitem
    gather = indexing.gather

    softmax, log_softmax = softmax_ops.softmax, softmax_ops.log_softmax


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    _ids = itertools.count()

    def __init__(self, hooks: dict, hook) -> None:
        self.id = next(RemovableHandle._ids)
        self._hooks = hooks
        hooks[self.id] = hook

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info) -> None:
        self.remove()


_new_tensor = object.__new__


def as_array(data, dtype=None) -> np.ndarray:
    """Convert user data to a new ndarray with PyTorch's dtype inference."""
    if isinstance(data, Tensor):
        data = data._data
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(data, (np.ndarray, np.generic)):
        array = np.array(data, dtype=dtype)
    else:
        try:
            array = np.array(data)
        except ValueError as err:
            raise ValueError(f"tensor(): cannot convert the data to a tensor ({err}). Hint: "
                             "nested lists must be rectangular") from None
        array = array.astype(dtype if dtype is not None else dtypes.default_for(array), copy=False)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"tensor(): can't make a tensor from data of type {array.dtype}; "
                        "ndgrad holds bool, integer and float numbers")
    return array


def _copy_from(target: Tensor, src) -> Tensor:
    """Out-of-place counterpart of copy_/fill_: ``src`` broadcast to target's shape (the
    old values get a zero gradient)."""
    return select.where(True, src, target)


def _rebuild(cls, data, requires_grad):
    """Unpickle (and deepcopy) a tensor or a subclass such as nn.Parameter."""
    return cls(data, requires_grad=requires_grad)


def _format(t: Tensor) -> str:
    """PyTorch-style repr: ``tensor([1., 2.], requires_grad=True)``."""
    data = t._data
    options = {"separator": ", ", "prefix": "tensor("}
    if data.dtype.kind == "f" and data.size:
        finite = data[np.isfinite(data)]
        integral = finite.size == 0 or bool(np.all(finite == np.round(finite)))
        options.update(precision=4, floatmode="unique" if integral else "fixed")
    body = np.array2string(data, **options) if data.size else "[]"
    extras = []
    if data.dtype not in (dtypes.float32, dtypes.int64, dtypes.bool_):
        extras.append(f"dtype=ag.{dtypes.name(data.dtype)}")
    if not data.size and data.shape != (0,):
        extras.insert(0, f"size={data.shape}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn={t.grad_fn!r}")
    elif t._requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + extras) + ")"
