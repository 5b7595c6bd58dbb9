"""Public tests: run them as often as you like."""

import torch
from solution import QuantLinear, fake_quant


def test_fake_quant_forward_values():
    x = torch.tensor([0.04, 0.26, -0.5, 1.0])
    y = fake_quant(x, 0.1)
    expected = torch.tensor([0.0, 0.3, -0.5, 1.0])
    assert torch.allclose(y, expected, atol=1e-6), f"got {y.tolist()}, expected {expected.tolist()}"


def test_quant_linear_forward():
    torch.manual_seed(0)
    x = torch.randn(4, 3)
    w_int = torch.randint(-127, 128, (2, 3), dtype=torch.int8)
    scale = torch.tensor([0.01, 0.02])
    y = QuantLinear.apply(x, w_int, scale, None)
    ref = x @ (w_int.float() * scale[:, None]).T
    assert y.shape == (4, 2), f"shape {tuple(y.shape)}, expected (4, 2)"
    assert torch.allclose(y, ref, atol=1e-5), "forward differs from x @ dequantised(w).T"
