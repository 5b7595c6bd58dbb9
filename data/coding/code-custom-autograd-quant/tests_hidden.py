"""Hidden tests: used for the grade."""

import torch
from solution import FakeQuantSTE, QuantLinear, fake_quant


def _setup(out_f=3, in_f=5, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    w_int = torch.randint(-127, 128, (out_f, in_f), dtype=torch.int8, generator=g)
    scale = torch.rand(out_f, generator=g, dtype=dtype) * 0.02 + 0.005
    bias = torch.randn(out_f, generator=g, dtype=dtype)
    return w_int, scale, bias


def test_ste_gradient_passes_inside_the_range():
    x = torch.tensor([0.05, -0.3, 0.7], requires_grad=True)
    fake_quant(x, 0.1).sum().backward()
    assert x.grad is not None, "no gradient reached x"
    assert torch.equal(x.grad, torch.ones(3)), f"inside the range the STE gradient is 1, got {x.grad.tolist()}"


def test_ste_gradient_is_zero_where_clamped():
    x = torch.tensor([-1.0, -0.3, 0.2, 0.9], requires_grad=True)
    y = FakeQuantSTE.apply(x, 0.1, -4, 3)
    (y * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert torch.equal(x.grad, torch.tensor([0.0, 2.0, 3.0, 0.0])), f"clipped STE gradient wrong: {x.grad.tolist()}"


def test_fake_quant_keeps_dtype_and_shape():
    x = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    y = fake_quant(x, 0.05, bits=4)
    assert y.dtype == torch.float64 and y.shape == x.shape, f"got {y.dtype} {tuple(y.shape)}"
    assert float(y.abs().max()) <= 8 * 0.05 + 1e-9, "4-bit values must be clamped to [-8, 7] * scale"
    y.sum().backward()
    assert x.grad.shape == x.shape


def test_quant_linear_gradients_match_autograd_reference():
    w_int, scale, bias = _setup()
    x = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
    b = bias.clone().requires_grad_(True)
    QuantLinear.apply(x, w_int, scale, b).pow(2).sum().backward()
    x2 = x.detach().clone().requires_grad_(True)
    b2 = bias.clone().requires_grad_(True)
    torch.nn.functional.linear(x2, w_int.double() * scale[:, None], b2).pow(2).sum().backward()
    assert torch.allclose(x.grad, x2.grad, atol=1e-9), "grad_x differs from dequantise-then-F.linear"
    assert torch.allclose(b.grad, b2.grad, atol=1e-9), "grad_bias differs from dequantise-then-F.linear"


def test_quant_linear_gradcheck():
    w_int, scale, bias = _setup(seed=1)
    x = torch.randn(3, 5, dtype=torch.float64, requires_grad=True)
    b = bias.clone().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda x_, b_: QuantLinear.apply(x_, w_int, scale, b_), (x, b), eps=1e-6, atol=1e-5)


def test_quant_linear_leading_dimensions():
    w_int, scale, bias = _setup(seed=2)
    x = torch.randn(2, 3, 5, dtype=torch.float64, requires_grad=True)
    b = bias.clone().requires_grad_(True)
    y = QuantLinear.apply(x, w_int, scale, b)
    assert y.shape == (2, 3, 3), f"shape {tuple(y.shape)}, expected (2, 3, 3)"
    y.sum().backward()
    assert x.grad.shape == x.shape, "grad_x must have the input's shape"
    assert torch.allclose(b.grad, torch.full((3,), 6.0, dtype=torch.float64)), (
        f"grad_bias must sum over all leading dims: {b.grad.tolist()}"
    )


def test_quant_linear_without_bias_and_non_contiguous_grad():
    w_int, scale, _ = _setup(out_f=4, in_f=6, seed=3)
    x = torch.randn(6, 5, dtype=torch.float64).T.requires_grad_(True)
    weights = torch.randn(4, 5, dtype=torch.float64).T
    (QuantLinear.apply(x, w_int, scale, None) * weights).sum().backward()
    assert x.grad is not None and x.grad.shape == (5, 6), "grad_x missing or wrong shape"
    expected = weights @ (w_int.double() * scale[:, None])
    assert torch.allclose(x.grad, expected, atol=1e-9), "grad_x wrong for a transposed (non-contiguous) input"


def test_quant_linear_keeps_float32():
    w_int, scale, bias = _setup(seed=4, dtype=torch.float32)
    x = torch.randn(2, 5, requires_grad=True)
    y = QuantLinear.apply(x, w_int, scale, bias)
    assert y.dtype == torch.float32, f"output dtype {y.dtype}, expected float32"
    y.sum().backward()
    assert x.grad.dtype == torch.float32, f"grad dtype {x.grad.dtype}, expected float32"


def test_saves_only_the_int8_weight():
    w_int, scale, bias = _setup(out_f=8, in_f=16, seed=5)
    x = torch.randn(2, 16, dtype=torch.float64, requires_grad=True)
    y = QuantLinear.apply(x, w_int, scale, bias)
    saved = [t for t in y.grad_fn.saved_tensors if t.numel() == w_int.numel()]
    assert saved and all(t.dtype == torch.int8 for t in saved), (
        "save the int8 weight for backward, not the dequantised copy: " + str([t.dtype for t in saved])
    )
