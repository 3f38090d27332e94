"""The convolution functions with PyTorch's signatures: their arguments checked, their sizes fixed.

``conv1d``/``conv2d``/``conv3d`` and ``conv_transpose1d/2d/3d`` (``torch.conv2d``,
``torch.nn.functional.conv2d``...) check what PyTorch checks, with PyTorch's messages and the
function's name, build the ``Geometry`` of the call and apply one primitive of
``autograd.ops.conv``. An unbatched input (C, *spatial) gets a batch dim of 1 and loses it
again (PyTorch's ``SqueezeBackward1``).

Output size per spatial dim (input L, kernel k, stride s, padding p, dilation d):
    convolution:            floor((L + 2p - d (k - 1) - 1) / s) + 1
    transposed convolution: (L - 1) s - 2p + d (k - 1) + output_padding + 1
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .. import checks, dtypes
from ..checks import FLOATING, OpError, is_int, kernel
from . import movement
from .conv import Conv, ConvTranspose
from .im2col import Geometry

if TYPE_CHECKING:
    from .._tensor import Tensor

Size = int | tuple[int, ...]


def sizes(op: str, name: str, value: Any, d: int) -> tuple[int, ...]:
    """An int or a tuple of 1 or ``d`` ints (PyTorch's ``stride=2``, ``stride=(2, 1)``) as d ints.

    Raises:
        TypeError: not an int nor a sequence of ints. OpError: a sequence of another length.
    """
    if is_int(value):
        return (int(value),) * d
    values = checks.integers(op, name, value)
    if len(values) == 1:
        return values * d
    if len(values) != d:
        raise OpError(f"{op}: expected {name} to be a single integer value or a list of {d} values "
                      f"to match the convolution dimensions, but got {name}={list(values)}")
    return values


def _positive(op: str, name: str, values: tuple[int, ...], what: str = "non-positive") -> None:
    if any(n <= 0 for n in values):
        raise OpError(f"{op}: {what} {name} is not supported (got {name}={list(values)}). Hint: "
                      f"{name} must be >= 1")


def _operands(op: str, d: int, input: Tensor, weight: Tensor, bias: Tensor | None,
              transposed: bool) -> tuple[Tensor, bool]:
    """Check ranks and dtypes; the input with a batch dim and whether one was added."""
    if input.ndim not in (d + 1, d + 2):
        raise OpError(f"{op}: Expected {d + 1}D (unbatched) or {d + 2}D (batched) input to {op}, "
                      f"but got input of size: {list(input.shape)}")
    if weight.ndim != d + 2:
        layout = "in_channels, out_channels/groups" if transposed else "out_channels, in_channels/groups"
        raise OpError(f"{op}: weight must be {d + 2}-D ({layout}, *kernel_size), got weight of "
                      f"size {list(weight.shape)}")
    kernel(op, input.dtype, FLOATING, "convolutions take floats, e.g. x.float()")
    if weight.dtype != input.dtype:
        raise OpError(f"{op}: expected scalar type {dtypes.name(input.dtype)} but found "
                      f"{dtypes.name(weight.dtype)} (input {dtypes.name(input.dtype)}, weight "
                      f"{dtypes.name(weight.dtype)}). Hint: model.to(x.dtype) or x.to(...)")
    if bias is not None and bias.dtype != input.dtype:
        raise OpError(f"{op}: Input type ({dtypes.name(input.dtype)}) and bias type "
                      f"({dtypes.name(bias.dtype)}) should be the same")
    batched = input.ndim == d + 2
    return (input if batched else movement.unsqueeze(input, 0)), batched


def _channels(op: str, x: Tensor, weight: Tensor, bias: Tensor | None, groups: int,
              transposed: bool) -> None:
    """PyTorch's checks of groups against the weight, the input's channels and the bias."""
    if groups <= 0:
        raise OpError(f"{op}: non-positive groups is not supported (got groups={groups})")
    w = list(weight.shape)
    if w[0] < 1 or w[0] % groups:
        need = "at least 1" if w[0] < 1 else f"divisible by {groups}"
        raise OpError(f"{op}: Given groups={groups}, expected weight to be {need} at dimension 0, "
                      f"but got weight of size [{w}] instead")
    channels = w[0] if transposed else w[1] * groups
    if x.shape[1] != channels:
        given = "transposed=1" if transposed else f"groups={groups}"
        raise OpError(f"{op}: Given {given}, weight of size {w}, expected input{list(x.shape)} to "
                      f"have {channels} channels, but got {x.shape[1]} channels instead")
    if channels == 0:  # PyTorch returns an empty (N, 0, ...) result, not the bias
        raise OpError(f"{op}: the input{list(x.shape)} has no channels (weight of size {w}). Hint: a "
                      "convolution needs at least one input channel")
    out_channels = w[1] * groups if transposed else w[0]
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_channels):
        given = "transposed=1, " if transposed else ""
        raise OpError(f"{op}: Given {given}weight of size {w}, expected bias to be 1-dimensional "
                      f"with {out_channels} elements, but got bias of size {list(bias.shape)} instead")


def _conv_padding(op: str, padding: Any, d: int, kernel_size: tuple[int, ...],
                  stride: tuple[int, ...], dilation: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """(before, after) per dim; ``'same'`` puts the odd zero after, as PyTorch does."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * d
        if padding != "same":
            raise OpError(f"{op}: Invalid padding string: {padding!r}. Hint: 'same', 'valid', an "
                          "int or a tuple of ints")
        if any(s != 1 for s in stride):
            raise OpError(f"{op}: padding='same' is not supported for strided convolutions "
                          f"(stride={list(stride)})")
        totals = [dl * (k - 1) for dl, k in zip(dilation, kernel_size)]
        return tuple((t // 2, t - t // 2) for t in totals)
    pads = sizes(op, "padding", padding, d)
    if any(p < 0 for p in pads):
        raise OpError(f"{op}: negative padding is not supported (got padding={list(pads)})")
    return tuple((p, p) for p in pads)


def convolution(op: str, d: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
                padding: Any, dilation: Any, groups: int) -> Tensor:
    """``conv{d}d``: the checks, the geometry and the ``Conv`` node."""
    x, batched = _operands(op, d, input, weight, bias, transposed=False)
    stride_, dilation_ = sizes(op, "stride", stride, d), sizes(op, "dilation", dilation, d)
    _positive(op, "stride", stride_)
    _positive(op, "dilation", dilation_)
    groups = checks.integer(op, "groups", groups)
    ks = tuple(weight.shape[2:])
    pads = _conv_padding(op, padding, d, ks, stride_, dilation_)
    _channels(op, x, weight, bias, groups, transposed=False)
    spatial = tuple(x.shape[2:])
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(spatial, pads))
    extent = tuple(dl * (k - 1) + 1 for dl, k in zip(dilation_, ks))
    if any(e > n for e, n in zip(extent, padded)):
        raise OpError(f"{op}: Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
                      f"Kernel size: ({' x '.join(map(str, extent))}). Kernel size can't be greater "
                      f"than actual input size (input {list(input.shape)}, weight "
                      f"{list(weight.shape)}, dilation {list(dilation_)})")
    out = tuple((n - e) // s + 1 for n, e, s in zip(padded, extent, stride_))
    # wide columns, unless the output (to narrow) would be bigger than the columns
    wide = x.shape[1] * math.prod(ks) >= weight.shape[0]
    geo = Geometry(stride_, pads, dilation_, groups, spatial, out, ks, prefer_wide=wide)
    result = Conv.apply(x, weight, bias, geo=geo)
    return result if batched else movement.squeeze(result, 0)


def transposed_convolution(op: str, d: int, input: Tensor, weight: Tensor, bias: Tensor | None,
                           stride: Any, padding: Any, output_padding: Any, groups: int,
                           dilation: Any) -> Tensor:
    """``conv_transpose{d}d``: the checks, the geometry and the ``ConvTranspose`` node."""
    x, batched = _operands(op, d, input, weight, bias, transposed=True)
    stride_, dilation_ = sizes(op, "stride", stride, d), sizes(op, "dilation", dilation, d)
    pads, extra = sizes(op, "padding", padding, d), sizes(op, "output_padding", output_padding, d)
    _positive(op, "stride", stride_)
    _positive(op, "dilation", dilation_)
    groups = checks.integer(op, "groups", groups)
    if any(p < 0 for p in pads + extra):
        raise OpError(f"{op}: negative padding is not supported (got padding={list(pads)}, "
                      f"output_padding={list(extra)})")
    if any(e >= s and e >= dl for e, s, dl in zip(extra, stride_, dilation_)):
        raise OpError(f"{op}: output padding must be smaller than either stride or dilation, but "
                      f"got output_padding={list(extra)}, stride={list(stride_)}, "
                      f"dilation={list(dilation_)}")
    _channels(op, x, weight, bias, groups, transposed=True)
    ks = tuple(weight.shape[2:])
    spatial = tuple(x.shape[2:])
    out = tuple((n - 1) * s - 2 * p + dl * (k - 1) + e + 1
                for n, s, p, dl, k, e in zip(spatial, stride_, pads, dilation_, ks, extra))
    if any(n < 0 for n in out):
        raise OpError(f"{op}: the output size {list(out)} is negative for input "
                      f"{list(input.shape)}, weight {list(weight.shape)}, stride {list(stride_)}, "
                      f"padding {list(pads)}. Hint: use less padding")
    geo = Geometry(stride_, tuple((p, p) for p in pads), dilation_, groups, out, spatial, ks)
    result = ConvTranspose.apply(x, weight, bias, geo=geo)
    return result if batched else movement.squeeze(result, 0)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Size = 1,
           padding: Size | str = 0, dilation: Size = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation of (N, C_in, L) or (C_in, L) input with weight (C_out, C_in/groups, k).

    y[n, o, j] = b[o] + sum_{c, t} w[o, c, t] xpad[n, c, j stride + t dilation]; ``padding`` is
    an int, a 1-tuple, ``'valid'`` (none) or ``'same'`` (output length = input length).

    Example:
        >>> conv1d(ag.randn(8, 2, 10), ag.randn(4, 2, 3), padding="same").shape
        torch.Size([8, 4, 10])
    """
    return convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Size = 1,
           padding: Size | str = 0, dilation: Size = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation of (N, C_in, H, W) or (C_in, H, W) input with weight (C_out, C_in/g, kH, kW).

    y[n, o, i, j] = b[o] + sum_{c, u, v} w[o, c, u, v] xpad[n, c, i sH + u dH, j sW + v dW];
    ``padding`` is an int, a pair, ``'valid'`` or ``'same'``.

    Example:
        >>> conv2d(ag.randn(64, 1, 28, 28), ag.randn(6, 1, 5, 5)).shape
        torch.Size([64, 6, 24, 24])
    """
    return convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Size = 1,
           padding: Size | str = 0, dilation: Size = 1, groups: int = 1) -> Tensor:
    """3-D cross-correlation of (N, C_in, D, H, W) or (C_in, D, H, W) input: conv2d with a third dim.

    weight is (C_out, C_in/groups, kD, kH, kW).
    """
    return convolution("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Size = 1,
                     padding: Size = 0, output_padding: Size = 0, groups: int = 1,
                     dilation: Size = 1) -> Tensor:
    """1-D transposed convolution (the gradient of ``conv1d`` with respect to its input).

    weight is (C_in, C_out/groups, k); output length (L - 1) stride - 2 padding +
    dilation (k - 1) + output_padding + 1.
    """
    return transposed_convolution("conv_transpose1d", 1, input, weight, bias, stride, padding,
                                  output_padding, groups, dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Size = 1,
                     padding: Size = 0, output_padding: Size = 0, groups: int = 1,
                     dilation: Size = 1) -> Tensor:
    """2-D transposed convolution (the gradient of ``conv2d`` with respect to its input).

    weight is (C_in, C_out/groups, kH, kW); each output size (L - 1) stride - 2 padding +
    dilation (k - 1) + output_padding + 1.

    Example:
        >>> conv_transpose2d(ag.randn(1, 4, 5, 5), ag.randn(4, 2, 3, 3), stride=2).shape
        torch.Size([1, 2, 11, 11])
    """
    return transposed_convolution("conv_transpose2d", 2, input, weight, bias, stride, padding,
                                  output_padding, groups, dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Size = 1,
                     padding: Size = 0, output_padding: Size = 0, groups: int = 1,
                     dilation: Size = 1) -> Tensor:
    """3-D transposed convolution (the gradient of ``conv3d`` with respect to its input)."""
    return transposed_convolution("conv_transpose3d", 3, input, weight, bias, stride, padding,
                                  output_padding, groups, dilation)
