"""Custom autograd for quantisation. Implement the two torch.autograd.Functions below."""

from __future__ import annotations

import torch


class FakeQuantSTE(torch.autograd.Function):
    """y = clamp(round(x / scale), qmin, qmax) * scale, with a *clipped straight-through estimator*:
    dy/dx = 1 where qmin <= x / scale <= qmax, 0 where the value was clamped. ``scale`` is a positive
    float; qmin and qmax are ints. Output dtype and shape equal the input's."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, scale: float, qmin: int, qmax: int) -> torch.Tensor:
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        raise NotImplementedError


def fake_quant(x: torch.Tensor, scale: float, bits: int = 8) -> torch.Tensor:
    """Signed ``bits``-bit fake quantisation: qmin = -2**(bits-1), qmax = 2**(bits-1) - 1."""
    return FakeQuantSTE.apply(x, scale, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)


class QuantLinear(torch.autograd.Function):
    """y = x @ (w_int * scale[:, None]).T + bias for a frozen int8 weight ``w_int`` (out, in) with one
    scale per output row. x may have any number of leading dimensions (..., in); bias may be None.
    Save only the int8 weight and the scales for backward (never the dequantised weight) and return
    exactly one gradient per forward input: grad_x, None for w_int and scale, grad_bias (or None)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, w_int: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor | None):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        raise NotImplementedError
