"""Hypothesis strategies for gradient tests of your own functions (public API; needs hypothesis).

    from hypothesis import given
    import autograd as ag
    from autograd.testing import tensors

    @given(tensors(shape=(3, 4), domain="positive"))
    def test_my_log_layer(x):
        assert ag.gradcheck(lambda t: t.log().sum(1), (x,))

Domains keep inputs where finite differences are reliable:
    "real"      values in [-5, 5]
    "positive"  values in [0.1, 5] (log, sqrt, division)
    "nonzero"   |x| in [0.1, 5] (away from the kinks of relu, abs, sign)
    "unit"      values in [-0.9, 0.9] (inside the domain of arcsin-like functions)
    "unit_nonzero" |x| in [0.1, 0.9] (exponents: pow's convention makes b == 0 a kink)
    "probability" values in [0.05, 0.95]
    "distinct"  values on a 0.02-spaced lattice, no two equal (max, min, sort: no ties)
    "distinct_offset" like "distinct" but shifted by 0.01, so it never ties with "distinct"
    "distinct_sums" like "distinct_offset" plus a jitter below 0.001 that differs per position,
                so sums of magnitudes (row and column sums: matrix norms with ord=±1, ±inf)
                do not tie either
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ._tensor import Tensor
from .factories import tensor
from .types import Array, DTypeLike, Shape

_RANGES = {
    "real": (-5.0, 5.0),
    "positive": (0.1, 5.0),
    "nonzero": (0.1, 5.0),
    "unit": (-0.9, 0.9),
    "unit_nonzero": (0.1, 0.9),
    "probability": (0.05, 0.95),
}
DOMAINS = tuple(_RANGES) + ("distinct", "distinct_offset", "distinct_sums")
_GOLDEN = (5 ** 0.5 - 1) / 2  # position k's jitter is frac(k * golden) / 1000: no two sums agree


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
           max_side: int = 4) -> st.SearchStrategy[Shape]:
    """Shape tuples, including 0-d ``()`` and size-1 dims (size-0 dims with ``min_side=0``)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcastable_shapes(num_shapes: int = 2, min_dims: int = 0, max_dims: int = 3,
                         min_side: int = 1, max_side: int = 4) -> st.SearchStrategy[tuple[Shape, ...]]:
    """Tuples of ``num_shapes`` shapes that broadcast together (dims of 1 and missing dims)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda result: result.input_shapes)


@st.composite
def arrays(draw: st.DrawFn, shape: Shape | st.SearchStrategy[Shape], domain: str = "real",
           dtype: DTypeLike = np.float64) -> Array:
    """NumPy arrays of ``shape`` with finite values from a named domain."""
    if isinstance(shape, st.SearchStrategy):
        shape = draw(shape)
    if domain in ("distinct", "distinct_offset", "distinct_sums"):
        size = int(np.prod(shape))
        ticks = draw(st.lists(st.integers(-200, 200), min_size=size, max_size=size, unique=True))
        values = np.asarray(ticks, dtype=np.float64) * 0.02 + (0.0 if domain == "distinct" else 0.01)
        if domain == "distinct_sums":
            values += np.sign(values) * (np.arange(size) * _GOLDEN % 1.0) / 1000
        return values.reshape(shape).astype(dtype)
    if domain not in _RANGES:
        raise ValueError(f"unknown domain {domain!r}; choose one of {DOMAINS}")
    low, high = _RANGES[domain]
    # No subnormals: their products underflow to 0 (x * 5e-324 * 0.5 == 0), so a finite
    # difference and any rule built from products part ways at them, in torch as here.
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False,
                         allow_subnormal=False, width=64)
    values = draw(hnp.arrays(np.float64, shape, elements=elements))
    if domain in ("nonzero", "unit_nonzero"):
        signs = draw(hnp.arrays(np.bool_, shape))
        values = np.where(signs, values, -values)
    return values.astype(dtype)


@st.composite
def tensors(draw: st.DrawFn, shape: Shape | st.SearchStrategy[Shape] | None = None,
            domain: str = "real", dtype: DTypeLike = np.float64, requires_grad: bool = True) -> Tensor:
    """Tensors (float64 by default, requiring grad) with values from a named domain."""
    shape = shapes() if shape is None else shape
    return tensor(draw(arrays(shape, domain, dtype)), requires_grad=requires_grad)


def upstream_gradients(shape: Shape | st.SearchStrategy[Shape],
                       dtype: DTypeLike = np.float64) -> st.SearchStrategy[Tensor]:
    """Random upstream gradients for ``out.backward(gradient)``: values in [-2, 2]."""
    elements = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False, width=64)
    return hnp.arrays(np.float64, shape, elements=elements).map(lambda a: tensor(a, dtype=dtype))


# ---- pooling arguments -------------------------------------------------------------------------
def pool_shapes(spatial_dims: int = 2, max_side: int = 6) -> st.SearchStrategy[Shape]:
    """Pool inputs: (C, *spatial) or (N, C, *spatial), all sides >= 1 (N and C up to 2)."""
    lead = st.lists(st.integers(1, 2), min_size=1, max_size=2)
    spatial = st.lists(st.integers(1, max_side), min_size=spatial_dims, max_size=spatial_dims)
    return st.tuples(lead, spatial).map(lambda parts: tuple(parts[0] + parts[1]))


@st.composite
def pool_args(draw: st.DrawFn, spatial_dims: int = 2, shape: Shape | None = None,
              dilation: bool = True, max_kernel: int = 3,
              max_stride: int = 3) -> tuple[Shape, dict[str, object]]:
    """An input shape and pool arguments that PyTorch's pools accept.

    ``kernel_size``, ``stride``, ``padding``, (``dilation``) and ``ceil_mode``, per spatial dim
    (ints or tuples): padding <= kernel_size // 2, the dilated kernel fits into the padded
    input, and the dilation is at most the side, so no window lies wholly in the padding.

    Example:
        >>> @given(pool_args(2))
        ... def test_max_pool(case):
        ...     shape, kwargs = case
        ...     x = ag.randn(*shape, dtype=ag.float64, requires_grad=True)
        ...     assert ag.gradcheck(lambda t: F.max_pool2d(t, **kwargs), (x,))

    (Draw the values of max-pool inputs from the "distinct" domain: no ties.)
    """
    shape = draw(pool_shapes(spatial_dims)) if shape is None else tuple(shape)
    columns: dict[str, list[int]] = {"kernel_size": [], "stride": [], "padding": [], "dilation": []}
    for side in shape[-spatial_dims:]:
        d = draw(st.integers(1, min(2, side))) if dilation else 1  # d <= side: no window all padding
        kernels = [k for k in range(1, max_kernel + 1) if d * (k - 1) + 1 <= side + 2 * (k // 2)]
        k = draw(st.sampled_from(kernels)) if kernels else 1
        d = d if kernels else 1
        pads = [p for p in range(k // 2 + 1) if d * (k - 1) + 1 <= side + 2 * p]
        for name, value in (("kernel_size", k), ("stride", draw(st.integers(1, max_stride))),
                            ("padding", draw(st.sampled_from(pads))), ("dilation", d)):
            columns[name].append(value)
    kwargs: dict[str, object] = {
        name: (values[0] if len(set(values)) == 1 and draw(st.booleans()) else tuple(values))
        for name, values in columns.items() if dilation or name != "dilation"}
    kwargs["ceil_mode"] = draw(st.booleans())
    return shape, kwargs


# ---- convolution arguments -------------------------------------------------------------------
@st.composite
def conv_args(draw: st.DrawFn, spatial_dims: int = 2, transposed: bool = False, max_batch: int = 2,
              max_channels: int = 4, max_size: int = 6, max_kernel: int = 3,
              unbatched: bool = True) -> dict[str, object]:
    """Arguments of one valid convolution with a non-empty output.

    For ``conv{d}d`` or, with ``transposed=True``, ``conv_transpose{d}d``.

    Returns a dict: ``input_shape`` ((N, C, *size), or (C, *size) unbatched when allowed),
    ``weight_shape``, ``bias`` (whether to pass one), and the keyword arguments ``stride``,
    ``padding`` (an int, a tuple, or ``'same'``/``'valid'`` for stride 1), ``dilation``,
    ``groups`` and, transposed, ``output_padding`` (below stride or dilation).

    Example::

        @given(conv_args(spatial_dims=2))
        def test_my_conv(args):
            x = ag.randn(args["input_shape"], dtype=ag.float64, requires_grad=True)
            w = ag.randn(args["weight_shape"], dtype=ag.float64, requires_grad=True)
            kwargs = {k: args[k] for k in ("stride", "padding", "dilation", "groups")}
            assert ag.gradcheck(lambda x, w: ag.conv2d(x, w, **kwargs), (x, w))
    """
    d = spatial_dims
    ints = st.integers
    groups = draw(ints(1, 2))
    in_channels = groups * draw(ints(1, max(1, max_channels // groups)))
    out_channels = groups * draw(ints(1, max(1, max_channels // groups)))
    kernel = tuple(draw(ints(1, max_kernel)) for _ in range(d))
    stride = tuple(draw(ints(1, 2)) for _ in range(d))
    dilation = tuple(draw(ints(1, 2)) for _ in range(d))
    extent = [dl * (k - 1) + 1 for dl, k in zip(dilation, kernel)]
    batch = () if unbatched and draw(st.booleans()) else (draw(ints(1, max_batch)),)
    args: dict[str, object] = {"bias": draw(st.booleans()), "groups": groups}
    if transposed:
        pads = tuple(draw(ints(0, (e - 1) // 2)) for e in extent)
        size = tuple(draw(ints(1, max(1, max_size // 2))) for _ in range(d))
        args["output_padding"] = tuple(draw(ints(0, max(s, dl) - 1))
                                       for s, dl in zip(stride, dilation))
        args["weight_shape"] = (in_channels, out_channels // groups) + kernel
        args["padding"] = pads
    else:
        pads = tuple(draw(ints(0, 2)) for _ in range(d))
        size = tuple(draw(ints(max(1, e - 2 * p), max(max_size, e - 2 * p)))
                     for e, p in zip(extent, pads))
        padding: object = pads
        if all(s == 1 for s in stride) and draw(ints(0, 3)) == 0:
            padding = draw(st.sampled_from(["same", "valid"]))
            if padding == "valid":
                size = tuple(max(n, e) for n, e in zip(size, extent))
        elif len(set(pads)) == 1 and draw(st.booleans()):
            padding = pads[0]
        args["weight_shape"] = (out_channels, in_channels // groups) + kernel
        args["padding"] = padding
    args["input_shape"] = batch + (in_channels,) + size
    args["stride"] = stride[0] if len(set(stride)) == 1 and draw(st.booleans()) else stride
    args["dilation"] = dilation
    return args
