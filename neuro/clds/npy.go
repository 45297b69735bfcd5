package clds

import (
	"fmt"
	"math"
	"strconv"

	"github.com/neuronb/neuronb/neuro/npy"
	"gonum.org/v1/gonum/mat"
)

// DatasetFromArrays builds trials from an observation array y of shape
// (B, T, N) — or (T, N) for a single trial — and a condition array u of
// shape (B, T, M) or (B, T) — or (T, M) or (T,) — which may be nil when no
// parameter is a GP. A NaN anywhere in y's bin t marks the whole bin as
// missing; trials shorter than T are padded with NaN, and trailing
// all-missing bins are dropped. Trials are named by their index ("0",
// "1", ...), neurons and condition dimensions likewise. Errors name the
// array, trial and index.
func DatasetFromArrays(y, u *npy.Array) (*Dataset, error) {
	if y == nil {
		return nil, fmt.Errorf("clds: observations array is nil")
	}
	var B, T, N int
	switch len(y.Shape) {
	case 2:
		B, T, N = 1, y.Shape[0], y.Shape[1]
	case 3:
		B, T, N = y.Shape[0], y.Shape[1], y.Shape[2]
	default:
		return nil, fmt.Errorf("clds: observations have shape %v, want (trials, T, N) or (T, N)", y.Shape)
	}
	if B == 0 || T == 0 || N == 0 {
		return nil, fmt.Errorf("clds: observations have shape %v with an empty dimension", y.Shape)
	}
	M := 0
	if u != nil {
		s := u.Shape
		single := len(y.Shape) == 2
		switch {
		case single && len(s) == 1 && s[0] == T:
			M = 1
		case single && len(s) == 2 && s[0] == T:
			M = s[1]
		case !single && len(s) == 2 && s[0] == B && s[1] == T:
			M = 1
		case !single && len(s) == 3 && s[0] == B && s[1] == T:
			M = s[2]
		default:
			return nil, fmt.Errorf("clds: conditions have shape %v, which does not match observations %v (one condition per trial and time bin)", s, y.Shape)
		}
		if M == 0 {
			return nil, fmt.Errorf("clds: conditions have shape %v with no condition dimension", s)
		}
	}
	if len(y.Data) != B*T*N {
		return nil, fmt.Errorf("clds: observations have shape %v but %d values", y.Shape, len(y.Data))
	}
	if u != nil && len(u.Data) != B*T*M {
		return nil, fmt.Errorf("clds: conditions have shape %v but %d values", u.Shape, len(u.Data))
	}
	ds := &Dataset{Neurons: indexNames(N), Conditions: indexNames(M)}
	for b := 0; b < B; b++ {
		yb := y.Data[b*T*N : (b+1)*T*N]
		mask := make([]bool, T)
		last := -1
		anyMissing := false
		for t := 0; t < T; t++ {
			mask[t] = true
			for _, v := range yb[t*N : (t+1)*N] {
				if math.IsNaN(v) {
					mask[t] = false
				} else if math.IsInf(v, 0) {
					return nil, fmt.Errorf("clds: observations[%d,%d] hold %v", b, t, v)
				}
			}
			if mask[t] {
				last = t
			}
		}
		if last < 0 {
			return nil, fmt.Errorf("clds: trial %d has no observed bin", b)
		}
		Tb := last + 1
		for _, ok := range mask[:Tb] {
			anyMissing = anyMissing || !ok
		}
		tr := Trial{Y: mat.NewDense(Tb, N, append([]float64(nil), yb[:Tb*N]...))}
		if anyMissing {
			tr.Mask = mask[:Tb]
		}
		if u != nil {
			ub := u.Data[b*T*M : b*T*M+Tb*M]
			for k, v := range ub {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("clds: conditions of trial %d, bin %d, dimension %d hold %v", b, k/M, k%M, v)
				}
			}
			tr.U = mat.NewDense(Tb, M, append([]float64(nil), ub...))
		}
		ds.Trials = append(ds.Trials, tr)
		ds.TrialIDs = append(ds.TrialIDs, strconv.Itoa(b))
	}
	return ds, nil
}

// indexNames returns "0", "1", ..., "n−1".
func indexNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}

// LoadNPY reads observations and (optionally, uPath == "") conditions
// from two NumPy .npy files (package npy reads them); see
// DatasetFromArrays for the shapes.
func LoadNPY(yPath, uPath string) (*Dataset, error) {
	y, err := npy.Load(yPath)
	if err != nil {
		return nil, fmt.Errorf("clds: %w", err)
	}
	var u *npy.Array
	if uPath != "" {
		if u, err = npy.Load(uPath); err != nil {
			return nil, fmt.Errorf("clds: %w", err)
		}
	}
	return DatasetFromArrays(y, u)
}
