package safetensors

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// f16Reference evaluates the binary16 definition in float64 arithmetic,
// independently of the bit manipulation in F16ToFloat32.
func f16Reference(h uint16) float64 {
	s := 1.0
	if h&0x8000 != 0 {
		s = -1
	}
	e := int(h>>10) & 0x1f
	m := float64(h & 0x3ff)
	switch e {
	case 0:
		return s * math.Ldexp(m, -24)
	case 31:
		if m != 0 {
			return math.NaN()
		}
		return s * math.Inf(1)
	}
	return s * (1 + m/1024) * math.Ldexp(1, e-15)
}

// bf16Reference evaluates the bfloat16 definition (8-bit exponent, bias 127,
// 7-bit mantissa) in float64.
func bf16Reference(b uint16) float64 {
	s := 1.0
	if b&0x8000 != 0 {
		s = -1
	}
	e := int(b>>7) & 0xff
	m := float64(b & 0x7f)
	switch e {
	case 0:
		return s * math.Ldexp(m, -133)
	case 255:
		if m != 0 {
			return math.NaN()
		}
		return s * math.Inf(1)
	}
	return s * (1 + m/128) * math.Ldexp(1, e-127)
}

func sameValue(a float32, b float64) bool {
	if math.IsNaN(b) {
		return math.IsNaN(float64(a))
	}
	return float64(a) == b && math.Signbit(float64(a)) == math.Signbit(b)
}

// TestHalfDecodingMatchesDefinition checks all 65536 bit patterns of F16 and
// BF16 against the formats' definitions evaluated in float64 (oracle:
// closed form), plus the test vectors of the format documentation.
func TestHalfDecodingMatchesDefinition(t *testing.T) {
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		if got, want := F16ToFloat32(h), f16Reference(h); !sameValue(got, want) {
			t.Fatalf("F16ToFloat32(%#04x) = %v, want %v", h, got, want)
		}
		if got, want := BF16ToFloat32(h), bf16Reference(h); !sameValue(got, want) {
			t.Fatalf("BF16ToFloat32(%#04x) = %v, want %v", h, got, want)
		}
	}
	vectors := []struct {
		bits uint16
		bf16 bool
		want float64
	}{
		{0x3f80, true, 1},
		{0xc000, true, -2},
		{0x7f80, true, math.Inf(1)},
		{0x0001, true, math.Ldexp(1, -133)},
		{0x3c00, false, 1},
		{0x7bff, false, 65504},
		{0x0001, false, math.Ldexp(1, -24)},
		{0x03ff, false, math.Ldexp(1023, -24)},
		{0x0400, false, math.Ldexp(1, -14)},
		{0xfc00, false, math.Inf(-1)},
		{0x8000, false, math.Copysign(0, -1)},
	}
	for _, v := range vectors {
		got := F16ToFloat32(v.bits)
		if v.bf16 {
			got = BF16ToFloat32(v.bits)
		}
		if !sameValue(got, v.want) {
			t.Errorf("decode(%#04x, bf16=%v) = %v, want %v", v.bits, v.bf16, got, v.want)
		}
	}
	if !math.IsNaN(float64(F16ToFloat32(0x7e00))) || !math.IsNaN(float64(BF16ToFloat32(0xffc1))) {
		t.Error("NaN patterns did not decode to NaN")
	}
}

// TestHalfEncodingRoundsToNearestEven checks encoding exhaustively: every
// finite half value encodes to itself, the exact midpoint between two
// neighbours goes to the one with an even mantissa, and the float32 values
// just either side of a midpoint go to the nearer neighbour (oracle: the
// definition of round-to-nearest-even on the decoded grid).
func TestHalfEncodingRoundsToNearestEven(t *testing.T) {
	type codec struct {
		name    string
		decode  func(uint16) float32
		encode  func(float32) uint16
		maxBits uint16 // largest finite positive pattern
	}
	for _, c := range []codec{
		{"F16", F16ToFloat32, Float32ToF16, 0x7bff},
		{"BF16", BF16ToFloat32, Float32ToBF16, 0x7f7f},
	} {
		for _, sign := range []uint16{0, 0x8000} {
			for h := uint16(0); h <= c.maxBits; h++ {
				v := c.decode(sign | h)
				if got := c.encode(v); got != sign|h {
					t.Fatalf("%s: encode(decode(%#04x) = %v) = %#04x", c.name, sign|h, v, got)
				}
				next := c.decode(sign | (h + 1)) // for h = maxBits this is ±Inf
				var mid float32
				if h == c.maxBits {
					// The rounding boundary to Inf is where the next
					// pattern would be if the exponent were unbounded.
					ulp := float64(v) - float64(c.decode(sign|(h-1)))
					mid = float32(float64(v) + ulp/2)
				} else {
					mid = float32((float64(v) + float64(next)) / 2)
					if float64(mid) != (float64(v)+float64(next))/2 {
						t.Fatalf("%s: midpoint of %#04x not representable in float32", c.name, h)
					}
				}
				even := sign | h
				if h&1 == 1 {
					even = sign | (h + 1)
				}
				if got := c.encode(mid); got != even {
					t.Fatalf("%s: encode(midpoint %v of %#04x and next) = %#04x, want %#04x", c.name, mid, sign|h, got, even)
				}
				toZero := math.Nextafter32(mid, 0)
				if got := c.encode(toZero); got != sign|h {
					t.Fatalf("%s: encode(%v just below midpoint of %#04x) = %#04x", c.name, toZero, sign|h, got)
				}
				away := math.Nextafter32(mid, float32(math.Copysign(math.Inf(1), float64(mid))))
				if got := c.encode(away); got != sign|(h+1) {
					t.Fatalf("%s: encode(%v just above midpoint of %#04x) = %#04x, want %#04x", c.name, away, sign|h, got, sign|(h+1))
				}
			}
		}
		inf := float32(math.Inf(1))
		if c.encode(inf) != c.maxBits+1 || c.encode(-inf) != 0x8000|(c.maxBits+1) {
			t.Errorf("%s: ±Inf not preserved", c.name)
		}
		nan := float32(math.NaN())
		if got := c.decode(c.encode(nan)); !math.IsNaN(float64(got)) {
			t.Errorf("%s: NaN encoded to %#04x", c.name, c.encode(nan))
		}
		if got := c.encode(math.MaxFloat32); got != c.maxBits+1 {
			t.Errorf("%s: MaxFloat32 encoded to %#04x, want Inf", c.name, got)
		}
	}
}

// TestF16EncodingMatchesNumpy compares Float32ToF16 on random float32 values
// across the whole range with numpy's float32→float16 cast (oracle: numpy).
func TestF16EncodingMatchesNumpy(t *testing.T) {
	pyoracle.Require(t, "numpy")
	rng := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, 2000)
	for i := range vals {
		// Log-uniform magnitudes from deep subnormal to overflow.
		v := float32(math.Ldexp(1+rng.Float64(), rng.IntN(48)-30))
		if rng.IntN(2) == 0 {
			v = -v
		}
		vals[i] = float64(v)
	}
	var want []int
	pyoracle.Run(t, `
import json, sys, numpy as np
x = np.array(json.load(sys.stdin), dtype=np.float64).astype(np.float32)
print(json.dumps(x.astype(np.float16).view(np.uint16).astype(int).tolist()))
`, vals, &want)
	for i, v := range vals {
		if got := Float32ToF16(float32(v)); int(got) != want[i] {
			t.Errorf("Float32ToF16(%v) = %#04x, numpy gives %#04x", v, got, want[i])
		}
	}
}
