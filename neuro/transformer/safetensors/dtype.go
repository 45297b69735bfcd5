package safetensors

import (
	"math"
	"sync"
)

// DType is the element type of a tensor, spelled as in the header ("F32").
type DType string

// The element types of the safetensors format. Sub-byte types (F4, F6) are
// not supported and are rejected by the reader.
const (
	Bool    DType = "BOOL"
	U8      DType = "U8"
	I8      DType = "I8"
	F8E5M2  DType = "F8_E5M2"
	F8E4M3  DType = "F8_E4M3"
	F8E8M0  DType = "F8_E8M0"
	I16     DType = "I16"
	U16     DType = "U16"
	F16     DType = "F16"
	BF16    DType = "BF16"
	I32     DType = "I32"
	U32     DType = "U32"
	F32     DType = "F32"
	F64     DType = "F64"
	I64     DType = "I64"
	U64     DType = "U64"
	C64     DType = "C64"
	invalid DType = ""
)

var dtypeSizes = map[DType]int{
	Bool: 1, U8: 1, I8: 1, F8E5M2: 1, F8E4M3: 1, F8E8M0: 1,
	I16: 2, U16: 2, F16: 2, BF16: 2,
	I32: 4, U32: 4, F32: 4,
	F64: 8, I64: 8, U64: 8, C64: 8,
}

// Size returns the number of bytes of one element, or 0 for an unknown dtype.
func (d DType) Size() int { return dtypeSizes[d] }

// IsFloat reports whether values of d can be read as float32 with
// File.ReadFloat32 (F16, BF16, F32, F64).
func (d DType) IsFloat() bool {
	switch d {
	case F16, BF16, F32, F64:
		return true
	}
	return false
}

// BF16ToFloat32 converts a bfloat16 bit pattern to float32. The conversion is
// exact: bfloat16 is the upper half of a float32.
func BF16ToFloat32(b uint16) float32 { return math.Float32frombits(uint32(b) << 16) }

// Float32ToBF16 rounds f to the nearest bfloat16 (ties to even), returning its
// bit pattern. Values beyond the largest finite bfloat16 become ±Inf and NaNs
// stay (quiet) NaNs.
func Float32ToBF16(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 { // NaN: keep sign and top payload bits, force quiet.
		return uint16(u>>16) | 0x0040
	}
	u += 0x7fff + (u>>16)&1
	return uint16(u >> 16)
}

var (
	f16Once  sync.Once
	f16Table []float32
)

// F16ToFloat32 converts an IEEE 754 binary16 bit pattern to float32 (exact):
// sign s, exponent e (5 bits, bias 15), mantissa m (10 bits) encode
// (−1)^s·m·2^−24 when e = 0, ±Inf or NaN when e = 31, and
// (−1)^s·(1 + m/1024)·2^(e−15) otherwise.
func F16ToFloat32(h uint16) float32 {
	f16Once.Do(func() {
		f16Table = make([]float32, 1<<16)
		for i := range f16Table {
			f16Table[i] = f16Decode(uint16(i))
		}
	})
	return f16Table[h]
}

func f16Decode(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	e := uint32(h>>10) & 0x1f
	m := uint32(h & 0x3ff)
	switch {
	case e == 0x1f: // Inf or NaN: the mantissa moves into float32's top bits.
		return math.Float32frombits(sign | 0x7f800000 | m<<13)
	case e == 0: // zero or subnormal: m·2^−24, exactly representable in float32.
		v := float32(m) * (1.0 / (1 << 24))
		return math.Float32frombits(sign | math.Float32bits(v))
	default:
		return math.Float32frombits(sign | (e+127-15)<<23 | m<<13)
	}
}

// Float32ToF16 rounds f to the nearest IEEE 754 binary16 value (ties to
// even), returning its bit pattern. Results beyond 65504 (after rounding)
// become ±Inf, results below half the smallest subnormal 2^−24 become ±0, and
// NaNs stay (quiet) NaNs.
func Float32ToF16(f float32) uint16 {
	u := math.Float32bits(f)
	sign := uint16(u>>16) & 0x8000
	a := math.Abs(float64(f))
	switch {
	case math.IsNaN(a):
		return sign | 0x7e00 | uint16((u>>13)&0x3ff)
	case a >= 65520: // halfway between 65504 and 2^16 rounds (to even) up to Inf.
		return sign | 0x7c00
	case a < 1.0/(1<<14): // subnormal range: units of 2^−24, exact scaling in float64.
		// A result of 1024 is the smallest normal number, whose bit
		// pattern 0x0400 is the same integer, so no special case.
		return sign | uint16(math.RoundToEven(a*(1<<24)))
	}
	frac, exp := math.Frexp(a) // a = frac·2^exp, frac in [0.5, 1)
	e := exp - 1 + 15          // biased exponent of a = (2·frac)·2^(exp−1)
	q := uint16(math.RoundToEven(frac * 2048))
	// q in [1024, 2048]; 2048 carries into the exponent, which the sum does.
	return sign | (uint16(e)<<10 + q - 1024)
}
