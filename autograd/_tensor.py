"""Tensor: an ``np.ndarray`` plus what reverse-mode autodiff needs to know about it.

A Tensor points to the node that produced it (``grad_fn``); nodes point to their inputs'
nodes, never back to their outputs, so a freed graph dies by reference counting alone.
Op methods (``x.exp()``, ``x.sum(dim)``) are the public functions of ``autograd.ops``.
"""

from __future__ import annotations

import warnings
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from . import conversion, dtypes, legacy, printing, views
from .checks import flag, type_name
from .device import CPU, DeviceLike, check_cpu, device
from .handle import RemovableHandle
from .size import Size

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from .primitive import Primitive
    from .types import Array, ArrayLike, DTypeLike, Value


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

    __slots__ = ("_data", "_grad", "_requires_grad", "_grad_fn", "_version_counter", "_view",
                 "_hooks", "__weakref__")
    is_parameter = False  # True on nn.Parameter (and its subclasses)

    if TYPE_CHECKING:  # how a type checker sees the methods bound below the class (METHODS)
        def __getattr__(self, name: str) -> Any: ...  # x.exp(), x.sum(dim), ...
        def __add__(self, other: Any) -> Tensor: ...
        def __radd__(self, other: Any) -> Tensor: ...
        def __sub__(self, other: Any) -> Tensor: ...
        def __rsub__(self, other: Any) -> Tensor: ...
        def __mul__(self, other: Any) -> Tensor: ...
        def __rmul__(self, other: Any) -> Tensor: ...
        def __truediv__(self, other: Any) -> Tensor: ...
        def __rtruediv__(self, other: Any) -> Tensor: ...
        def __pow__(self, other: Any) -> Tensor: ...
        def __rpow__(self, other: Any) -> Tensor: ...
        def __matmul__(self, other: Any) -> Tensor: ...
        def __rmatmul__(self, other: Any) -> Tensor: ...
        def __neg__(self) -> Tensor: ...
        def __pos__(self) -> Tensor: ...
        def __abs__(self) -> Tensor: ...
        def __invert__(self) -> Tensor: ...
        def __and__(self, other: Any) -> Tensor: ...
        def __or__(self, other: Any) -> Tensor: ...
        def __xor__(self, other: Any) -> Tensor: ...
        def __eq__(self, other: Any) -> Tensor: ...  # type: ignore[override]
        def __ne__(self, other: Any) -> Tensor: ...  # type: ignore[override]
        def __lt__(self, other: Any) -> Tensor: ...
        def __le__(self, other: Any) -> Tensor: ...
        def __gt__(self, other: Any) -> Tensor: ...
        def __ge__(self, other: Any) -> Tensor: ...
        def __getitem__(self, index: Any) -> Tensor: ...
        def __setitem__(self, index: Any, value: Any) -> None: ...
        def __iadd__(self, other: Any) -> Tensor: ...
        def __isub__(self, other: Any) -> Tensor: ...
        def __imul__(self, other: Any) -> Tensor: ...
        def __itruediv__(self, other: Any) -> Tensor: ...

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, out: Any = None,
                        **kwargs: Any) -> Any:
        """NumPy interop: ``array <op> t`` runs the Tensor op (tracked), never an object loop.

        An in-place ``array -= t`` writes t's values into the array, untracked.
        """
        if method != "__call__":
            return NotImplemented
        if out is not None:
            arrays = [x._data if isinstance(x, Tensor) else x for x in inputs]
            return ufunc(*arrays, out=out, **kwargs)
        op = _NUMPY_OPERATORS.get(ufunc)
        return NotImplemented if op is None or kwargs else op(*inputs)

    def __init__(self, *data: Any, dtype: DTypeLike | None = None, requires_grad: bool = False,
                 device: DeviceLike | None = None) -> None:
        """``torch.Tensor``'s constructor: ``Tensor(data)``, ``Tensor(*sizes)``, ``Tensor(t)``.

        Data (lists, arrays) becomes the default float, as in PyTorch (``ag.tensor`` infers the
        dtype); sizes give an uninitialized tensor; a Tensor is shared (see ``autograd.legacy``).
        ``dtype=`` and ``requires_grad=`` are ndgrad's additions.
        """
        check_cpu("Tensor", device)
        flag("Tensor", "requires_grad", requires_grad)
        self._version_counter: list[int] = [0]  # a list so that views can share one counter
        if not (len(data) == 1 and isinstance(data[0], Tensor) and legacy.alias(self, data[0], dtype)):
            self._data: Array = legacy.legacy_array(
                (data[0]._data,) if len(data) == 1 and isinstance(data[0], Tensor) else data, dtype)
        self._grad: Tensor | None = None
        self._requires_grad: bool = False
        self._grad_fn: Primitive | None = None
        self._view: views.ViewMeta | None = None  # set when this tensor is a view of a base
        self._hooks: dict[int, Callable[[Tensor], Any]] | None = None
        if requires_grad:
            self.requires_grad = True

    @staticmethod
    def _wrap(data: Array, grad_fn: Primitive | None = None) -> Tensor:
        """Wrap an array without copying (internal fast path used by every op)."""
        t = _new_tensor(Tensor)
        t._data = data
        t._grad = None
        t._requires_grad = grad_fn is not None
        t._grad_fn = grad_fn
        t._version_counter = [0]
        t._view = None
        t._hooks = None
        return t

    # ---- autograd attributes ---------------------------------------------------------
    @property
    def data(self) -> Tensor:
        """A tensor sharing this one's memory, cut from the graph, with its own version counter.

        As in PyTorch, changes through it (``p.data.add_(u)``, ``p.data[0] = 1``) reach this
        tensor but are not seen by autograd: a graph that saved the old values silently uses
        the new ones. ``.detach()`` is the safe form; ``.numpy()`` gives the ndarray.
        """
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value: Tensor | Array) -> None:
        """``t.data = other`` makes ``t`` hold ``other``'s memory (any shape), unrecorded.

        ``other`` is a Tensor or (ndgrad's extension) an ndarray of a dtype a Tensor holds. A view
        of a base whose memory it no longer shares can't be replayed from it: once the base
        changes in place, using the view raises.
        """
        if isinstance(value, Tensor):
            self._data = value._data
        elif isinstance(value, np.ndarray):
            self._data = conversion.tensor_array(np.asarray(value), "data")
        else:
            raise TypeError(f"data: Variable data has to be a tensor, but got {type_name(value)}")

    @property
    def grad_fn(self) -> Primitive | None:
        """The node that made this tensor (None for a leaf).

        For a view whose base (or another view of it) changed in place since, the node is
        rebuilt first, as ``AsStridedBackward0`` on the base's current graph (see
        ``autograd.views``).
        """
        if self._view is not None:
            views.refresh(self)
        return self._grad_fn

    @grad_fn.setter
    def grad_fn(self, node: Primitive | None) -> None:
        self._grad_fn = node

    @property
    def requires_grad(self) -> bool:
        """Whether ops on this tensor are recorded and backward fills its ``.grad``."""
        return self._requires_grad if self._view is None else views.requires_grad(self)

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if value is not True and value is not False:
            raise RuntimeError(f"requires_grad must be a bool, got {type_name(value)} {value!r:.40}")
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
        """Set ``requires_grad`` in place (leaves only) and return this tensor."""
        self.requires_grad = flag("requires_grad_", "requires_grad", requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        """True for tensors created by the user (not by a recorded op)."""
        return self.grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        """The accumulated gradient (a Tensor) or None; a non-leaf keeps it only after ``retain_grad()``."""
        if self._grad is None and self.grad_fn is not None and not self._retains_grad():
            warnings.warn("The .grad attribute of a non-leaf Tensor is being accessed; it is not "
                          "populated by backward(). Call .retain_grad() on it before backward() "
                          "if you need it.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        """Set the gradient: None, or a Tensor of this shape and dtype (as PyTorch checks)."""
        if value is not None:  # (zero_grad's and the user's None needs no check)
            from .grad_checks import check_assigned_grad

            check_assigned_grad(self, value)
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
        return bool(retained) and any(ref() is self for ref in retained)  # type: ignore[union-attr]

    def register_hook(self, hook: Callable[[Tensor], Any]) -> RemovableHandle:
        """Call ``hook(grad)`` with this tensor's total gradient during backward.

        A returned Tensor replaces the gradient. Returns a handle whose ``remove()`` unregisters it.
        """
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

    def backward(self, gradient: Value | ArrayLike | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Tensor | Iterable[Tensor] | None = None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``.

        A scalar needs no ``gradient``; otherwise pass the upstream gradient (same shape).
        The graph's saved values are freed afterwards unless ``retain_graph=True``.
        """
        _engine.backward(self, gradient, retain_graph, create_graph, inputs)

    def detach(self) -> Tensor:
        """A tensor sharing data (and version counter) that is cut from the graph."""
        out = Tensor._wrap(self._data)
        out._version_counter = self._version_counter
        return out

    @property
    def _base(self) -> Tensor | None:
        """The tensor this one is a view of (the root of a chain of views), else None."""
        return self._view.base if self._view is not None else None

    def _is_view(self) -> bool:
        """Whether this tensor is a view of another (``_base`` is set)."""
        return self._view is not None

    # ---- shape and conversion --------------------------------------------------------
    @property
    def shape(self) -> Size:
        """The size of each dim: ``torch.Size([2, 3])``, a tuple of ints."""
        return Size(self._data.shape)

    @property
    def ndim(self) -> int:
        """The number of dims."""
        return self._data.ndim

    @property
    def dtype(self) -> dtypes.DType:
        """The element type, ``torch.float32``...; it equals NumPy's (``np.float32``) too."""
        return dtypes.of(self._data.dtype)

    @property
    def device(self) -> device:
        """``device(type='cpu')``: ndgrad runs on NumPy."""
        return CPU

    @property
    def _version(self) -> int:
        return self._version_counter[0]

    def dim(self) -> int:
        """The number of dims (``ndim``)."""
        return self._data.ndim

    def size(self, dim: int | None = None) -> Any:  # Size, or an int for one dim
        """The shape (a ``Size``), or the length of one dim."""
        if dim is None:
            return Size(self._data.shape)
        from .ops.dims import normalize_dim

        if not self._data.ndim:
            raise IndexError(f"size: dimension specified as {dim} but the tensor has no dimensions")
        return self._data.shape[normalize_dim("size", dim, self._data.ndim)]

    def numel(self) -> int:
        """The number of elements."""
        return self._data.size

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"item(): a Tensor with {self._data.size} elements cannot be "
                               "converted to a Python scalar. Hint: reduce it first (.sum(), .mean())")
        return self._data.item()

    def tolist(self) -> Any:
        """The data as (nested) Python lists of numbers; a 0-d tensor gives a number."""
        return self._data.tolist()

    def numpy(self) -> Array:
        """The data as an ndarray (shared memory)."""
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on a Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype: DTypeLike | None = None, copy: bool | None = None) -> Array:
        if dtype is not None and dtype != self._data.dtype:
            return self._data.astype(dtype)
        return self._data.copy() if copy else self._data

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of a Tensor with {self._data.size} elements is "
                               "ambiguous. Hint: use .any() or .all()")
        return bool(self._data.item())

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return printing.format_tensor(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self._data, self._requires_grad))


_new_tensor = object.__new__


def _rebuild(cls: type[Tensor], data: Array, requires_grad: bool) -> Tensor:
    """Unpickle (and deepcopy) a tensor or a subclass such as nn.Parameter, dtype kept."""
    return cls(Tensor._wrap(data), requires_grad=requires_grad)


# ---- the method table -------------------------------------------------------------------
# Every op method is a public function of autograd.ops (``x.exp()`` is ``ops.unary.exp(x)``),
# bound to the class by autograd/_methods.py. It is imported here, right below the class,
# because every ops module imports Tensor at its top.
from . import engine as _engine  # noqa: E402  # for backward(); the engine imports Tensor too
from ._methods import NUMPY_OPERATORS as _NUMPY_OPERATORS  # noqa: E402
