"""The graph node: one primitive op, its forward on arrays and its backward rule side by side.

A primitive subclasses ``Primitive`` and writes
    ``forward(self, *arrays, **params) -> np.ndarray`` and
    ``backward(self, g) -> tuple`` (one gradient per input, None where none is needed).

Backward rules read saved values through ``self.input(i)`` and ``self.output()`` and use
``self.xp`` for functions: in the fast path these are NumPy arrays and NumPy itself; under
``create_graph=True`` they are Tensors and ``autograd.ops.xp``, so the same rule
records the graph of the backward pass (as HIPS autograd's rules run on boxed NumPy).
The base does the cross-cutting work once: recording edges, version checks on saved
values, fitting gradients to each input's shape and dtype (``grad_fit``), releasing the graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np

from . import anomaly, grad_mode, views
from ._tensor import Tensor
from .checks import OpError as OpError  # re-exported: ops import it from here
from .checks import OpTypeError
from .conversion import HELD, tensor_array
from .dtypes import OperandError
from .grad_fit import fit
from .sliced_grad import SlicedGrad

if TYPE_CHECKING:
    import weakref
    from collections.abc import Callable, Sequence
    from types import ModuleType

    from .types import Array, Shape, Value


_F = TypeVar("_F", bound="Primitive")


_NOTHING_SAVED = ((), (None,), (None, None), (None, None, None))  # by the number of inputs
_GRAD_MODE, _ANOMALY = grad_mode._state, anomaly._state  # the (thread-local) switches, looked up once
_DTYPE_HINT = "the op does not take these dtypes; convert an input, e.g. x.float() or x.long()"
_OVERFLOW_HINT = "Python ints must fit in 64 bits; pass a smaller value or a float"


def _inputs_text(arrays: list[Any]) -> str:
    return ", ".join(f"{a.shape} {a.dtype}" if isinstance(a, np.ndarray) else repr(a) for a in arrays)


_RELEASED_MESSAGE = (
    "Trying to backward through the graph a second time (or to read saved values after "
    "they were freed): {op} released its saved values when backward() or ag.grad() ran. "
    "Pass retain_graph=True to the first backward()/ag.grad() call if you need to go "
    "through the graph again."
)


def wire(inputs: Sequence[Any]) -> tuple[list[Any], list[Any], list[bool], list[Any], bool]:
    """One pass over an op's inputs: ``(arrays, edges, needs, meta, any_needs)``.

    Per input: its array (or the scalar itself); its edge (its node, its leaf, or None when it
    needs no gradient); whether it needs a gradient; its ``(shape, dtype)`` if so. A view first
    refreshes its node if its base changed in place. Plain loops and appends: on this hot path
    a generator expression costs more than the rest of the loop.
    """
    arrays: list[Any] = []
    edges: list[Any] = []
    needs: list[bool] = []
    meta: list[Any] = []
    wanted = False
    for x in inputs:
        if isinstance(x, Tensor):
            data = x._data
            arrays.append(data)
            if x._requires_grad if x._view is None else views.fresh_requires_grad(x):
                wanted = True
                edges.append(x._grad_fn if x._grad_fn is not None else x)
                needs.append(True)
                meta.append((data.shape, data.dtype))
                continue
        else:
            arrays.append(x)
        edges.append(None)
        needs.append(False)
        meta.append(None)
    return arrays, edges, needs, meta, wanted


class Primitive:
    """Base of every primitive op; an instance is a node of the graph (``tensor.grad_fn``).

    Class attributes a primitive may set:
        saved_inputs: indices of the inputs whose values ``backward`` reads.
        saves_output: whether ``backward`` reads the output.
        differentiable: False for ops whose output never requires grad (argmax, ==).
        is_view: True when the output shares memory (and version counter) with input 0: it
            is then a view of input 0's base (see ``autograd.views``). A node whose forward
            had to copy after all sets ``self.is_view = False``.
        node_name: PyTorch's name of the node for the op's usual call (default
            ``<Class>Backward0``).
        shown_inputs: the inputs ``next_functions`` lists, in PyTorch's order (None: all).

    Node names: a node is an instance of a *node type*, a slot-less subclass of the primitive
    named as PyTorch names the node (``type(y.grad_fn).__name__ == y.grad_fn.name() ==
    "MulBackward0"``). Each primitive has one for ``node_name``, made when the class is
    defined, which ``apply`` instantiates. Where PyTorch's name depends on the call (``x.sum()``
    is ``SumBackward0``, ``x.sum(0)`` ``SumBackward1``), the public function applies a preset
    node type instead, ``Sum.named("SumBackward1").apply(...)``, made once at import; an op
    that learns its name in ``forward`` (a reshape that had to copy, matmul by the operands'
    ranks) assigns a preset node type to ``self.__class__`` there, and a composition names its
    last node after the whole call with ``name_node``. No names are built per call.
    """

    __slots__ = ("next_edges", "needs_input_grad", "_meta", "_saved", "_versions", "_out",
                 "_create_graph", "pre_hooks", "retained", "creation_site", "_module_calls",
                 "summed_grads", "__weakref__")  # the last two: set by nn.Module calls and by
    # grad_fit.fit, read by autograd.viz
    op_name: str  # the user-level op (``mul``, ``leaky_relu``): the class name lowercased by default
    node_name: str  # PyTorch's name of the node (``MulBackward0``): ``<Class>Backward0`` by default
    shown_inputs: tuple[int, ...] | None = None
    primitive: type[Primitive]  # the op class (itself for a primitive, its base for a node type)
    _node_type: type[Primitive]  # the class ``apply`` makes nodes of
    _node_types: dict[tuple[str, tuple[int, ...] | None], type[Primitive]]  # per primitive: by name
    saved_inputs: tuple[int, ...] = ()
    saves_output = False
    differentiable = True
    is_view = False
    hint = ""
    # the slots' types: a node is made by __new__, then _record and _run_backward set them
    next_edges: tuple[Primitive | Tensor | None, ...]  # per input: its node, its leaf, or None
    needs_input_grad: tuple[bool, ...]
    _meta: tuple[tuple[Shape, np.dtype[Any]] | None, ...]  # per input needing grad: (shape, dtype)
    _saved: tuple[Any, ...] | None  # saved input arrays (None where not saved); None once released
    _versions: tuple[tuple[list[int], int, int | str], ...]  # (counter, version at save, input or "output")
    _out: Any  # the saved output array, or None
    _create_graph: bool
    pre_hooks: dict[int, Callable[[Tensor], Any]] | None
    retained: list[weakref.ref[Tensor]] | None
    creation_site: str  # set under anomaly detection only
    _module_calls: tuple[tuple[Any, ...], ...]  # () from _record; autograd.viz.calls adds the records
    summed_grads: dict[int, Shape]  # input -> the shape its rule's gradient had: set by grad_fit.fit when
    # it summed that gradient over broadcast dims (un-broadcast), unset until then

    def __init_subclass__(cls, node_type: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if node_type:  # made by ``named``, which sets its attributes
            return
        if "op_name" not in cls.__dict__:
            cls.op_name = cls.__name__.lower()
        if "node_name" not in cls.__dict__:
            cls.node_name = f"{cls.__name__}Backward0"
        cls.primitive = cls
        cls._node_types = {}
        cls._node_type = cls.named(cls.node_name)

    @classmethod
    def named(cls: type[_F], node_name: str, shown_inputs: tuple[int, ...] | None = None) -> type[_F]:
        """This op's node type named ``node_name`` (made on first use, then cached).

        Args:
            node_name: PyTorch's name for the node of one form of the call; the part after
                ``::`` (``torch::autograd::CopySlices``) is the class name.
            shown_inputs: the inputs ``next_functions`` lists, in PyTorch's order (PyTorch's
                overload may take a number, not a tensor, or order the operands otherwise);
                None keeps the primitive's ``shown_inputs``.

        Returns:
            A subclass of the primitive without slots or methods of its own: ``X.apply``
            records its nodes, and a node may switch to it by assigning ``__class__``.
        """
        op = cast("type[_F]", cls.primitive)
        shown = op.shown_inputs if shown_inputs is None else shown_inputs
        found = op._node_types.get((node_name, shown))
        if found is None:
            type_name = node_name.rpartition("::")[2]
            found = type(type_name, (op,), {
                "__slots__": (), "__module__": op.__module__, "__qualname__": type_name,
                "__doc__": op.__doc__, "node_name": node_name, "shown_inputs": shown,
            }, node_type=True)
            found._node_type = found
            op._node_types[node_name, shown] = found
        return cast("type[_F]", found)

    # ---- forward ---------------------------------------------------------------------
    @classmethod
    def apply(cls, *inputs: Any, **params: Any) -> Tensor:
        """Run the op on Tensors, arrays or scalars and return a Tensor.

        A node is recorded when grad mode is on and some input requires grad (``wire``
        finds which, in the one pass over the inputs of this, every op's, hot path).
        """
        arrays, edges, needs, meta, wanted = wire(inputs)
        node_type = cls._node_type
        node = node_type.__new__(node_type)
        try:
            out = node.forward(*arrays, **params)
        except (OpError, OpTypeError):  # the op's own refusal, already explained
            raise
        except OperandError as err:  # names the operand; the op's hint is about something else
            raise OperandError(f"{node.op_name}: {err}") from None
        except (ValueError, IndexError, TypeError, OverflowError) as err:  # NumPy's
            raise type(err)(node._describe_failure(err, arrays)) from None
        if type(out) is not np.ndarray:
            out = np.asarray(out)
        dtype = out.dtype
        if dtype not in HELD:  # e.g. from an object or long double NumPy operand: refused
            out = tensor_array(out, f"{node.op_name} (inputs: {_inputs_text(arrays)})")
        record = wanted and cls.differentiable and dtype.kind == "f" and _GRAD_MODE.enabled
        if _ANOMALY.enabled:
            node.creation_site = anomaly.user_call_site()
            anomaly.check_finite(out, "the forward output", node)
        result = Tensor._wrap(out, node if record else None)
        if cls.is_view and node.is_view:
            views.track(result, inputs[0])
        if record:
            node._record(inputs, arrays, edges, needs, meta, result)
        return result

    def _record(self, inputs: Sequence[Any], arrays: list[Any], edges: list[Any], needs: list[bool],
                meta: list[Any], result: Tensor) -> None:
        """Wire the node to its inputs (as ``wire`` found them) and save what backward reads."""
        self.next_edges = tuple(edges)
        self.needs_input_grad = tuple(needs)
        self._meta = tuple(meta)
        # Tuples, and one shared tuple where nothing is saved: after the garbage collector's
        # first look, a tuple of arrays, Nones and ints is no longer tracked, a list always is,
        # and each tracked object of a long graph costs time at every full collection
        # (measured: a 100,000-op chain at 24.7 us per op against 16.9 with the collector off).
        versions: list[tuple[list[int], int, int | str]] = []
        if self.saved_inputs:
            saved: list[Any] = [None] * len(inputs)
            for i in self.saved_inputs:
                saved[i] = arrays[i]
                if isinstance(inputs[i], Tensor):
                    counter = inputs[i]._version_counter
                    versions.append((counter, counter[0], i))
            self._saved = tuple(saved)
        else:
            self._saved = _NOTHING_SAVED[len(inputs)] if len(inputs) < 4 else (None,) * len(inputs)
        if self.saves_output:
            self._out = result._data
            versions.append((result._version_counter, result._version_counter[0], "output"))
        else:
            self._out = None
        self._versions = tuple(versions) if versions else ()
        self.pre_hooks = None
        self.retained = None
        self._module_calls = ()  # set here, not left unset: reading an unset slot raises inside

    def _describe_failure(self, err: Exception, arrays: list[Any]) -> str:
        """NumPy's complaint named after the op, with the inputs and the hint that fits it.

        The op's ``hint`` (about shapes) goes with shape and index errors; a TypeError is about
        dtypes and an OverflowError about a Python int, whatever the op.
        """
        if isinstance(err, TypeError):
            hint = _DTYPE_HINT
        elif isinstance(err, OverflowError):
            hint = _OVERFLOW_HINT
        else:
            hint = self.hint
        return f"{self.op_name}: {err} (inputs: {_inputs_text(arrays)}).{' Hint: ' if hint else ''}{hint}"

    # ---- backward --------------------------------------------------------------------
    def forward(self, *arrays: Any, **params: Any) -> Array:
        """The op on NumPy arrays (and the op's parameters); returns the output array."""
        raise NotImplementedError

    def backward(self, g: Value) -> tuple[Value | SlicedGrad | None, ...]:
        """The gradient for each input given ``g`` = dL/d(output); None where none is needed.

        A slice's rule may return a ``SlicedGrad`` (the fast path only), which the engine adds
        into its pending sum; every other rule returns arrays (Tensors under create_graph).
        """
        raise NotImplementedError

    @property
    def xp(self) -> ModuleType:
        """NumPy in the fast path; the Tensor versions of its functions under create_graph."""
        if self._create_graph:
            from .ops import xp

            return xp
        return np

    def call(self, op: type[Primitive], *args: Any, **params: Any) -> Value:
        """Run another primitive in this backward's mode (e.g. a gather's backward is a scatter-add).

        On arrays in the fast path, recorded on Tensors under create_graph.
        """
        if self._create_graph:
            return op.apply(*args, **params)
        return np.asarray(op.__new__(op).forward(*args, **params))

    def input(self, i: int) -> Any:
        """Saved input ``i``: an array, or under create_graph a Tensor wired to its producer."""
        if self._saved is None:
            raise RuntimeError(_RELEASED_MESSAGE.format(op=self.name()))
        value = self._saved[i]
        if not self._create_graph or not isinstance(value, np.ndarray):
            return value
        edge = self.next_edges[i]
        if isinstance(edge, Tensor):
            return edge  # a leaf: its own Tensor, so gradients reach it
        return Tensor._wrap(value, edge)

    def output(self) -> Value:
        """The saved output: an array, or under create_graph a Tensor produced by this node."""
        if self._saved is None:
            raise RuntimeError(_RELEASED_MESSAGE.format(op=self.name()))
        if not self._create_graph:
            return self._out
        return Tensor._wrap(self._out, self)

    def _run_backward(self, g: Value, create_graph: bool) -> list[Value | SlicedGrad | None]:
        """Check saved versions, run the rule, fit each gradient to its input."""
        for counter, version, which in self._versions:
            if counter[0] != version:
                where = "its output" if which == "output" else f"its input {which}"
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: {where}, saved by {self.name()}, is at version "
                    f"{counter[0]}; expected version {version}. Hint: use an out-of-place op "
                    "(x = x + y instead of x += y) or .clone() before modifying.")
        self._create_graph = create_graph
        grads = self.backward(g)
        # most gradients already fit their input: checked here without calling fit
        return [None if grad is None or meta is None
                else grad if type(grad) is np.ndarray and grad.shape == meta[0] and grad.dtype == meta[1]
                else fit(grad, meta, self)
                for grad, meta in zip(grads, self._meta)]

    def _release(self) -> None:
        """Free saved values after backward (unless retain_graph); ``input()`` then refuses."""
        self._saved = None
        self._out = None

    # ---- naming ----------------------------------------------------------------------
    def name(self) -> str:
        """PyTorch's node name, as ``grad_fn`` prints it: ``MulBackward0``."""
        return self.node_name

    @property
    def next_functions(self) -> tuple[tuple[Primitive | AccumulateGrad | None, int], ...]:
        """PyTorch's view of the edges: ``(node, 0)`` per input (per ``shown_inputs`` if set).

        A leaf appears as its ``AccumulateGrad`` node, an input that needs no gradient as
        ``(None, 0)``.
        """
        edges = self.next_edges if self.shown_inputs is None else \
            tuple(self.next_edges[i] for i in self.shown_inputs if i < len(self.next_edges))
        return tuple((AccumulateGrad(edge) if isinstance(edge, Tensor) else edge, 0)
                     for edge in edges)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"  # PyTorch's class name, as its tensors print it


class AccumulateGrad:
    """The node PyTorch shows for a leaf in ``next_functions``: it adds into ``variable.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    @property
    def next_functions(self) -> tuple[()]:
        """Nothing: a leaf ends the graph."""
        return ()

    def name(self) -> str:
        """``torch::autograd::AccumulateGrad``, as PyTorch names it."""
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


def name_node(result: Tensor, node_name: str, shown_inputs: tuple[int, ...] | None = None) -> Tensor:
    """Name the node that made ``result`` as PyTorch names the node of a whole composed call.

    For ops written from several primitives where PyTorch records one node (``layer_norm`` is
    ``NativeLayerNormBackward0``), or where PyTorch's outermost node differs: the last node
    switches to its primitive's node type ``node_name`` (see ``Primitive.named``). Only for a
    ``result`` that the caller's own last op made, never for a tensor passed in.

    Returns:
        ``result`` itself.
    """
    node = result._grad_fn
    if node is not None:
        node.__class__ = node.primitive.named(node_name, shown_inputs)
    return result
