package train

import (
	"fmt"
	"math"
	"strings"
)

// Activation is an elementwise nonlinearity φ applied to a layer's
// pre-activation. The derivatives follow torch's conventions at the kinks
// (ReLU'(0) = 0, LeakyReLU'(0) = 0.01).
type Activation int

const (
	// Identity: φ(z) = z.
	Identity Activation = iota
	// ReLU: φ(z) = max(z, 0).
	ReLU
	// LeakyReLU: φ(z) = z for z > 0, 0.01·z otherwise (torch's slope).
	LeakyReLU
	// Tanh: φ(z) = tanh z.
	Tanh
	// SiLU (swish): φ(z) = z·σ(z), σ the logistic function.
	SiLU
	// GELU, exact form: φ(z) = z·Φ(z), Φ the standard normal CDF
	// (torch.nn.GELU's default, not the tanh approximation).
	GELU
)

// LeakySlope is LeakyReLU's slope for negative inputs.
const LeakySlope = 0.01

var activationNames = [...]string{Identity: "identity", ReLU: "relu", LeakyReLU: "leaky_relu", Tanh: "tanh", SiLU: "silu", GELU: "gelu"}

// String returns the activation's name as torch spells its functional
// form ("relu", "leaky_relu", "tanh", "silu", "gelu", "identity").
func (a Activation) String() string {
	if a >= 0 && int(a) < len(activationNames) {
		return activationNames[a]
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// ParseActivation returns the activation named s (as String spells it,
// case-insensitive).
func ParseActivation(s string) (Activation, error) {
	for a, name := range activationNames {
		if strings.EqualFold(s, name) {
			return Activation(a), nil
		}
	}
	return 0, fmt.Errorf("train: unknown activation %q, want one of %v", s, activationNames)
}

func (a Activation) valid() bool { return a >= Identity && a <= GELU }

// apply sets h = φ(z) elementwise.
func applyActivation[T Float](a Activation, z, h []T) {
	switch a {
	case Identity:
		copy(h, z)
	case ReLU:
		for i, v := range z {
			if v <= 0 { // NaN passes through, as in torch
				h[i] = 0
			} else {
				h[i] = v
			}
		}
	case LeakyReLU:
		for i, v := range z {
			if v > 0 {
				h[i] = v
			} else {
				h[i] = v * LeakySlope
			}
		}
	case Tanh:
		for i, v := range z {
			h[i] = T(math.Tanh(float64(v)))
		}
	case SiLU:
		for i, v := range z {
			x := float64(v)
			h[i] = T(x / (1 + math.Exp(-x)))
		}
	case GELU:
		for i, v := range z {
			x := float64(v)
			h[i] = T(0.5 * x * (1 + math.Erf(x/math.Sqrt2)))
		}
	}
}

// backActivation sets dz = dh ⊙ φ'(z), given z and h = φ(z).
func backActivation[T Float](a Activation, z, h, dh, dz []T) {
	switch a {
	case Identity:
		copy(dz, dh)
	case ReLU:
		for i, v := range z {
			if v > 0 {
				dz[i] = dh[i]
			} else {
				dz[i] = 0
			}
		}
	case LeakyReLU:
		for i, v := range z {
			if v > 0 {
				dz[i] = dh[i]
			} else {
				dz[i] = dh[i] * LeakySlope
			}
		}
	case Tanh:
		for i, y := range h {
			dz[i] = dh[i] * (1 - y*y)
		}
	case SiLU:
		for i, v := range z {
			x := float64(v)
			s := 1 / (1 + math.Exp(-x))
			dz[i] = T(float64(dh[i]) * s * (1 + x*(1-s)))
		}
	case GELU:
		for i, v := range z {
			x := float64(v)
			cdf := 0.5 * (1 + math.Erf(x/math.Sqrt2))
			pdf := math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi)
			dz[i] = T(float64(dh[i]) * (cdf + x*pdf))
		}
	}
}
