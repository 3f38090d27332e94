"""PyTorch's custom autograd functions: ``class F(ag.Function)`` with a ``ctx``.

::

    class Exp(ag.Function):
        @staticmethod
        def forward(ctx, x):              # on Tensors, with grad mode off
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):             # one gradient per forward argument (None: none)
            (y,) = ctx.saved_tensors
            return g * y

    y = Exp.apply(x)                      # y.grad_fn prints <ExpBackward>

The ``setup_context(ctx, inputs, output)`` form (forward without ``ctx``) works too. ``backward``
is written with Tensor ops, so under ``create_graph=True`` it is recorded and can be
differentiated again (``gradgradcheck`` passes through it). A function returning several
tensors gets one gradient per output in ``backward`` (zeros for an unused one unless
``ctx.set_materialize_grads(False)``, which passes None).

The engine's own ops use a different protocol, ``autograd.primitive.Primitive`` (forward on
NumPy arrays, one class per op); a custom Function becomes one ``Primitive`` node.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from . import grad_mode, views
from ._tensor import Tensor
from .primitive import Primitive, wire

if TYPE_CHECKING:
    from collections.abc import Callable

    from .types import Value

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """The ``ctx`` of a custom Function: what ``forward`` leaves for ``backward``.

    Any attribute may be set on it (``ctx.alpha = 0.1``). ``needs_input_grad`` tells, per
    forward argument, whether a gradient is wanted for it.
    """

    needs_input_grad: tuple[bool, ...]

    if TYPE_CHECKING:  # any attribute may be set and read (``ctx.alpha``)
        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    def __init__(self) -> None:
        self._to_save: tuple[Tensor | None, ...] | None = None
        self._saved: list[tuple[Tensor | None, int]] | None = None
        self._non_differentiable: set[int] = set()
        self._dirty: set[int] = set()
        self.materialize_grads = True
        self._node_name = "Function"

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for ``backward`` (as ``saved_tensors``).

        An in-place change of one in between makes ``saved_tensors`` refuse, as in PyTorch.
        """
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save tensors (or None), but "
                                f"argument {i} is of type {type(t).__name__}. Hint: keep other "
                                "values as ctx attributes (ctx.value = ...)")
        self._to_save = tensors

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """The tensors given to ``save_for_backward``, checked against in-place changes."""
        if self._saved is None:
            if self._to_save is not None:  # read inside forward, before recording
                return self._to_save
            raise RuntimeError(f"Trying to backward through the graph a second time (or to "
                               f"read saved tensors after they were freed) in "
                               f"{self._node_name}: saved tensors are freed by backward(). "
                               "Hint: pass retain_graph=True to the first backward()")
        for i, (t, version) in enumerate(self._saved):
            if t is not None and t._version_counter[0] != version:
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: saved tensor {i} of {self._node_name} (shape "
                    f"{list(t.shape)}) is at version {t._version_counter[0]}; expected version "
                    f"{version} instead. Hint: clone it before changing it in place")
        return tuple(t for t, _ in self._saved)

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """These outputs get no gradient (their ``backward`` argument is always zeros/None)."""
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors: Tensor) -> None:
        """These inputs were changed in place by ``forward`` (their version is bumped)."""
        self._dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool) -> None:
        """With False, ``backward`` gets None (not zeros) for outputs that received no gradient."""
        self.materialize_grads = bool(value)


class _CustomNode(Primitive):
    """The graph node of one ``Function.apply`` call: its backward runs the user's ``backward``.

    Several differentiable outputs hang off one packed output: each output is a slice of it,
    made by an ``_Unpack`` node, so the engine keeps one gradient per node.
    """

    __slots__ = ("ctx", "function", "tensor_args", "shapes", "delivered")
    node_name = "FunctionBackward"
    ctx: FunctionCtx
    function: type[Function]
    tensor_args: tuple[list[int], int]  # the positions of the Tensor arguments, the count
    shapes: list[tuple[bool, tuple[int, ...], np.dtype[Any]] | None]  # per output
    delivered: set[int]  # outputs whose gradient arrived (their _Unpack nodes ran)

    @staticmethod
    def record(node_type: type[_CustomNode], ctx: FunctionCtx, function: type[Function],
               args: tuple[Any, ...], outputs: list[Any]) -> None:
        """Make the node and wire the differentiable outputs to it."""
        node = node_type.__new__(node_type)
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        tensors = [args[i] for i in positions]
        differentiable = [i for i, o in enumerate(outputs) if isinstance(o, Tensor)
                          and o.dtype.kind == "f" and id(o) not in ctx._non_differentiable]
        node.ctx, node.function, node.tensor_args = ctx, function, (positions, len(args))
        node.shapes = [(i in differentiable, o.shape, o._data.dtype) if isinstance(o, Tensor)
                       else None for i, o in enumerate(outputs)]
        node.delivered = set()
        ctx._saved = [(t, t._version_counter[0] if t is not None else 0)
                      for t in (ctx._to_save or ())]
        if not differentiable:
            return
        if len(outputs) == 1:  # wired after recording: a dirty output is also an input
            result = outputs[0]
            node._record(tensors, *wire(tensors)[:4], result)
            result.grad_fn, result._requires_grad = node, True
            return
        packed = Tensor._wrap(np.concatenate([outputs[i]._data.ravel().astype(np.float64)
                                              for i in differentiable]), node)
        node._record(tensors, *wire(tensors)[:4], packed)
        unpack = _Unpack.named(node_type.node_name)  # each output's grad_fn shows the name
        offset = 0
        for i in differentiable:
            size = outputs[i]._data.size
            part = unpack.apply(packed, index=i, offset=offset, size=size, source=outputs[i]._data)
            offset += size
            outputs[i].grad_fn, outputs[i]._requires_grad = part.grad_fn, True

    def forward(self, *arrays: Any, **params: Any) -> Any:  # never run: apply records directly
        raise AssertionError("a custom Function's node is recorded by Function.apply")

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        create_graph = self._create_graph
        if len(self.shapes) == 1:
            grads: list[Any] = [g]
        else:
            grads, offset = [], 0
            for i, meta in enumerate(self.shapes):
                if meta is None:  # not a tensor
                    grads.append(None)
                    continue
                differentiable, shape, dtype = meta
                if not (i in self.delivered or self.ctx.materialize_grads):
                    grads.append(None)
                elif not differentiable:
                    grads.append(np.zeros(shape, dtype))
                else:
                    size = int(np.prod(shape))
                    part = g[offset:offset + size].reshape(shape)
                    grads.append(part.to(dtype) if isinstance(part, Tensor) else part.astype(dtype))
                if differentiable:
                    offset += int(np.prod(shape))
            self.delivered = set[int]()
        wrapped = [x if x is None or isinstance(x, Tensor) else Tensor._wrap(x) for x in grads]
        with grad_mode.set_grad_enabled(create_graph):
            result = self.function.backward(self.ctx, *wrapped)
        results = result if isinstance(result, tuple) else (result,)
        positions, count = self.tensor_args
        name = self.name()
        if len(results) < count or any(r is not None for r in results[count:]):
            raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                               f"(expected {count}, got {len(results)})")
        out: list[Value | None] = []
        for position, input_meta in zip(positions, self._meta):
            r = results[position]
            if r is None or input_meta is None:
                out.append(None)
                continue
            if not isinstance(r, Tensor):
                raise TypeError(f"function {name} returned a gradient of type "
                                f"{type(r).__name__} for input {position}; expected a Tensor "
                                "or None")
            if not _expandable(input_meta[0], r.shape):
                raise RuntimeError(f"Function {name} returned an invalid gradient at index "
                                   f"{position} - got {list(r.shape)} but expected shape "
                                   f"compatible with {list(input_meta[0])}")
            out.append(r if create_graph else r._data[...])  # a view: never summed in place
        return tuple(out)

    def _release(self) -> None:
        super()._release()
        self.ctx._saved = None
        self.ctx._to_save = None


def _expandable(shape: tuple[int, ...], grad_shape: tuple[int, ...]) -> bool:
    """Whether ``shape`` broadcasts to ``grad_shape`` (the gradient is then summed down)."""
    if len(shape) > len(grad_shape):
        return False
    return all(s == 1 or s == g for s, g in zip(reversed(shape), reversed(grad_shape)))


class _Unpack(Primitive):
    """Output ``index`` of a several-output custom Function: a slice of the packed output."""

    node_name = "UnpackBackward"  # used as ``named("<Function>Backward")``: its Function's name

    def forward(self, packed: Any, index: int, offset: int, size: int, source: Any) -> Any:
        self.index, self.offset, self.size, self.total = index, offset, size, packed.size
        return source

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        owner = self.next_edges[0]
        if isinstance(owner, _CustomNode):
            owner.delivered.add(self.index)
        if self._create_graph:
            from .ops.movement import cat

            flat = g.reshape(-1).to(np.float64)  # type: ignore[union-attr]
            zeros = [Tensor._wrap(np.zeros(n)) for n in (self.offset,
                                                           self.total - self.offset - self.size)]
            return (cat([zeros[0], flat, zeros[1]]),)
        full = np.zeros(self.total)
        full[self.offset:self.offset + self.size] = np.ravel(g)
        return (full,)


class _FunctionMeta(type):
    """Gives each Function subclass its node type, named as PyTorch names it (``ExpBackward``)."""

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> None:
        super().__init__(name, bases, namespace)
        if bases:  # a user's Function (the base itself is never applied)
            cls._node_class = cast("type[_CustomNode]", type(
                f"{name}Backward", (_CustomNode,),
                {"__slots__": (), "node_name": f"{name}Backward", "op_name": name,
                 "__module__": cls.__module__}))


class Function(metaclass=_FunctionMeta):
    """Base of custom autograd functions, PyTorch's protocol (see the module docstring)."""

    _node_class: type[_CustomNode]

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        """The computation on Tensors (grad mode is off): ``forward(ctx, *args)``.

        Or, with ``setup_context`` defined, ``forward(*args)``.
        """
        raise NotImplementedError("a custom Function must define forward as a staticmethod")

    @staticmethod
    def setup_context(ctx: FunctionCtx, inputs: tuple[Any, ...], output: Any) -> Any:
        """Optional: fill ``ctx`` from ``inputs`` and ``output`` (then forward takes no ctx)."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        """Gradients for each forward argument from those of the outputs (None where none)."""
        raise NotImplementedError("a custom Function must define backward as a staticmethod "
                                  "to be differentiated")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` and record one node whose backward calls ``backward``."""
        ctx = FunctionCtx()
        ctx._node_name = cls._node_class.node_name
        recording = grad_mode._state.enabled
        ctx.needs_input_grad = tuple(recording and isinstance(a, Tensor) and (
            a._requires_grad if a._view is None else views.fresh_requires_grad(a)) for a in args)
        with grad_mode.no_grad():
            if cls.setup_context is Function.setup_context:
                output = cls.forward(ctx, *args, **kwargs)
            else:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
        for t in (a for a in args if isinstance(a, Tensor) and id(a) in ctx._dirty):
            t._version_counter[0] += 1
        single = not isinstance(output, tuple)
        outputs = [_fresh(o, args, ctx) for o in ((output,) if single else output)]
        if any(ctx.needs_input_grad):
            _CustomNode.record(cls._node_class, ctx, cls, args, outputs)
            _rebase_dirty_views(outputs, ctx)
        else:
            ctx._saved = [(t, t._version_counter[0] if t is not None else 0)
                          for t in (ctx._to_save or ())]
        return outputs[0] if single else tuple(outputs)


def _fresh(output: Any, args: tuple[Any, ...], ctx: FunctionCtx) -> Any:
    """An output that is an (unmarked) input is returned as a new view of it, as in PyTorch.

    Outputs that are views (that one, or views made in ``forward``) may not be changed in
    place, nor used after their base changed (see ``autograd.views``): autograd could not
    replay them without overriding the Function's backward.
    """
    if not isinstance(output, Tensor) or id(output) in ctx._dirty:
        return output
    if any(output is a for a in args):
        alias = Tensor._wrap(output._data)
        views.track(alias, output)
        if id(output) in ctx._non_differentiable:
            ctx._non_differentiable.add(id(alias))
        output = alias
    views.mark_custom_function_output(output)
    return output


def _rebase_dirty_views(outputs: list[Any], ctx: FunctionCtx) -> None:
    """A view changed in place by ``forward`` (``mark_dirty``) writes through to its base."""
    for output in outputs:
        if isinstance(output, Tensor) and id(output) in ctx._dirty and output._view is not None \
                and output._grad_fn is not None:
            views.check_inplace(output, ctx._node_name)
            views.write_through_base(output, output)


def once_differentiable(backward: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a ``backward`` as not differentiable again: it runs without recording a graph."""

    @functools.wraps(backward)
    def wrapper(ctx: FunctionCtx, *grads: Any) -> Any:
        with grad_mode.no_grad():
            return backward(ctx, *grads)

    return wrapper
