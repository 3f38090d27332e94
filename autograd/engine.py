"""Reverse-mode backpropagation over the recorded graph.

``backward_pass`` is the whole algorithm, one loop:

1. Order the nodes reachable from the roots by an iterative depth-first post-order (an
   explicit stack, so a 100,000-op chain needs no recursion), outputs before inputs.
2. For each node: pop its gradient, complete now because every use of its output came
   earlier (backprop as dynamic programming); run its pre-hooks and ``retain_grad``; run its
   rule; yield the step (unless only the leaves are wanted); hand each input gradient on to
   that input's pending sum (``grad_sums.GradientSums``).
3. Yield each leaf with its total. Saved values are released unless ``retain_graph``.

Three thin drivers consume the steps: ``accumulate`` writes leaves' ``.grad`` (``backward()``,
and ``ag.backward_steps``, which shows each step), and ``grad`` returns the gradients of chosen
inputs (``ag.grad``). ``reachable`` is the one graph walk of the drawing code.
"""

from __future__ import annotations

import warnings
from collections import deque
from typing import TYPE_CHECKING, Any

import numpy as np

from . import anomaly, grad_mode
from ._tensor import Tensor
from .conversion import tensor_array
from .grad_checks import check_hook_result
from .grad_sums import GradientSums
from .primitive import Primitive
from .sliced_grad import SlicedGrad

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Sequence

    from .types import Array, ArrayLike, Value

    Step = tuple[Primitive | Tensor, Value, list[Value | SlicedGrad | None] | None, bool]  # of backward_pass


def topological_order(roots: Iterable[Primitive]) -> list[Primitive]:
    """Nodes reachable from ``roots``, each after every node that uses its output.

    An iterative depth-first post-order, reversed: a node is pushed once to be expanded and
    once more to be emitted after everything below it.
    """
    order: list[Primitive] = []
    visited: set[int] = set()
    stack: list[tuple[Primitive, bool]] = [(node, False) for node in roots]
    pop, push, emit, visit = stack.pop, stack.append, order.append, visited.add
    while stack:
        node, expanded = pop()
        if expanded:
            emit(node)
            continue
        if id(node) in visited:
            continue
        visit(id(node))
        push((node, True))
        for edge in node.next_edges:
            if isinstance(edge, Primitive) and id(edge) not in visited:
                push((edge, False))
    order.reverse()
    return order


def reachable(roots: Iterable[Primitive | Tensor],
              stop: Collection[int] = frozenset()) -> list[Primitive | Tensor]:
    """Nodes and leaf Tensors reachable from ``roots`` (nodes or leaves), breadth-first, each once.

    The nearest the roots come first; objects whose id is in ``stop`` are not entered.
    """
    order: list[Primitive | Tensor]
    order, seen = [], set(stop)
    queue: deque[Primitive | Tensor] = deque()
    for obj in roots:
        if id(obj) not in seen:
            seen.add(id(obj))
            queue.append(obj)
    while queue:
        obj = queue.popleft()
        order.append(obj)
        for edge in getattr(obj, "next_edges", ()):
            if edge is not None and id(edge) not in seen:
                seen.add(id(edge))
                queue.append(edge)
    return order


def _root_gradient(root: Tensor, gradient: Value | ArrayLike | None,
                   create_graph: bool) -> tuple[Value, bool]:
    if gradient is None:
        if root.numel() != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for scalar outputs, but this "
                f"output has shape {root.shape}. Hint: reduce it first (loss.sum() or "
                "loss.mean()) or pass gradient= with the same shape")
        grad, owned = np.ones_like(root._data), True
    else:
        grad = (gradient._data if isinstance(gradient, Tensor)
                else tensor_array(np.asarray(gradient), "backward"))
        if grad.shape != root._data.shape:
            raise RuntimeError(f"backward: gradient has shape {grad.shape} but the output has "
                               f"shape {root.shape}; they must match")
        grad, owned = grad.astype(root._data.dtype, copy=False), False
        if create_graph and isinstance(gradient, Tensor) and gradient.requires_grad:
            return gradient, False
    return (Tensor._wrap(np.array(grad)) if create_graph else grad), owned


def _as_tensor(grad: Value) -> Tensor:
    return grad if isinstance(grad, Tensor) else Tensor._wrap(grad)


def _run_hooks(hooks: dict[int, Callable[[Tensor], Any]], grad: Value, owned: bool,
               create_graph: bool) -> tuple[Value, bool]:
    """Call each hook with the gradient as a Tensor; a returned Tensor of its shape and dtype replaces it."""
    replaced = False
    for hook in list(hooks.values()):
        result = hook(_as_tensor(grad))
        if result is not None:
            check_hook_result(hook, grad, result)
            grad, replaced = result, True
    if replaced and not create_graph:
        grad = grad._data if isinstance(grad, Tensor) else np.asarray(grad)
    return grad, owned and not replaced


def _nodes_leading_to(order: list[Primitive], targets: set[int]) -> set[int]:
    """Ids of the nodes from which some target (node or leaf) can be reached."""
    useful: set[int] = set()
    for node in reversed(order):
        if id(node) in targets or any(id(edge) in targets or id(edge) in useful
                                      for edge in node.next_edges if edge is not None):
            useful.add(id(node))
    return useful


def _retain(node: Primitive, grad: Value, create_graph: bool) -> None:
    for ref in node.retained:  # type: ignore[union-attr]  # the caller checked node.retained
        tensor = ref()
        if tensor is not None:
            value = grad if create_graph else Tensor._wrap(np.array(grad))
            tensor._grad = value if tensor._grad is None else tensor._grad + value


def backward_pass(roots: Sequence[Tensor], root_grads: Sequence[Value | ArrayLike | None],
                  retain_graph: bool | None, create_graph: bool,
                  targets: set[int] | None = None, each_step: bool = True) -> Iterator[Step]:
    """Backpropagate from ``roots``; yield one step per node and per leaf, in order.

    Each step is ``(target, grad, sent, owned)``: an op node, or a leaf Tensor; its complete
    gradient dL/d(its output) (after hooks); for a node, what its rule sent to each input
    (None for a leaf, or for a node not run because it leads to no ``targets``); and whether
    the pass alone holds ``grad`` (``GradientSums``). ``targets``: ids of the nodes and
    leaves whose gradients are wanted; only rules on paths to them run. ``each_step=False``
    yields the leaves only (``backward()``: a node's step is then not a generator resume). Grad mode is
    ``create_graph`` until the pass ends, also while it is suspended: a driver that runs user
    code between steps restores the caller's mode around it (``ag.backward_steps`` does).
    """
    if retain_graph is None:
        retain_graph = create_graph
    sums = GradientSums(create_graph)
    grad: Value | None
    root_nodes: list[Primitive] = []
    for root, gradient in zip(roots, root_grads):
        if not root.requires_grad:
            raise RuntimeError(
                "backward: the output does not require grad and has no grad_fn. Hint: create "
                "the inputs with requires_grad=True, and don't run the forward inside no_grad()")
        grad, owned = _root_gradient(root, gradient, create_graph)
        node = root._grad_fn
        sums.add(root if node is None else node, grad, owned)
        if node is not None:
            root_nodes.append(node)
    order = topological_order(root_nodes)
    useful = _nodes_leading_to(order, targets) if targets is not None else None
    executed: list[Primitive] = []
    check = anomaly._state.enabled
    mode, outer = grad_mode._state, grad_mode._state.enabled
    pop, send = sums.pop, sums.send
    try:
        mode.enabled = create_graph
        for node in order:
            grad, owned = pop(node)
            if grad is None:
                continue
            if node.pre_hooks:
                grad, owned = _run_hooks(node.pre_hooks, grad, owned, create_graph)
            if node.retained:
                _retain(node, grad, create_graph)
            sent = None
            if useful is None or id(node) in useful:
                sent = node._run_backward(grad, create_graph)
                executed.append(node)
            if each_step:
                yield node, grad, sent, owned  # before the sums below, which may add in place
            if sent is None:
                continue
            if check:
                _check_finite(node, sent)
            send(node, sent, grad)
        for leaf, grad, owned in list(sums.slots.values()):
            if leaf._hooks:
                grad, owned = _run_hooks(leaf._hooks, grad, owned, create_graph)
            yield leaf, grad, None, owned
    finally:
        mode.enabled = outer
    if not retain_graph:
        for node in executed:
            node._release()


def _check_finite(node: Primitive, sent: Sequence[Value | SlicedGrad | None]) -> None:
    """Anomaly mode: refuse a NaN or inf in what ``node``'s rule sent to an input."""
    for i, (edge, grad) in enumerate(zip(node.next_edges, sent)):
        if edge is not None and grad is not None:
            anomaly.check_finite(_array(grad), f"the gradient for input {i}", node)


def _array(grad: Value | SlicedGrad) -> Array:
    if isinstance(grad, SlicedGrad):
        return grad.values  # the rest is zeros
    return grad._data if isinstance(grad, Tensor) else grad


def accumulate(roots: Sequence[Tensor], root_grads: Sequence[Value | ArrayLike | None],
               retain_graph: bool | None, create_graph: bool, each_step: bool = True) -> Iterator[Step]:
    """Driver: run ``backward_pass`` and add each leaf's total into its ``.grad``.

    It yields the steps as it goes (``ag.backward_steps`` shows them; ``backward()`` exhausts
    it, with ``each_step=False``: the leaves' steps only).
    """
    for target, grad, sent, owned in backward_pass(roots, root_grads, retain_graph, create_graph,
                                                   each_step=each_step):
        if sent is None and isinstance(target, Tensor):
            _accumulate_into_leaf(target, grad, owned, create_graph)
        yield target, grad, sent, owned
        del grad, sent  # hold nothing while the next node's rule runs


def _accumulate_into_leaf(leaf: Tensor, grad: Value, owned: bool, create_graph: bool) -> None:
    if create_graph:
        grad = _as_tensor(grad)
        leaf._grad = grad if leaf._grad is None else leaf._grad + grad
    elif leaf._grad is None:
        leaf._grad = Tensor._wrap(grad if owned else np.array(grad))  # type: ignore[arg-type]  # an array here
    elif leaf._grad.requires_grad:
        leaf._grad = Tensor._wrap(leaf._grad._data + grad)
    else:
        np.add(leaf._grad._data, grad, out=leaf._grad._data)


def zero_grads(tensors: Iterable[Tensor], set_to_none: bool = True) -> None:
    """Reset ``.grad`` of each tensor: to None, or to zeros in place.

    Used by ``Module.zero_grad`` and ``Optimizer.zero_grad``. A grad built with
    create_graph=True leaves its graph.
    """
    for t in tensors:
        grad = t.grad
        if grad is None:
            continue
        if set_to_none:
            t.grad = None
        elif grad._data.flags.writeable and grad._view is None:
            grad.detach_()
            grad._data[...] = 0
        else:  # e.g. a broadcast view, or a view (create_graph=True): replace it
            t.grad = Tensor._wrap(np.zeros_like(t._data))


_CREATE_GRAPH_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter "
    "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
    "creating the graph to avoid this. If you have to use this function, make sure to reset the "
    ".grad fields of your parameters to None after use to break the cycle and avoid the leak.")


def backward(tensors: Tensor | Iterable[Tensor], grad_tensors: Any = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Tensor | Iterable[Tensor] | None = None) -> None:
    """``ag.backward(loss)``: accumulate gradients of ``tensors`` into the leaves' ``.grad``.

    With ``inputs``, only those tensors' ``.grad`` are written. ``grad_tensors``: one
    gradient per output (a Tensor, an array or None), or one alone for a single output.
    """
    roots = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    grads = _per_root(grad_tensors, len(roots), "grad_tensors")
    if create_graph:
        warnings.warn(_CREATE_GRAPH_CYCLE, UserWarning, stacklevel=3)
    if inputs is None:
        steps = accumulate(roots, grads, retain_graph, create_graph, each_step=False)
        deque(steps, maxlen=0)  # run it through
        return
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    results = grad(roots, inputs, grads, retain_graph, create_graph, allow_unused=True)
    for tensor, value in zip(inputs, results):
        if value is not None:
            tensor._grad = value if tensor._grad is None else tensor._grad + value


def _per_root(grads: Any, count: int, name: str) -> list[Any]:
    if grads is None:
        return [None] * count
    grads = [grads] if isinstance(grads, (Tensor, np.ndarray)) or np.isscalar(grads) else list(grads)
    if len(grads) != count:
        raise RuntimeError(f"{name} has {len(grads)} entries but there are {count} outputs")
    return grads


def grad(outputs: Tensor | Iterable[Tensor], inputs: Tensor | Iterable[Tensor], grad_outputs: Any = None,
         retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple[Tensor | None, ...]:
    """Gradients of ``outputs`` with respect to ``inputs``, returned (``.grad`` is untouched).

    With ``create_graph=True`` the results are part of a graph, so they can be differentiated
    again (Hessian-vector products, gradient penalties).
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)  # type: ignore[list-item]  # single: a Tensor
    for i, tensor in enumerate(inputs):
        if not isinstance(tensor, Tensor) or not tensor.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad; only tensors with "
                               "requires_grad=True (or computed from them) can be differentiated")
    keys = [tensor.grad_fn or tensor for tensor in inputs]
    wanted = {id(k) for k in keys}
    captured: dict[int, Value] = {}
    value: Value | None
    for target, value, _, _ in backward_pass(
            outputs, _per_root(grad_outputs, len(outputs), "grad_outputs"), retain_graph,
            create_graph, targets=wanted):
        if id(target) in wanted:
            captured[id(target)] = value
    results: list[Tensor | None] = []
    for i, key in enumerate(keys):
        value = captured.get(id(key))
        if value is None and not allow_unused:
            raise RuntimeError(f"grad: input {i} was not used to compute the outputs. Hint: pass "
                               "allow_unused=True to get None for it")
        if value is not None and not isinstance(value, Tensor):
            value = Tensor._wrap(np.array(value))
        results.append(value)
    return tuple(results)
