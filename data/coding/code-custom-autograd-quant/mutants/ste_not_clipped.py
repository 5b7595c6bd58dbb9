# ruff: noqa  (a deliberately broken solution: the hidden tests must catch it)
"""Mutant (ste_not_clipped): clipped STE fake quantisation and a quantised linear that re-dequantises in backward."""

from __future__ import annotations

import torch


class FakeQuantSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, qmin, qmax):
        q = torch.round(x / scale)
        ctx.save_for_backward((q >= qmin) & (q <= qmax))
        return torch.clamp(q, qmin, qmax) * scale

    @staticmethod
    def backward(ctx, grad_out):
        (inside,) = ctx.saved_tensors
        return grad_out, None, None, None


def fake_quant(x, scale, bits=8):
    return FakeQuantSTE.apply(x, scale, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)


def _dequantise(w_int, scale, dtype):
    return w_int.to(dtype) * scale.to(dtype)[:, None]


class QuantLinear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w_int, scale, bias):
        ctx.save_for_backward(w_int, scale)
        ctx.has_bias = bias is not None
        y = x @ _dequantise(w_int, scale, x.dtype).T
        return y + bias if bias is not None else y

    @staticmethod
    def backward(ctx, grad_out):
        w_int, scale = ctx.saved_tensors
        grad_out = grad_out.contiguous()
        grad_x = grad_out @ _dequantise(w_int, scale, grad_out.dtype) if ctx.needs_input_grad[0] else None
        grad_bias = None
        if ctx.has_bias and ctx.needs_input_grad[3]:
            grad_bias = grad_out.reshape(-1, grad_out.shape[-1]).sum(0)
        return grad_x, None, None, grad_bias
