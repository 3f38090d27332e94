"""Reverse-mode backpropagation over the recorded graph.

1. Order the nodes reachable from the roots by an iterative depth-first post-order (an
   explicit stack, so a 100,000-op chain needs no recursion).
2. Walk them root-first. Each node's gradient is the sum of what all its uses sent; it is
   complete when the node is reached, popped from the pending dict (freeing it as we go), and
   passed to the node's backward rule, whose outputs are added to its inputs' pending sums.
3. Leaves receive their totals at the end (``.grad`` accumulates across calls).
4. Saved values are released unless ``retain_graph``.
"""

from __future__ import annotations

import numpy as np

from . import anomaly, grad_mode
from ._tensor import Tensor
from .function import Function


def topological_order(roots) -> list[Function]:
    """Nodes reachable from ``roots``, each after every node that uses its output."""
    order, visited = [], set()
    stack = [(node, False) for node in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for edge in node.next_edges:
            if isinstance(edge, Function) and id(edge) not in visited:
                stack.append((edge, False))
    order.reverse()
    return order


class _Pending:
    """Gradient sums waiting for their node or leaf, keyed by object identity.

    In the fast path an array this backward created may be summed into in place (``owned``);
    an array that is shared (returned to two inputs, passed through, or given by the user) is
    copied before anything writes to it.
    """

    def __init__(self, create_graph: bool) -> None:
        self.create_graph = create_graph
        self.slots: dict[int, list] = {}

    def add(self, target, grad, owned: bool) -> None:
        slot = self.slots.get(id(target))
        if slot is None:
            self.slots[id(target)] = [target, grad, owned]
        elif self.create_graph:
            slot[1] = slot[1] + grad
        elif not slot[2]:
            slot[1] = np.asarray(slot[1] + grad)  # a fresh array (0-d sums come back as scalars)
            slot[2] = True
        else:
            slot[1] += grad

    def pop(self, target):
        slot = self.slots.pop(id(target), None)
        return (None, False) if slot is None else (slot[1], slot[2])


def _root_gradient(root: Tensor, gradient, create_graph: bool):
    if gradient is None:
        if root.numel() != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for scalar outputs, but this "
                f"output has shape {root.shape}. Hint: reduce it first (loss.sum() or "
                "loss.mean()) or pass gradient= with the same shape")
        grad, owned = np.ones_like(root.data), True
    else:
        grad = gradient.data if isinstance(gradient, Tensor) else np.asarray(gradient)
        if grad.shape != root.shape:
            raise RuntimeError(f"backward: gradient has shape {grad.shape} but the output has "
                               f"shape {root.shape}; they must match")
        grad, owned = grad.astype(root.dtype, copy=False), False
        if create_graph and isinstance(gradient, Tensor) and gradient.requires_grad:
            return gradient, False
    return (Tensor(grad) if create_graph else grad), owned


def _as_tensor(grad):
    return grad if isinstance(grad, Tensor) else Tensor._wrap(grad)


def _run_hooks(hooks: dict, grad, create_graph: bool):
    """Call each hook with the gradient as a Tensor; a returned value replaces it."""
    replaced = False
    for hook in list(hooks.values()):
        result = hook(_as_tensor(grad))
        if result is not None:
            grad, replaced = result, True
    if replaced and not create_graph:
        grad = grad.data if isinstance(grad, Tensor) else np.asarray(grad)
    return grad, not replaced


def _nodes_leading_to(order: list, targets: set) -> set:
    """Ids of the nodes from which some target (node or leaf) can be reached."""
    useful = set()
    for node in reversed(order):
        if id(node) in targets or any(id(edge) in targets or id(edge) in useful
                                      for edge in node.next_edges if edge is not None):
            useful.add(id(node))
    return useful


def run_backward(roots, gradients, retain_graph, create_graph: bool, targets=None):
    """The core walk. Without ``targets``, leaf gradients accumulate into ``.grad``; with
    ``targets`` (node or leaf objects), their gradients are returned in a dict by id."""
    captured = {}
    for _ in walk_backward(roots, gradients, retain_graph, create_graph, targets, captured):
        pass
    return captured


def walk_backward(roots, gradients, retain_graph, create_graph: bool, targets=None,
                  captured=None, steps: bool = False):
    """``run_backward`` as a generator. With ``steps`` it yields ``(node, grad, input_grads)``
    after each node's rule ran and ``(leaf, grad, None)`` before each leaf's accumulation
    (``ag.backward_steps``); the caller's grad mode is in force while it is suspended."""
    outer_mode = grad_mode.is_grad_enabled()
    if retain_graph is None:
        retain_graph = create_graph
    pending = _Pending(create_graph)
    root_nodes = []
    for root, gradient in zip(roots, gradients):
        if not root.requires_grad:
            raise RuntimeError(
                "backward: the output does not require grad and has no grad_fn. Hint: create "
                "the inputs with requires_grad=True, and don't run the forward inside no_grad()")
        grad, owned = _root_gradient(root, gradient, create_graph)
        pending.add(root.grad_fn or root, grad, owned)
        if root.grad_fn is not None:
            root_nodes.append(root.grad_fn)
    order = topological_order(root_nodes)
    useful = _nodes_leading_to(order, set(targets)) if targets is not None else None
    captured, executed = {} if captured is None else captured, []
    check = anomaly._state.enabled
    with grad_mode.set_grad_enabled(create_graph):
        for node in order:
            grad, owned = pending.pop(node)
            if grad is None:
                continue
            if node.pre_hooks:
                grad, still_owned = _run_hooks(node.pre_hooks, grad, create_graph)
                owned = owned and still_owned
            if targets is None and node.retained:
                _retain(node, grad, create_graph)
            elif targets is not None and id(node) in targets:
                captured[id(node)] = grad
            if useful is not None and id(node) not in useful:
                continue
            input_grads = node._run_backward(grad, create_graph)
            executed.append(node)
            if steps:  # before the sums below, which may add into these arrays in place
                with grad_mode.set_grad_enabled(outer_mode):
                    yield node, grad, input_grads
            for i, (edge, input_grad) in enumerate(zip(node.next_edges, input_grads)):
                if edge is None or input_grad is None:
                    continue
                if check:
                    anomaly.check_finite(_array(input_grad), f"the gradient for input {i}", node)
                pending.add(edge, input_grad, _fresh(input_grad, grad, input_grads, i))
        for slot in pending.slots.values():
            leaf, grad, owned = slot
            if leaf._hooks:
                grad, still_owned = _run_hooks(leaf._hooks, grad, create_graph)
                owned = owned and still_owned
            if steps:
                with grad_mode.set_grad_enabled(outer_mode):
                    yield leaf, grad, None
            if targets is None:
                _accumulate_into_leaf(leaf, grad, owned, create_graph)
            elif id(leaf) in targets:
                captured[id(leaf)] = grad
    if not retain_graph:
        for node in executed:
            node._release()


def _array(grad):
    return grad.data if isinstance(grad, Tensor) else grad


def _fresh(input_grad, upstream, all_grads, i) -> bool:
    """Whether this backward alone holds ``input_grad`` (so it may be summed into in place)."""
    if isinstance(input_grad, Tensor) or input_grad is upstream or input_grad.base is not None:
        return False
    return not any(other is input_grad for j, other in enumerate(all_grads) if j != i)


def _retain(node: Function, grad, create_graph: bool) -> None:
    for ref in node.retained:
        tensor = ref()
        if tensor is not None:
            value = grad if create_graph else Tensor._wrap(np.array(grad))
            tensor._grad = value if tensor._grad is None else tensor._grad + value


def _accumulate_into_leaf(leaf: Tensor, grad, owned: bool, create_graph: bool) -> None:
    if create_graph:
        grad = _as_tensor(grad)
        leaf._grad = grad if leaf._grad is None else leaf._grad + grad
    elif leaf._grad is None:
        leaf._grad = Tensor._wrap(grad if owned else np.array(grad))
    elif leaf._grad.requires_grad:
        leaf._grad = Tensor._wrap(leaf._grad.data + grad)
    else:
        np.add(leaf._grad._data, grad, out=leaf._grad._data)


def zero_grads(tensors, set_to_none: bool = True) -> None:
    """Reset ``.grad`` of each tensor: to None, or to zeros in place (``Module.zero_grad``
    and ``Optimizer.zero_grad``). A grad built with create_graph=True leaves its graph."""
    for t in tensors:
        grad = t.grad
        if grad is None:
            continue
        if set_to_none:
            t.grad = None
        elif grad.data.flags.writeable:
            grad.detach_()
            grad.data[...] = 0
        else:  # e.g. a broadcast view: replace it
            t.grad = Tensor._wrap(np.zeros_like(t.data))


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph: bool = False,
             inputs=None) -> None:
    """``ag.backward(loss)``: accumulate gradients of ``tensors`` into the leaves' ``.grad``.
    With ``inputs``, only those tensors' ``.grad`` are written."""
    roots = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    grads = _per_root(grad_tensors, len(roots), "grad_tensors")
    if inputs is None:
        run_backward(roots, grads, retain_graph, create_graph)
        return
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    results = grad(roots, inputs, grads, retain_graph, create_graph, allow_unused=True)
    for tensor, value in zip(inputs, results):
        if value is not None:
            tensor._grad = value if tensor._grad is None else tensor._grad + value


def _per_root(grads, count: int, name: str) -> list:
    if grads is None:
        return [None] * count
    grads = [grads] if isinstance(grads, (Tensor, np.ndarray)) or np.isscalar(grads) else list(grads)
    if len(grads) != count:
        raise RuntimeError(f"{name} has {len(grads)} entries but there are {count} outputs")
    return grads


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple:
    """Gradients of ``outputs`` with respect to ``inputs``, returned (``.grad`` is untouched).

    With ``create_graph=True`` the results are part of a graph, so they can be differentiated
    again (Hessian-vector products, gradient penalties).
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    for i, tensor in enumerate(inputs):
        if not isinstance(tensor, Tensor) or not tensor.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad; only tensors with "
                               "requires_grad=True (or computed from them) can be differentiated")
    keys = [tensor.grad_fn or tensor for tensor in inputs]
    captured = run_backward(outputs, _per_root(grad_outputs, len(outputs), "grad_outputs"),
                            retain_graph, create_graph, targets={id(k) for k in keys})
    results = []
    for i, key in enumerate(keys):
        value = captured.get(id(key))
        if value is None and not allow_unused:
            raise RuntimeError(f"grad: input {i} was not used to compute the outputs. Hint: pass "
                               "allow_unused=True to get None for it")
        if value is not None and not isinstance(value, Tensor):
            value = Tensor._wrap(np.array(value))
        results.append(value)
    return tuple(results)
