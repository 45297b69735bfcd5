package snn

import (
	"fmt"
	"math"
)

// Surrogate supplies the pseudo-derivative ψ(x) that stands in for the
// derivative of the spike nonlinearity z = H(x), x = v − θ, in the backward
// pass (surrogate gradient learning, Neftci, Mostafa & Zenke 2019). The
// forward pass still emits binary spikes, unless the surrogate also
// implements SmoothSpike.
type Surrogate interface {
	// Grad returns ψ(x) at x = v − θ.
	Grad(x float64) float64
}

// SmoothSpike is a Surrogate that also replaces H in the forward pass:
// z = Spike(v − θ) and ∂z/∂v = Grad(v − θ) exactly, so that the whole
// network is differentiable and its gradients can be checked against
// finite differences ("smooth mode"). Spikes are then real numbers in
// (0, 1), not binary.
type SmoothSpike interface {
	Surrogate
	// Spike returns the smooth spike value at x = v − θ.
	Spike(x float64) float64
}

// MultiGaussian is the surrogate of HetSyn's code (spike_function.py, after
// Yin, Corradi & Bohté 2021), with G(x; μ, s) the normal density:
//
//	ψ(x) = γ·[(1+h)·G(x; 0, σ) − h·G(x; σ, S·σ) − h·G(x; −σ, S·σ)]
//
// Zero fields mean the authors' values: Gamma γ = 0.5, Sigma σ = 0.5,
// Height h = 0.15, Scale S = 6 (peak ψ(0) ≈ 0.44, slightly negative tails).
type MultiGaussian struct{ Gamma, Sigma, Height, Scale float64 }

func (m MultiGaussian) resolved() (g, s, h, sc float64) {
	g, s, h, sc = m.Gamma, m.Sigma, m.Height, m.Scale
	if g == 0 {
		g = 0.5
	}
	if s == 0 {
		s = 0.5
	}
	if h == 0 {
		h = 0.15
	}
	if sc == 0 {
		sc = 6
	}
	return
}

// Grad implements Surrogate.
func (m MultiGaussian) Grad(x float64) float64 {
	g, s, h, sc := m.resolved()
	return g * ((1+h)*normPDF(x, 0, s) - h*normPDF(x, s, sc*s) - h*normPDF(x, -s, sc*s))
}

func (m MultiGaussian) String() string {
	g, s, h, sc := m.resolved()
	return fmt.Sprintf("multi-Gaussian(γ=%g, σ=%g, h=%g, scale=%g)", g, s, h, sc)
}

func normPDF(x, mu, sigma float64) float64 {
	d := (x - mu) / sigma
	return math.Exp(-0.5*d*d) / (math.Sqrt(2*math.Pi) * sigma)
}

// Atan is snnTorch's default surrogate: the derivative of
// (1/π)·arctan(π/2·α·x) + 1/2,
//
//	ψ(x) = (α/2) / (1 + (π/2·α·x)²)
//
// Alpha 0 means 2, snnTorch's default.
type Atan struct{ Alpha float64 }

// Grad implements Surrogate.
func (a Atan) Grad(x float64) float64 {
	al := a.Alpha
	if al == 0 {
		al = 2
	}
	u := math.Pi / 2 * al * x
	return al / 2 / (1 + u*u)
}

func (a Atan) String() string { return fmt.Sprintf("atan(α=%g)", orF(a.Alpha, 2)) }

// FastSigmoid is the fast-sigmoid surrogate of SuperSpike (Zenke & Ganguli
// 2018) as snnTorch's fast_sigmoid defines it:
//
//	ψ(x) = 1 / (k·|x| + 1)²
//
// Slope k 0 means 25, snnTorch's default.
type FastSigmoid struct{ Slope float64 }

// Grad implements Surrogate.
func (f FastSigmoid) Grad(x float64) float64 {
	k := orF(f.Slope, 25)
	d := k*math.Abs(x) + 1
	return 1 / (d * d)
}

func (f FastSigmoid) String() string { return fmt.Sprintf("fast sigmoid(k=%g)", orF(f.Slope, 25)) }

// Triangular is the piecewise-linear pseudo-derivative of Bellec et al.
// (2018, LSNN):
//
//	ψ(x) = Height·max(0, 1 − |x|/Width)
//
// Zero fields mean Height 0.3 and Width 1 (in units of the threshold θ = 1).
type Triangular struct{ Height, Width float64 }

// Grad implements Surrogate.
func (tr Triangular) Grad(x float64) float64 {
	h, w := orF(tr.Height, 0.3), orF(tr.Width, 1)
	return h * math.Max(0, 1-math.Abs(x)/w)
}

func (tr Triangular) String() string {
	return fmt.Sprintf("triangular(height=%g, width=%g)", orF(tr.Height, 0.3), orF(tr.Width, 1))
}

// StraightThrough passes the gradient unchanged, ψ(x) = 1 (snnTorch's
// straight_through_estimator).
type StraightThrough struct{}

// Grad implements Surrogate.
func (StraightThrough) Grad(float64) float64 { return 1 }

func (StraightThrough) String() string { return "straight-through" }

// Smooth replaces the Heaviside step by a logistic sigmoid in the forward
// pass as well, z = σ(k·x), so that ∂z/∂v = k·σ(k·x)·(1 − σ(k·x)) is the
// true derivative. It exists to test gradients against finite differences;
// spikes are then real numbers in (0, 1). Slope k 0 means 5.
type Smooth struct{ Slope float64 }

// Spike implements SmoothSpike.
func (s Smooth) Spike(x float64) float64 { return 1 / (1 + math.Exp(-orF(s.Slope, 5)*x)) }

// Grad implements Surrogate.
func (s Smooth) Grad(x float64) float64 {
	k := orF(s.Slope, 5)
	y := 1 / (1 + math.Exp(-k*x))
	return k * y * (1 - y)
}

func (s Smooth) String() string { return fmt.Sprintf("smooth sigmoid(k=%g)", orF(s.Slope, 5)) }

func orF(x, def float64) float64 {
	if x == 0 {
		return def
	}
	return x
}
