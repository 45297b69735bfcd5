package transformer

import "math"

// layerNorm writes (x − mean)/√(var + ε)·w + b for each row of x (width d),
// accumulating the statistics in float64.
func layerNorm(x, y, w, b []float32, rows, d int, eps float64) {
	parallelRows(rows, d, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			xr, yr := x[r*d:(r+1)*d], y[r*d:(r+1)*d]
			var s float64
			for _, v := range xr {
				s += float64(v)
			}
			mean := s / float64(d)
			var ss float64
			for _, v := range xr {
				dv := float64(v) - mean
				ss += dv * dv
			}
			inv := 1 / math.Sqrt(ss/float64(d)+eps)
			for i, v := range xr {
				yr[i] = float32((float64(v)-mean)*inv)*w[i] + b[i]
			}
		}
	})
}

// rmsNorm writes x/√(mean(x²) + ε)·w for each row (Llama's RMSNorm, whose
// statistics the Transformers library keeps in float32; here float64).
func rmsNorm(x, y, w []float32, rows, d int, eps float64) {
	parallelRows(rows, d, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			xr, yr := x[r*d:(r+1)*d], y[r*d:(r+1)*d]
			var ss float64
			for _, v := range xr {
				ss += float64(v) * float64(v)
			}
			inv := float32(1 / math.Sqrt(ss/float64(d)+eps))
			for i, v := range xr {
				yr[i] = w[i] * (v * inv)
			}
		}
	})
}

// geluTanh is GELU's tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))),
// GPT-2's "gelu_new".
func geluTanh(x float32) float32 {
	v := float64(x)
	return float32(0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v))))
}

// geluErf is the exact GELU ½x(1 + erf(x/√2)).
func geluErf(x float32) float32 {
	v := float64(x)
	return float32(0.5 * v * (1 + math.Erf(v/math.Sqrt2)))
}

// silu is x·σ(x).
func silu(x float32) float32 { return float32(float64(x) / (1 + math.Exp(-float64(x)))) }

func activation(name string) func(float32) float32 {
	switch name {
	case "gelu_new", "gelu_pytorch_tanh", "gelu_fast":
		return geluTanh
	case "gelu":
		return geluErf
	case "silu", "swish":
		return silu
	}
	panic("transformer: unvalidated activation " + name)
}

// softmaxRow replaces row by exp(row − max)/Σ exp(row − max); entries of −Inf
// become 0.
func softmaxRow(row []float32) {
	mx := float32(math.Inf(-1))
	for _, v := range row {
		mx = max(mx, v)
	}
	var s float64
	for i, v := range row {
		e := math.Exp(float64(v - mx))
		row[i] = float32(e)
		s += e
	}
	inv := float32(1 / s)
	for i := range row {
		row[i] *= inv
	}
}

// addInto adds src to dst element-wise.
func addInto(dst, src []float32) {
	for i, v := range src {
		dst[i] += v
	}
}
