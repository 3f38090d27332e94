"""The strong Wolfe line search of ``LBFGS(line_search_fn="strong_wolfe")``, after PyTorch's.

A port of ``_cubic_interpolate`` and ``_strong_wolfe`` in ``torch/optim/lbfgs.py`` (themselves
ported from Lua torch's ``polyinterp.lua`` and ``lswolfe.lua``), statement for statement.

Where PyTorch holds a 0-d Tensor (a directional derivative ``g^T d``, a step ``t`` computed
from one) this code holds a NumPy scalar of the same dtype, and where PyTorch holds a Python
number so does this code. NumPy's promotion rules (NEP 50: Python numbers are "weak") then
match PyTorch's: float32 quantities are computed and compared in float32, as in torch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from autograd.types import Array

# A Python number, or a NumPy scalar where PyTorch has a 0-d Tensor.
Scalar = Any
# obj_func(x, t, d): the loss (a Python float) and the flat gradient at x + t d.
ObjFunc = Callable[[list["Array"], Scalar, "Array"], "tuple[float, Array]"]


def cubic_interpolate(x1: Scalar, f1: Scalar, g1: Scalar, x2: Scalar, f2: Scalar, g2: Scalar,
                      bounds: tuple[Scalar, Scalar] | None = None) -> Scalar:
    """The minimizer of the cubic through two points with their values and slopes, clamped.

    With values ``f1, f2`` and derivatives ``g1, g2`` at ``x1, x2``::

        d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2)
        d2 = sqrt(d1^2 - g1 g2)
        x  = x2 - (x2 - x1) (g2 + d2 - d1) / (g2 - g1 + 2 d2)      (x1 <= x2; mirrored otherwise)

    clamped to ``bounds`` (default: the interval between x1 and x2). If ``d1^2 < g1 g2`` the
    cubic has no minimum and the midpoint of the bounds is returned.

    Args:
        x1: the first point.
        f1: the value at x1.
        g1: the derivative at x1.
        x2: the second point.
        f2: the value at x2.
        g2: the derivative at x2.
        bounds: ``(xmin, xmax)`` to clamp the result to.

    Returns:
        The new trial point.
    """
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    # 0-d Tensors divide by zero into inf/nan silently in PyTorch: so do NumPy scalars here
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        num, den = 3 * (f1 - f2), x1 - x2
        # torch divides a Python number by a 0-d Tensor as reciprocal(den) * num: so here
        d1 = g1 + g2 - (1 / den * num if _is_tensor(den) and not _is_tensor(num) else num / den)
        d2_square = d1**2 - g1 * g2
        if d2_square >= 0:
            d2 = np.sqrt(d2_square)
            if x1 <= x2:
                min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
            else:
                min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
            return min(max(min_pos, xmin_bound), xmax_bound)
        return (xmin_bound + xmax_bound) / 2.0


def _is_tensor(value: Scalar) -> bool:
    """Whether PyTorch would hold ``value`` as a 0-d Tensor (here: a NumPy scalar)."""
    return isinstance(value, np.generic)


def strong_wolfe(obj_func: ObjFunc, x: list[Array], t: Scalar, d: Array, f: float, g: Array,
                 gtd: Scalar, c1: float = 1e-4, c2: float = 0.9, tolerance_change: float = 1e-9,
                 max_ls: int = 25) -> tuple[float, Array, Scalar, int]:
    """A step ``t`` along ``d`` from ``x`` satisfying the strong Wolfe conditions.

    With ``phi(t) = f(x + t d)`` and ``phi'(t) = g(x + t d)^T d``, the conditions are::

        phi(t) <= phi(0) + c1 t phi'(0)          (sufficient decrease, Armijo)
        |phi'(t)| <= -c2 phi'(0)                 (curvature)

    First a bracketing phase extrapolates (cubic interpolation, bounded to
    ``[t + 0.01 (t - t_prev), 10 t]``) until an interval is known to contain such a point; then
    a zoom phase shrinks the interval by cubic interpolation (kept at least 10% of the
    interval away from its ends) until a point satisfies both conditions, the interval is
    shorter than ``tolerance_change / max|d|``, or ``max_ls`` evaluations are spent.

    Args:
        obj_func: ``obj_func(x, t, d)`` gives the loss and flat gradient at ``x + t d`` (and
            leaves the parameters at ``x``).
        x: the parameters' values at the start of the search.
        t: the first trial step.
        d: the search direction (flat).
        f: the loss at ``x``.
        g: the flat gradient at ``x``.
        gtd: the directional derivative ``g^T d`` (negative for a descent direction).
        c1: the sufficient decrease constant.
        c2: the curvature constant.
        tolerance_change: the smallest bracket, in parameter change, worth refining.
        max_ls: the most evaluations of ``obj_func``.

    Returns:
        ``(f_new, g_new, t, ls_func_evals)``: the loss and flat gradient at the chosen step,
        the step, and the number of evaluations made.
    """
    d_norm = np.abs(d).max()
    # Arrays are never written in place below (obj_func returns a fresh gradient each time),
    # so PyTorch's defensive clones of g and g_new are not needed.
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = g_new.dot(d)

    # bracket an interval containing a point satisfying the Wolfe criteria
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket: list[Scalar] = []
    bracket_f: list[Scalar] = []
    bracket_g: list[Array] = []
    bracket_gtd: list[Scalar] = []
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break

        # interpolate (extrapolate) between the last two points
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                              bounds=(min_step, max_step))

        # next step
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new, gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

    # reached max number of iterations? (PyTorch tests ==: with max_ls < 0 it fails there)
    if ls_iter >= max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom phase: we now have a point satisfying the criteria, or a bracket around it.
    # Refine the bracket until we find the exact point satisfying the criteria.
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        # line-search bracket is so small
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break

        # compute new trial value
        t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                              bracket[1], bracket_f[1], bracket_gtd[1])

        # Test that we are making sufficient progress: if t is within 10% of the bracket's
        # length from an end, and we made insufficient progress last time or t is at an end,
        # move t to 10% of the length away from the nearest end.
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            # interpolation close to boundary
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                # evaluate at 0.1 away from boundary
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False

        # evaluate the new point
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            # Armijo condition not satisfied or not lower than lowest point
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new, gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                # Wolfe conditions satisfied
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                # old high becomes new low
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos], bracket_gtd[high_pos] = bracket_g[low_pos], bracket_gtd[low_pos]
            # new point becomes new low
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new, gtd_new

    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals
