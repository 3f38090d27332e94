"""Toy data sets from the tutorials ndgrad grew from, plus scikit-learn's classics.

Every generator returns NumPy arrays ``(X, y)``: ``X`` in ``dtype`` (float32 by default), ``y``
int64 class labels (0, 1, ...) or, for regression, float targets in ``dtype``. Randomness comes
from ``seed``: an int (a fresh ``np.random.default_rng(seed)``), a ``np.random.Generator``, or
None for ndgrad's global generator (so ``ag.manual_seed(n)`` makes the data reproducible).

``make_moons``, ``make_circles`` and ``make_blobs`` follow scikit-learn's algorithms (same
geometry and class layout; the random numbers differ because they come from a NumPy Generator).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..random import resolve as resolve_rng

if TYPE_CHECKING:
    from ..types import Array, ArrayLike, DTypeLike

    Seed = int | np.random.Generator | None  # an int seed, a Generator, or the global generator

_SPIRAL_DEFAULTS = {"random": (500, 1.5), "linspace": (600, 0.08)}  # n_samples, noise


def _finish(points: Array, y: Array, dtype: DTypeLike) -> tuple[Array, Array]:
    return np.ascontiguousarray(points, dtype=dtype), np.asarray(y, dtype=np.int64)


def _count(n_samples: object, name: str) -> int:
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) or n_samples < 0:
        raise ValueError(f"{name}: n_samples must be a non-negative int, got {n_samples!r}")
    return int(n_samples)


def make_spirals(n_samples: int | None = None, noise: float | None = None, variant: str = "random",
                 turns: float = 2.0, seed: Seed = None,
                 dtype: DTypeLike = np.float32) -> tuple[Array, Array]:
    """Two interleaved spirals, class 0 and class 1, in one of the two tutorials' versions.

    ``variant="random"`` (tutorial 000, "Solving Non-Linear Patterns with Deep Neural
    Network", its ``make_spiral_dataset(n_samples=500, noise=1.5, seed=1)``): per arm, angles
    ``theta = sqrt(u) * 2*pi*turns`` with ``u`` uniform in [0, 1) (2 turns, denser at the outer
    end), radius ``r = 2*theta + pi``; arm 1 is arm 0 mirrored through the origin
    (``r = -2*theta - pi``). Gaussian noise of std ``noise`` (1.5) is added to both coordinates
    in these raw units (radii up to ~9*pi), then each column is min-max scaled to [-1, 1].
    Output order: all of class 0, then all of class 1 (not shuffled). The tutorial's labels
    are float 0./1. reshaped to (n, 1) for BCE: use ``y.astype(np.float32)[:, None]``.

    ``variant="linspace"`` (tutorial 003, the two-spiral classifier with BatchNorm, Dropout
    and Adam, its ``make_spirals(n=300, noise=0.08, seed=42)`` = 300 points *per arm*, 600 in
    all): per arm, angles evenly spaced, ``theta = linspace(0, 2*pi*turns, n) + offset`` with
    offset 0 or pi, radius ``r = theta / (2*pi*turns)``; noise ``N(0, 0.08)`` on x then y of
    each arm; labels int 0/1; then shuffled with one ``permutation``. With ``seed=42``,
    ``n_samples=600`` and ``dtype=np.float64`` this returns the tutorial's arrays bit for bit
    (its first 80% are its training set). Caution, faithful to the tutorial: the radius uses
    the *offset* angle, so arm 1 lies on the same curve as arm 0 (r from 0.25 to 1.25 instead
    of 0 to 1) and the classes overlap for 0.25 <= r <= 1: no classifier gets much above 65%
    held-out accuracy on this data (the tutorial's ">95%" needs a different data set).

    Args:
        n_samples: total number of points; class 0 gets ``n_samples // 2``, class 1 the rest.
            Default: the tutorial's (500 for "random", 600 for "linspace").
        noise: std of the Gaussian noise; default the tutorial's (1.5, resp. 0.08).
        variant: "random" (tutorial 000) or "linspace" (tutorial 003).
        turns: turns of each arm (both tutorials use 2, i.e. angles up to 4*pi).
        seed: int, ``np.random.Generator`` or None (ndgrad's global generator).
        dtype: dtype of ``X``.

    Returns:
        ``X`` of shape (n_samples, 2) in ``dtype`` and ``y`` int64 of shape (n_samples,).
    """
    if variant not in _SPIRAL_DEFAULTS:
        raise ValueError(f"make_spirals: variant must be 'random' (tutorial 000) or 'linspace' "
                         f"(tutorial 003), got {variant!r}")
    default_n, default_noise = _SPIRAL_DEFAULTS[variant]
    n = _count(default_n if n_samples is None else n_samples, "make_spirals")
    noise = default_noise if noise is None else float(noise)
    rng = resolve_rng(seed, where="make_spirals")
    n0, n1 = n // 2, n - n // 2
    max_angle = 2 * np.pi * turns
    if variant == "random":
        theta0 = np.sqrt(rng.random(n0)) * max_angle
        r0 = 2 * theta0 + np.pi
        theta1 = np.sqrt(rng.random(n1)) * max_angle
        r1 = -2 * theta1 - np.pi
        points = np.vstack([np.stack([r0 * np.cos(theta0), r0 * np.sin(theta0)], axis=1),
                            np.stack([r1 * np.cos(theta1), r1 * np.sin(theta1)], axis=1)])
        points += rng.standard_normal((n, 2)) * noise
        for j in range(2):
            points[:, j] = np.interp(points[:, j], (points[:, j].min(), points[:, j].max()), (-1, 1))
        return _finish(points, np.repeat([0, 1], [n0, n1]), dtype)

    def arm(count: int, offset: float) -> Array:
        theta = np.linspace(0, max_angle, count) + offset
        r = theta / max_angle  # the tutorial's radius: includes the offset
        x = r * np.cos(theta) + rng.normal(0, noise, count)
        y = r * np.sin(theta) + rng.normal(0, noise, count)
        return np.stack([x, y], axis=1)

    points = np.vstack([arm(n0, 0), arm(n1, np.pi)])
    y = np.repeat([0, 1], [n0, n1])
    perm = rng.permutation(n)
    return _finish(points[perm], y[perm], dtype)


def _shuffled(rng: np.random.Generator, shuffle: bool, points: Array,
              y: Array) -> tuple[Array, Array]:
    if not shuffle:
        return points, y
    perm = rng.permutation(len(y))
    return points[perm], y[perm]


def make_moons(n_samples: int = 100, noise: float | None = None, shuffle: bool = True,
               seed: Seed = None, dtype: DTypeLike = np.float32) -> tuple[Array, Array]:
    """Two interleaving half circles (scikit-learn's ``make_moons``).

    Class 0: ``(cos t, sin t)``, class 1: ``(1 - cos t, 0.5 - sin t)``, t evenly spaced in
    [0, pi]; class 0 gets ``n_samples // 2`` points; optional Gaussian noise of std ``noise``.

    Returns:
        ``X`` (n_samples, 2) in ``dtype``, ``y`` int64 (n_samples,).
    """
    n = _count(n_samples, "make_moons")
    rng = resolve_rng(seed, where="make_moons")
    n_out, n_in = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    points = np.vstack([np.append(np.cos(t_out), 1 - np.cos(t_in)),
                        np.append(np.sin(t_out), 1 - np.sin(t_in) - 0.5)]).T
    points, y = _shuffled(rng, shuffle, points, np.repeat([0, 1], [n_out, n_in]))
    if noise is not None:
        points = points + rng.normal(scale=noise, size=points.shape)
    return _finish(points, y, dtype)


def make_circles(n_samples: int = 100, noise: float | None = None, factor: float = 0.8,
                 shuffle: bool = True, seed: Seed = None,
                 dtype: DTypeLike = np.float32) -> tuple[Array, Array]:
    """A large circle containing a smaller one (scikit-learn's ``make_circles``).

    Class 0: ``n_samples // 2`` points evenly spaced on the unit circle; class 1: the rest on the
    circle of radius ``factor``; optional Gaussian noise of std ``noise``. (Tutorial 002's
    inside/outside-the-circle data is ``make_disk``.)

    Returns:
        ``X`` (n_samples, 2) in ``dtype``, ``y`` int64 (n_samples,).
    """
    n = _count(n_samples, "make_circles")
    if not 0 <= factor < 1:
        raise ValueError(f"make_circles: factor must be in [0, 1), got {factor}")
    rng = resolve_rng(seed, where="make_circles")
    n_out, n_in = n // 2, n - n // 2
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    points = np.vstack([np.append(np.cos(t_out), factor * np.cos(t_in)),
                        np.append(np.sin(t_out), factor * np.sin(t_in))]).T
    points, y = _shuffled(rng, shuffle, points, np.repeat([0, 1], [n_out, n_in]))
    if noise is not None:
        points = points + rng.normal(scale=noise, size=points.shape)
    return _finish(points, y, dtype)


def make_blobs(n_samples: int | Sequence[int] = 100, n_features: int = 2,
               centers: int | ArrayLike | None = None, cluster_std: float | Sequence[float] = 1.0,
               center_box: tuple[float, float] = (-10.0, 10.0), shuffle: bool = True,
               seed: Seed = None, dtype: DTypeLike = np.float32,
               return_centers: bool = False) -> tuple[Array, ...]:
    """Isotropic Gaussian blobs, one class per center (scikit-learn's ``make_blobs``).

    Args:
        n_samples: total points, split as evenly as possible (the first centers get one more),
            or a sequence with the count per center.
        n_features: dimension of the points (ignored when ``centers`` is an array).
        centers: number of centers drawn uniformly in ``center_box`` (default 3, or one per
            entry of a sequence ``n_samples``), or an array of shape (n_centers, n_features).
        cluster_std: std of each blob, one value or one per center.
        center_box: the (low, high) bounds of each coordinate of the random centers.
        shuffle: shuffle the points (else class by class).
        seed: int, ``np.random.Generator`` or None (ndgrad's global generator).
        dtype: dtype of ``X``.
        return_centers: also return the centers (float64).

    Returns:
        ``X`` (n, n_features) in ``dtype``, ``y`` int64 (n,), and the centers if asked.
    """
    rng = resolve_rng(seed, where="make_blobs")
    if isinstance(n_samples, numbers.Integral):
        n_centers = 3 if centers is None else centers
        counts = None
    else:
        counts = [_count(k, "make_blobs") for k in n_samples]  # type: ignore[union-attr]  # not an int
        n_centers = len(counts) if centers is None else centers
    if isinstance(n_centers, numbers.Integral):
        centers = rng.uniform(center_box[0], center_box[1], size=(int(n_centers), n_features))
    else:
        centers = np.asarray(n_centers, dtype=np.float64)
        if centers.ndim != 2:
            raise ValueError(f"make_blobs: centers must be an int or a 2-d array, got shape "
                             f"{centers.shape}")
        n_features = centers.shape[1]
    k = len(centers)
    if counts is None:
        n = _count(n_samples, "make_blobs")
        counts = [n // k + (1 if i < n % k else 0) for i in range(k)]
    elif len(counts) != k:
        raise ValueError(f"make_blobs: {len(counts)} sample counts for {k} centers")
    stds = np.broadcast_to(np.asarray(cluster_std, dtype=np.float64), (k,))
    points = np.vstack([rng.normal(loc=centers[i], scale=stds[i], size=(counts[i], n_features))
                        for i in range(k)]) if k else np.empty((0, n_features))
    points, y = _shuffled(rng, shuffle, points, np.repeat(np.arange(k), counts))
    points, y = _finish(points, y, dtype)
    return (points, y, centers) if return_centers else (points, y)


def make_xor(n_samples: int = 200, noise: float = 0.0, seed: Seed = None,
             dtype: DTypeLike = np.float32) -> tuple[Array, Array]:
    """The XOR problem (tutorial 004): points uniform in the square [-1, 1)^2.

    The label is 1 where the coordinates have opposite signs (``x0 * x1 < 0``, i.e.
    ``(x0 > 0) xor (x1 > 0)``), else 0.

    Labels come from the clean points; Gaussian noise of std ``noise`` is added afterwards.

    Returns:
        ``X`` (n_samples, 2) in ``dtype``, ``y`` int64 (n_samples,).
    """
    n = _count(n_samples, "make_xor")
    rng = resolve_rng(seed, where="make_xor")
    points = rng.uniform(-1, 1, size=(n, 2))
    y = (points[:, 0] > 0) != (points[:, 1] > 0)
    if noise:
        points = points + rng.normal(scale=noise, size=points.shape)
    return _finish(points, y, dtype)


def make_region(g: Callable[..., ArrayLike], n_samples: int = 1000,
                low: Sequence[float] = (-1.0, -1.0), high: Sequence[float] = (1.0, 1.0),
                seed: Seed = None, dtype: DTypeLike = np.float32) -> tuple[Array, Array]:
    """Points uniform in a box, labelled by a decision function: ``y = 1 where g(x0, x1, ...) >= 0``.

    Tutorial 004's logistic-regression sets (1000 points each) are
    ``make_region(lambda a, b: 0.8 * a + b - 3, low=(0, -4), high=(8, 3))`` (linearly
    separable) and ``make_region(lambda a, b: -0.5 * (a - 1) ** 2 + 2 * b + 5, low=(-5, -4),
    high=(5, 4))`` (a parabola). Columns are drawn one after the other.

    Returns:
        ``X`` (n_samples, len(low)) in ``dtype``, ``y`` int64 (n_samples,).
    """
    n = _count(n_samples, "make_region")
    if len(low) != len(high):
        raise ValueError(f"make_region: low and high differ in length: {low} vs {high}")
    rng = resolve_rng(seed, where="make_region")
    points = np.stack([rng.uniform(lo, hi, n) for lo, hi in zip(low, high)], axis=1)
    y = np.asarray(g(*points.T)) >= 0
    return _finish(points, y, dtype)


def make_disk(n_samples: int = 10000, radius: float = 1.0, seed: Seed = None,
              dtype: DTypeLike = np.float32) -> tuple[Array, Array]:
    """Tutorial 002's data: 10000 points uniform in the square [-1, 1)^2, labelled by a circle.

    All x are drawn, then all y; label 0 inside the circle (``x^2 + y^2 <= radius^2``) and 1
    outside. With radius 1 about 78.5% (pi/4) of the points are class 0. The tutorial then holds
    out 10% for testing: ``train_test_split(X, y, test_size=0.1, seed=42)``.

    Returns:
        ``X`` (n_samples, 2) in ``dtype``, ``y`` int64 (n_samples,).
    """
    n = _count(n_samples, "make_disk")
    rng = resolve_rng(seed, where="make_disk")
    x0, x1 = rng.uniform(-1, 1, n), rng.uniform(-1, 1, n)
    return _finish(np.column_stack([x0, x1]), x0 ** 2 + x1 ** 2 > radius ** 2, dtype)


def cubic(x: Any) -> Any:
    """Tutorial 004's regression target: ``f(x) = x^3 + 0.1 x^2 - x + 0.1``."""
    return x ** 3 + 0.1 * x ** 2 - x + 0.1


def make_regression_1d(fn: Callable[[Array], ArrayLike] = cubic, n_samples: int = 1000,
                       low: float = -1.5, high: float = 1.5, noise: float = 0.0, seed: Seed = None,
                       dtype: DTypeLike = np.float32) -> tuple[Array, Array]:
    """Samples of a 1-d function: ``x ~ U[low, high)``, ``y = fn(x) + noise * N(0, 1)``.

    The defaults are tutorial 004's ReLU-regression data: 1000 points of ``cubic`` on
    [-1.5, 1.5), no noise.

    Returns:
        ``X`` and ``y``, both of shape (n_samples, 1) in ``dtype`` (columns, ready for a
        ``Linear(1, ...)`` model and an MSE loss without broadcasting surprises).
    """
    n = _count(n_samples, "make_regression_1d")
    rng = resolve_rng(seed, where="make_regression_1d")
    x = rng.uniform(low, high, n)
    y = np.asarray(fn(x), dtype=np.float64)
    if noise:
        y = y + noise * rng.standard_normal(n)
    return (np.ascontiguousarray(x[:, None], dtype=dtype),
            np.ascontiguousarray(y.reshape(n, 1), dtype=dtype))


def _split_sizes(n: int, test_size: float | None, train_size: float | None) -> tuple[int, int]:
    def size(value: float | None, name: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            if not 0 < value < n:
                raise ValueError(f"train_test_split: {name}={value} must be in [1, {n - 1}] for "
                                 f"{n} samples")
            return int(value)
        if isinstance(value, numbers.Real) and 0 < value < 1:
            return math.ceil(value * n) if name == "test_size" else math.floor(value * n)
        raise ValueError(f"train_test_split: {name} must be a float in (0, 1) or an int, "
                         f"got {value!r}")

    n_test, n_train = size(test_size, "test_size"), size(train_size, "train_size")
    n_test = n - n_train if n_test is None else n_test  # type: ignore[operator]  # one is given
    n_train = n - n_test if n_train is None else n_train
    if n_train <= 0 or n_test <= 0 or n_train + n_test > n:
        raise ValueError(f"train_test_split: with {n} samples, test_size={test_size} and "
                         f"train_size={train_size} give {n_train} train and {n_test} test samples")
    return n_train, n_test


def _take(array: Any, idx: Array) -> Any:
    if isinstance(array, list):
        return [array[i] for i in idx]
    return array[idx]


def train_test_split(*arrays: Any, test_size: float | int | None = 0.25,
                     train_size: float | int | None = None, shuffle: bool = True,
                     seed: Seed = None) -> list[Any]:
    """Split arrays into train and test parts, as scikit-learn does.

    The arrays are NumPy arrays, Tensors or lists, all of the same length.

    A float ``test_size`` takes ``ceil(test_size * n)`` samples for testing; an int is a count.
    With ``shuffle`` the test set is the first ``n_test`` entries of a random permutation and
    the train set the next ``n_train``; without it, the first ``n_train`` samples train and
    the next ``n_test`` test (tutorial 003's ``X[:split]``, ``X[split:]`` is
    ``test_size=0.2, shuffle=False``).

    Returns:
        ``[a_train, a_test, b_train, b_test, ...]``, e.g.
        ``X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.1, seed=42)``.
    """
    if not arrays:
        raise ValueError("train_test_split: needs at least one array")
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) != 1:
        raise ValueError(f"train_test_split: arrays have different lengths {lengths}")
    n = lengths[0]
    n_train, n_test = _split_sizes(n, test_size, train_size)
    if shuffle:
        perm = resolve_rng(seed, where="train_test_split").permutation(n)
        test_idx, train_idx = perm[:n_test], perm[n_test:n_test + n_train]
    else:
        train_idx, test_idx = np.arange(n_train), np.arange(n_train, n_train + n_test)
    return [part for a in arrays for part in (_take(a, train_idx), _take(a, test_idx))]
