"""Op specs of the shape ops (joined to ``SPECS`` in op_specs.py; the same fields and rules).

Triangles and diagonals, flip/roll/repeat/tile/repeat_interleave/narrow/unbind/movedim, and
the masked/indexed reads and writes (masked_fill, index_*, scatter*, take_along_dim). Plain
``scatter`` and ``index_copy`` draw unique indices (repeated writes are unspecified in
PyTorch); ``scatter_add``, ``scatter_reduce`` and ``index_add`` draw repeats.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import OpSpec, unary_shapes

from autograd.testing import shapes

TWO_D = unary_shapes(min_dims=2)
ONE_PLUS = unary_shapes(min_dims=1)


def _dims(shape, min_size=0):
    ndim = len(shape)
    return st.lists(st.integers(0, ndim - 1), min_size=min_size, max_size=ndim, unique=True)


# ---- parameter strategies ------------------------------------------------------------------
@st.composite
def diagonal_args(draw, shapes):
    (shape,) = shapes
    dim1, dim2 = draw(st.permutations(range(len(shape))))[:2]
    negative = draw(st.booleans())
    return {"offset": draw(st.integers(-3, 3)),
            "dim1": dim1 - len(shape) if negative else dim1, "dim2": dim2}


@st.composite
def roll_args(draw, shapes):
    (shape,) = shapes
    if not shape or draw(st.booleans()):
        return {"shifts": draw(st.integers(-5, 5)), "dims": None}
    dims = draw(_dims(shape, min_size=1))
    return {"shifts": tuple(draw(st.integers(-5, 5)) for _ in dims), "dims": tuple(dims)}


@st.composite
def repeat_args(draw, shapes):
    (shape,) = shapes
    extra = draw(st.integers(0 if shape else 1, 2))
    return {"sizes": tuple(draw(st.integers(0 if i == 0 else 1, 3))
                           for i in range(len(shape) + extra))}


@st.composite
def interleave_args(draw, shapes):
    (shape,) = shapes
    if not shape or draw(st.booleans()):
        return {"repeats": draw(st.integers(0, 3)), "dim": None}
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    counts = draw(st.lists(st.integers(0, 3), min_size=shape[dim], max_size=shape[dim]))
    return {"repeats": np.array(counts, dtype=np.int64), "dim": dim}


@st.composite
def narrow_args(draw, shapes):
    (shape,) = shapes
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    start = draw(st.integers(-n, n))
    length = draw(st.integers(0, n - (start + n if start < 0 else start)))
    return {"dim": dim, "start": start, "length": length}


@st.composite
def tile_args(draw, shapes):
    (shape,) = shapes
    count = draw(st.integers(0, len(shape) + 1))
    return {"sizes": tuple(draw(st.integers(1, 3)) for _ in range(count))}


@st.composite
def movedim_args(draw, shapes):
    (shape,) = shapes
    ndim = len(shape)
    source = draw(_dims(shape, min_size=1))
    destination = draw(st.permutations(range(ndim)))[:len(source)]
    if len(source) == 1 and draw(st.booleans()):
        return {"source": source[0], "destination": destination[0]}
    return {"source": tuple(source), "destination": tuple(destination)}


@st.composite
def mask_args(draw, shapes):
    """A bool mask that broadcasts to the (first) input's shape."""
    shape = shapes[0]
    mask_shape = tuple(n if draw(st.booleans()) else 1 for n in shape)[draw(st.integers(0, len(shape))):]
    size = int(np.prod(mask_shape))
    mask = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    return {"mask": np.array(mask, dtype=bool).reshape(mask_shape)}


@st.composite
def select_args(draw, shapes, unique=False):
    (shape,) = shapes[:1]
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    index = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n if unique else 5,
                          unique=unique))
    return {"dim": dim, "index": np.array(index, dtype=np.int64)}


@st.composite
def index_source_case(draw, unique=False):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(0, len(shape) - 1))
    n = shape[dim]
    count = draw(st.integers(1, n if unique else 5))
    return shape, shape[:dim] + (count,) + shape[dim + 1:]


@st.composite
def index_source_args(draw, shapes, unique=False):
    shape, source = shapes
    dim = next(d for d, (a, b) in enumerate(zip(shape, source)) if a != b) if shape != source else \
        draw(st.integers(0, len(shape) - 1))
    count, n = source[dim], shape[dim]
    if unique and count > n:
        count = n
    index = draw(st.lists(st.integers(0, n - 1), min_size=count, max_size=count, unique=unique))
    return {"dim": dim - len(shape) if draw(st.booleans()) else dim,
            "index": np.array(index, dtype=np.int64), "alpha": draw(st.sampled_from([1, 2.5]))}


@st.composite
def scatter_case(draw, larger_src=True):
    """(input shape, src shape): src at least as large as the index, which fits the input."""
    shape = draw(shapes(min_dims=1))
    src = tuple(n + draw(st.integers(0, 1)) if larger_src else n for n in shape)
    return shape, src


@st.composite
def scatter_args(draw, shapes, unique=False):
    """dim and an index no larger than input (outside dim) and src; unique targets if asked."""
    shape, src = shapes
    dim = draw(st.integers(0, len(shape) - 1))
    n = shape[dim]
    index_shape = tuple(draw(st.integers(1, min(a, b))) if d != dim else
                        draw(st.integers(1, min(n, b) if unique else b))
                        for d, (a, b) in enumerate(zip(shape, src)))
    if unique:  # a different target per column: a permutation prefix along dim
        lines = int(np.prod(index_shape)) // index_shape[dim]
        perms = [draw(st.permutations(range(n)))[:index_shape[dim]] for _ in range(lines)]
        index = np.moveaxis(np.array(perms, dtype=np.int64).reshape(
            tuple(s for d, s in enumerate(index_shape) if d != dim) + (index_shape[dim],)), -1, dim)
    else:
        size = int(np.prod(index_shape))
        index = np.array(draw(st.lists(st.integers(0, n - 1), min_size=size, max_size=size)),
                         dtype=np.int64).reshape(index_shape)
    return {"dim": dim - len(shape) if draw(st.booleans()) else dim, "index": index}


@st.composite
def take_along_args(draw, shapes):
    (shape,) = shapes
    if draw(st.booleans()):
        size = int(np.prod(shape))
        count = draw(st.integers(1, 5))
        return {"indices": np.array(draw(st.lists(st.integers(0, size - 1), min_size=count,
                                                  max_size=count)), dtype=np.int64), "dim": None}
    dim = draw(st.integers(0, len(shape) - 1))
    index_shape = tuple(draw(st.integers(1, 3)) if d == dim else draw(st.sampled_from([1, n]))
                        for d, n in enumerate(shape))
    size = int(np.prod(index_shape))
    index = draw(st.lists(st.integers(0, shape[dim] - 1), min_size=size, max_size=size))
    return {"indices": np.array(index, dtype=np.int64).reshape(index_shape), "dim": dim}


# ---- NumPy references ----------------------------------------------------------------------------
def _diagonal_reference(x, offset, dim1, dim2):
    return np.diagonal(x, offset, dim1, dim2)


def _diag_reference(x, diagonal):
    return np.diag(x, diagonal)


def _roll_reference(x, shifts, dims):
    return np.roll(x, shifts, dims)


def _repeat_reference(x, sizes):
    return np.tile(x.reshape((1,) * (len(sizes) - x.ndim) + x.shape), sizes)


def _interleave_reference(x, repeats, dim):
    if dim is None:
        return np.repeat(x.reshape(-1), repeats)
    return np.repeat(x, repeats, axis=dim)


def _narrow_reference(x, dim, start, length):
    start = start % x.shape[dim] if start < 0 else start
    return np.take(x, range(start, start + length), axis=dim)


def _grid(index, dim):
    grid = list(np.ogrid[tuple(slice(n) for n in index.shape)])
    grid[dim] = index
    return tuple(grid)


def _scatter_reference(x, src, dim, index):
    out = x.copy()
    out[_grid(index, dim)] = src[tuple(slice(n) for n in index.shape)]
    return out


def _scatter_value_reference(x, dim, index):
    out = x.copy()
    out[_grid(index, dim)] = 1.5
    return out


def _scatter_add_reference(x, src, dim, index):
    out = x.copy()
    np.add.at(out, _grid(index, dim), src[tuple(slice(n) for n in index.shape)])
    return out


def _scatter_reduce_reference(reduce, include_self):
    ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
             "amin": np.minimum}[reduce]
    identity = {"sum": 0, "mean": 0, "prod": 1, "amax": -np.inf, "amin": np.inf}[reduce]

    def reference(x, src, dim, index):
        grid, out = _grid(index, dim), x.copy()
        if not include_self:
            out[grid] = identity
        ufunc.at(out, grid, src[tuple(slice(n) for n in index.shape)])
        if reduce == "mean":
            count = np.zeros(x.shape)
            np.add.at(count, grid, 1)
            out = out / np.maximum(count + include_self, 1)
        return out
    return reference


def _index_add_reference(x, source, dim, index, alpha):
    out = x.copy()
    np.add.at(out, (slice(None),) * (dim % x.ndim) + (index,), alpha * source)
    return out


def _index_copy_reference(x, source, dim, index, alpha):
    out = x.copy()
    out[(slice(None),) * (dim % x.ndim) + (index,)] = source
    return out


def _take_along_reference(x, indices, dim):
    if dim is None:
        return x.reshape(-1)[indices]
    shape = tuple(n if d == dim else max(n, m) for d, (n, m) in enumerate(zip(x.shape, indices.shape)))
    x = np.broadcast_to(x, tuple(x.shape[dim] if d == dim else n for d, n in enumerate(shape)))
    return np.take_along_axis(x, np.broadcast_to(
        indices, tuple(indices.shape[dim] if d == dim else n for d, n in enumerate(shape))), dim)


def _torch_window(fn):
    """PyTorch's scatter backward returns a src gradient of the index's shape when src is
    larger (and then fails): hand it src cut to the index's shape, the same function."""
    def cut(lib, x, src, dim, index):
        return fn(lib, x, src[tuple(slice(n) for n in index.shape)], dim, index)
    return cut


def _unbind(lib, x, dim):
    return lib.stack([piece * (i + 1) for i, piece in enumerate(x.unbind(dim))], dim)


def _unbind_reference(x, dim):
    pieces = [np.take(x, i, axis=dim) * (i + 1) for i in range(x.shape[dim])]
    return np.stack(pieces, dim)


def _through_a_view(lib, x):
    """In-place changes through a view (CopySlices), read back by that view (AsStrided)."""
    y = x * 1
    flat = y.reshape(-1)
    flat.mul_(flat.clone())
    y.add_(1)
    return flat * 2


def _reduce_spec(reduce, include_self):
    domains = {"amax": ("distinct", "distinct_offset"), "amin": ("distinct", "distinct_offset"),
               "prod": ("nonzero",)}.get(reduce, ("real",))
    def fn(lib, x, src, dim, index):
        return x.scatter_reduce(dim, index, src, reduce, include_self=include_self)

    return OpSpec(f"scatter_reduce_{reduce}{'' if include_self else '_exclude_self'}", fn,
                  lambda x, src, dim, index: _scatter_reduce_reference(reduce, include_self)(
                      x, src, dim % x.ndim, index),
                  scatter_case(), domains, params=scatter_args, torch_fn=_torch_window(fn))


SPECS = [
    # ---- triangles and diagonals -------------------------------------------------------------
    OpSpec("tril", lambda lib, x, k: x.tril(k), lambda x, k: np.tril(x, k), TWO_D,
           params=lambda s: st.integers(-3, 3).map(lambda k: {"k": k})),
    OpSpec("triu", lambda lib, x, k: lib.triu(x, diagonal=k), lambda x, k: np.triu(x, k), TWO_D,
           params=lambda s: st.integers(-3, 3).map(lambda k: {"k": k})),
    OpSpec("diagonal", lambda lib, x, **p: x.diagonal(**p), _diagonal_reference, TWO_D,
           params=diagonal_args),
    OpSpec("diag_vector", lambda lib, x, diagonal: lib.diag(x, diagonal), _diag_reference,
           unary_shapes(min_dims=1, max_dims=1),
           params=lambda s: st.integers(-2, 2).map(lambda k: {"diagonal": k})),
    OpSpec("diag_matrix", lambda lib, x, diagonal: x.diag(diagonal), _diag_reference,
           unary_shapes(min_dims=2, max_dims=2),
           params=lambda s: st.integers(-4, 4).map(lambda k: {"diagonal": k})),
    OpSpec("trace", lambda lib, x: x.trace(), np.trace, unary_shapes(min_dims=2, max_dims=2)),
    # ---- rearranging ---------------------------------------------------------------------------
    OpSpec("flip", lambda lib, x, dims: lib.flip(x, dims), lambda x, dims: np.flip(x, dims),
           ONE_PLUS, params=lambda s: _dims(s[0]).map(lambda d: {"dims": tuple(d)})),
    OpSpec("roll", lambda lib, x, **p: x.roll(**p), _roll_reference, params=roll_args),
    OpSpec("repeat", lambda lib, x, sizes: x.repeat(*sizes), _repeat_reference,
           params=repeat_args),
    OpSpec("tile", lambda lib, x, sizes: x.tile(sizes), lambda x, sizes: np.tile(x, sizes),
           params=tile_args),
    OpSpec("repeat_interleave", lambda lib, x, **p: x.repeat_interleave(**p),
           _interleave_reference, params=interleave_args),
    OpSpec("narrow", lambda lib, x, **p: x.narrow(**p), _narrow_reference, ONE_PLUS,
           params=narrow_args),
    OpSpec("unbind", _unbind, _unbind_reference, ONE_PLUS,
           params=lambda s: st.integers(0, len(s[0]) - 1).map(lambda d: {"dim": d})),
    OpSpec("inplace_through_a_view", _through_a_view,
           lambda x: (x.reshape(-1) ** 2 + 1) * 2),
    OpSpec("movedim", lambda lib, x, **p: lib.movedim(x, **p),
           lambda x, source, destination: np.moveaxis(x, source, destination), ONE_PLUS,
           params=movedim_args),
    OpSpec("swapdims", lambda lib, x: x.swapdims(0, -1), lambda x: np.swapaxes(x, 0, -1), ONE_PLUS),
    # ---- masked, indexed, scattered ------------------------------------------------------------
    OpSpec("masked_fill", lambda lib, x, mask: x.masked_fill(mask, -2.5),
           lambda x, mask: np.where(mask, -2.5, x), params=mask_args),
    OpSpec("masked_fill_tensor", lambda lib, x, v, mask: x.masked_fill(mask, v),
           lambda x, v, mask: np.where(mask, v, x), shapes().map(lambda s: (s, ())),
           params=mask_args),
    OpSpec("masked_select", lambda lib, x, mask: x.masked_select(mask),
           lambda x, mask: np.broadcast_to(x, np.broadcast_shapes(x.shape, mask.shape))[
               np.broadcast_to(mask, np.broadcast_shapes(x.shape, mask.shape))],
           params=mask_args),
    OpSpec("index_select", lambda lib, x, dim, index: x.index_select(dim, index),
           lambda x, dim, index: np.take(x, index, axis=dim), ONE_PLUS, params=select_args),
    OpSpec("index_add", lambda lib, x, s, **p: x.index_add(p["dim"], p["index"], s,
                                                            alpha=p["alpha"]),
           _index_add_reference, index_source_case(), params=index_source_args),
    OpSpec("index_copy", lambda lib, x, s, dim, index, alpha: lib.index_copy(x, dim, index, s),
           _index_copy_reference, index_source_case(unique=True),
           params=lambda s: index_source_args(s, unique=True)),
    OpSpec("scatter", lambda lib, x, src, dim, index: x.scatter(dim, index, src),
           lambda x, src, dim, index: _scatter_reference(x, src, dim % x.ndim, index),
           scatter_case(), params=lambda s: scatter_args(s, unique=True),
           torch_fn=_torch_window(lambda lib, x, src, dim, index: x.scatter(dim, index, src))),
    OpSpec("scatter_value", lambda lib, x, dim, index: lib.scatter(x, dim, index, value=1.5),
           lambda x, dim, index: _scatter_value_reference(x, dim % x.ndim, index),
           scatter_case(larger_src=False).map(lambda s: s[:1]),
           params=lambda s: scatter_args(s * 2)),
    OpSpec("scatter_add", lambda lib, x, src, dim, index: x.scatter_add(dim, index, src),
           lambda x, src, dim, index: _scatter_add_reference(x, src, dim % x.ndim, index),
           scatter_case(), params=scatter_args,
           torch_fn=_torch_window(lambda lib, x, src, dim, index: x.scatter_add(dim, index, src))),
    *[_reduce_spec(reduce, include_self) for reduce in ("sum", "mean", "prod", "amax", "amin")
      for include_self in (True, False)],
    OpSpec("take_along_dim", lambda lib, x, indices, dim: lib.take_along_dim(x, indices, dim),
           _take_along_reference, ONE_PLUS, params=take_along_args),
]
