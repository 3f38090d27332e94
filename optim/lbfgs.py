"""L-BFGS: limited-memory BFGS with an optional strong Wolfe line search, after PyTorch's.

A port of ``torch/optim/lbfgs.py`` (itself after minFunc) on NumPy: the parameters are viewed
as one flat vector, and each ``step(closure)`` runs up to ``max_iter`` quasi-Newton iterations,
calling the closure to re-evaluate the loss and its gradient. The line search is in
``optim/line_search.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

import autograd as ag

from .arguments import Check, integer, nonnegative, number
from .line_search import Scalar, strong_wolfe
from .optimizer import Optimizer, _plain
from .state_checks import Kind, Like, buffer, buffers, count, optional_scalar, scalar, scalars

if TYPE_CHECKING:
    from autograd.types import Array

    from .optimizer import Params

_GROUPS_ERROR = "LBFGS doesn't support per-parameter options (parameter groups)"
_FLAT_STATE = ("d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss")


class LBFGS(Optimizer):
    """Limited-memory BFGS (Liu & Nocedal, 1989), as ``torch.optim.LBFGS``.

    The parameters form one flat vector x with gradient g. Each of up to ``max_iter``
    iterations of a ``step`` keeps the last ``history_size`` pairs (s_i, y_i) of steps
    ``s = x_{k+1} - x_k`` and gradient changes ``y = g_{k+1} - g_k`` (only pairs with
    ``y^T s > 1e-10``), ``rho_i = 1 / (y_i^T s_i)``, and computes the direction
    ``d = -H g`` by the two-loop recursion::

        q = -g
        for i = m-1, ..., 0:  a_i = rho_i s_i^T q;  q = q - a_i y_i
        r = H_diag q,   H_diag = y^T s / y^T y   (of the newest pair: the initial Hessian^-1)
        for i = 0, ..., m-1:  b_i = rho_i y_i^T r;  r = r + (a_i - b_i) s_i
        d = r

    (``d = -g`` on the very first iteration.) Then ``x = x + t d`` with ``t = lr`` (the first
    iteration ``t = min(1, 1 / |g|_1) lr``), or the ``t`` a strong Wolfe line search finds
    starting from there. A step stops early when ``max|g| <= tolerance_grad``,
    ``max|t d| <= tolerance_change``, ``|loss - prev_loss| < tolerance_change``,
    ``g^T d > -tolerance_change``, or after ``max_eval`` closure calls.

    Args:
        params: the Tensors to optimize (a single group: LBFGS takes no per-group options).
        lr: learning rate (the step along d, or the line search's first trial).
        max_iter: the most iterations per ``step``.
        max_eval: the most closure evaluations per ``step`` (default ``max_iter * 5 // 4``).
        tolerance_grad: stop when the largest gradient entry is at most this.
        tolerance_change: stop when the loss or the parameters change less than this.
        history_size: how many (s, y) pairs to keep.
        line_search_fn: None (fixed step ``lr``) or ``"strong_wolfe"``.

    State (all in ``state[params[0]]``, as PyTorch keeps it): ``func_evals`` and ``n_iter``
    (ints, over all steps), ``d``, ``t``, ``old_dirs`` (the y_i), ``old_stps`` (the s_i), ``ro``,
    ``H_diag``, ``prev_flat_grad``, ``prev_loss`` and ``al``. Flat vectors and the scalars
    PyTorch keeps as 0-d Tensors are Tensors; every update is computed in the parameters' dtype.

    Example:
        >>> opt = LBFGS(model.parameters(), line_search_fn="strong_wolfe")
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = loss_fn(model(x), y)
        ...     loss.backward()
        ...     return loss
        >>> opt.step(closure)
    """

    def __init__(self, params: Params, lr: float = 1, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if max_eval is None:
            self._option_kinds["max_iter"]("max_iter", max_iter)  # before computing with it
            max_eval = max_iter * 5 // 4
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval,
                    "tolerance_grad": tolerance_grad, "tolerance_change": tolerance_change,
                    "history_size": history_size, "line_search_fn": line_search_fn}
        super().__init__(params, defaults)

    _option_kinds: ClassVar[dict[str, Check]] = {
        "lr": nonnegative("learning rate", tensor=True), "max_iter": integer(), "max_eval": integer(),
        "tolerance_grad": number, "tolerance_change": number, "history_size": integer(minimum=1)}

    def _validate(self, options: dict[str, Any]) -> None:
        super()._validate(options)
        if not _is_line_search(options["line_search_fn"]):
            raise ValueError(f"LBFGS: line_search_fn={options['line_search_fn']!r}: only "
                             "'strong_wolfe' is supported (or None, a fixed step of lr)")

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """The one group (LBFGS refuses a second, as PyTorch's constructor does)."""
        if self.param_groups:
            raise ValueError(_GROUPS_ERROR)
        super().add_param_group(param_group)

    # ---- the flat vector -------------------------------------------------------------
    @property
    def _params(self) -> list[ag.Tensor]:
        params: list[ag.Tensor] = self.param_groups[0]["params"]
        return params

    def _gather_flat_grad(self) -> Array:
        """The gradients as one new flat vector (zeros for a parameter without ``.grad``)."""
        views = [np.zeros(p.numel(), dtype=p.dtype) if p.grad is None
                 else p.grad.detach().numpy().reshape(-1) for p in self._params]
        return np.concatenate(views)

    def _add_grad(self, step_size: Scalar, update: Array) -> None:
        """``x = x + step_size * update``, each parameter in place in its dtype."""
        offset = 0
        for p in self._params:
            array = p.detach().numpy()
            segment = update[offset:offset + array.size].reshape(array.shape)
            # as torch's p.add_(segment, alpha=step_size): alpha in the computation's dtype
            array += np.result_type(array, segment).type(step_size) * segment
            ag.increment_version(p)
            offset += array.size

    def _clone_param(self) -> list[Array]:
        return [p.detach().numpy().copy() for p in self._params]

    def _set_param(self, params_data: list[Array]) -> None:
        for p, data in zip(self._params, params_data):
            np.copyto(p.detach().numpy(), data)
            ag.increment_version(p)

    def _directional_evaluate(self, closure: Callable[[], Any], x: list[Array], t: Scalar,
                              d: Array) -> tuple[float, Array]:
        """The loss and flat gradient at ``x + t d`` (the parameters are left at ``x``)."""
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    # ---- the step --------------------------------------------------------------------
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Run up to ``max_iter`` L-BFGS iterations; return the loss from the first closure call.

        Args:
            closure: required: zeroes the gradients, computes the loss, calls ``backward`` and
                returns the loss. It is called with gradients enabled, several times per step.
        """
        if closure is None:
            raise TypeError("LBFGS.step() missing 1 required positional argument: 'closure'. "
                            "LBFGS re-evaluates the loss several times per step. Hint: "
                            "def closure(): opt.zero_grad(); loss = loss_fn(model(x), y); "
                            "loss.backward(); return loss, then opt.step(closure)")
        if len(self.param_groups) != 1:
            raise ValueError(f"LBFGS.step: expected exactly one param_group, but got "
                             f"{len(self.param_groups)}")
        user_closure = closure

        def evaluate() -> Any:
            with ag.enable_grad():
                return user_closure()

        with ag.no_grad():
            return self._step(evaluate)

    def _step(self, closure: Callable[[], Any]) -> Any:
        group = self.param_groups[0]
        lr = _plain(group["lr"].item() if isinstance(group["lr"], ag.Tensor) else group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]
        if not _is_line_search(line_search_fn):
            raise RuntimeError("LBFGS.step: only 'strong_wolfe' is supported")

        # LBFGS has only global state, kept as the state of the first parameter (as PyTorch)
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        # evaluate initial f(x) and df/dx
        orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1

        flat_grad = self._gather_flat_grad()
        opt_cond = np.abs(flat_grad).max() <= tolerance_grad
        if opt_cond:  # optimal condition
            return orig_loss

        # the state as NumPy: arrays, and NumPy scalars where torch has 0-d Tensors
        d, t, old_dirs, old_stps, ro, h_diag, prev_flat_grad, prev_loss = (
            _from_state(state.get(key)) for key in _FLAT_STATE)
        # the a_i (in the state from the second iteration on, as PyTorch keeps them), allocated
        # before anything moves: PyTorch fails mid-step where history_size does not fit
        al: list[Scalar] = _from_state(state["al"]) if "al" in state else _history(history_size)

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            # ---- the descent direction
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                h_diag = 1
            else:
                # update the memory with the newest pair (y, s)
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)  # y^T s
                if ys > 1e-10:
                    if len(old_dirs) == history_size:  # shift history by one (limited memory)
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / y.dot(y)  # scale of the initial inverse Hessian

                # the two-loop recursion: d = -H g
                num_old = len(old_dirs)
                if "al" not in state:
                    state["al"] = al  # (converted to Tensors below; here for the key order)
                q = -flat_grad
                for i in range(num_old - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q += -al[i] * old_dirs[i]
                d = r = q * h_diag  # multiply by the initial inverse Hessian
                for i in range(num_old):
                    be_i = old_dirs[i].dot(r) * ro[i]
                    r += (al[i] - be_i) * old_stps[i]

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.copy()
            else:
                np.copyto(prev_flat_grad, flat_grad)
            prev_loss = loss

            # ---- the step length
            t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)  # directional derivative g^T d
            if gtd > -tolerance_change:  # below tolerance: no descent along d
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                x_init = self._clone_param()

                def obj_func(x: list[Array], t: Scalar, d: Array) -> tuple[float, Array]:
                    return self._directional_evaluate(closure, x, t, d)

                loss, flat_grad, t, ls_func_evals = strong_wolfe(
                    obj_func, x_init, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                # no line search: a fixed step, re-evaluated unless it is the last iteration
                # (in a stochastic setting there is no use re-evaluating there)
                self._add_grad(t, d)
                if n_iter != max_iter:
                    loss = float(closure())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1

            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            # ---- the stopping conditions
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if np.abs(d * t).max() <= tolerance_change:  # lack of progress
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        for key, value in zip(_FLAT_STATE, (d, t, old_dirs, old_stps, ro, h_diag,
                                            prev_flat_grad, prev_loss)):
            state[key] = _to_state(value)
        if "al" in state:
            state["al"] = _to_state(al)
        return orig_loss

    # ---- loading ---------------------------------------------------------------------
    _state_kinds: ClassVar[dict[str, Kind] | None] = {
        "func_evals": count, "n_iter": count, "d": buffer, "t": scalar, "old_dirs": buffers,
        "old_stps": buffers, "ro": scalars, "H_diag": scalar, "prev_flat_grad": buffer,
        "prev_loss": optional_scalar, "al": scalars}

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("func_evals", "n_iter")

    def _state_like(self, param: ag.Tensor) -> Like:
        """The flat vector of all parameters, in their common dtype."""
        return Like((sum(p.numel() for p in self._params),),
                    np.result_type(*(p.detach().numpy().dtype for p in self._params)),
                    "all the parameters as one flat vector")

    def _load_param_state(self, param: ag.Tensor, values: Any, group: dict[str, Any],
                          where: str) -> dict[str, Any]:
        """The entries checked one by one, then together: an iteration's memory is complete."""
        state = super()._load_param_state(param, values, group, where)
        if state.get("n_iter", 0) > 0:
            missing = [key for key in _FLAT_STATE if key not in state and key != "prev_loss"]
            if missing:
                raise ValueError(f"{where} lacks {missing}, which LBFGS keeps after its first "
                                 f"iteration (n_iter is {state['n_iter']})")
        sizes = {key: len(state[key]) for key in ("old_dirs", "old_stps", "ro") if key in state}
        if len(set(sizes.values())) > 1 or max(sizes.values(), default=0) > group["history_size"]:
            raise ValueError(f"{where}: the history lists must have one length, at most "
                             f"history_size={group['history_size']}; their lengths are {sizes}")
        if "al" in state and len(state["al"]) < max(sizes.values(), default=0):
            raise ValueError(f"{where}: 'al' has {len(state['al'])} entries, fewer than the "
                             f"{max(sizes.values())} of the history")
        return state


def _is_line_search(value: Any) -> bool:
    """Whether ``value`` is a ``line_search_fn`` LBFGS has: None or "strong_wolfe"."""
    return value is None or (isinstance(value, str) and value == "strong_wolfe")


def _history(size: int) -> list[Any]:
    """PyTorch's list of ``history_size`` Nones for the a_i of the two-loop recursion.

    Where it does not fit in memory PyTorch fails with a MemoryError; this says why.
    (``_step`` allocates it before the parameters move; PyTorch, in its second iteration.)
    """
    try:
        return [None] * size
    except MemoryError:
        raise RuntimeError(f"LBFGS.step: history_size={size} does not fit in memory (its list of "
                           "a_i alone would need that many entries). Hint: a few tens of (s, y) "
                           "pairs is usual; the default is 100") from None


def _from_state(value: Any) -> Any:
    """A state value as NumPy: Tensors as their arrays (0-d ones as NumPy scalars), lists too."""
    if isinstance(value, ag.Tensor):
        array = value.detach().numpy()
        return array[()] if array.ndim == 0 else array
    if isinstance(value, list):
        return [_from_state(v) for v in value]
    return value


def _to_state(value: Any) -> Any:
    """A NumPy value as state, as PyTorch keeps it: arrays and NumPy scalars as Tensors."""
    if isinstance(value, np.ndarray):
        return ag.from_numpy(value)
    if isinstance(value, np.generic):
        return ag.tensor(np.asarray(value))
    if isinstance(value, list):
        return [_to_state(v) for v in value]
    return value
