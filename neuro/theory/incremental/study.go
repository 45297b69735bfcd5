package incremental

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/replicates"
)

// NormSettings configures ImplicitBias. A nil *NormSettings means every
// default.
type NormSettings struct {
	// Seeds is the number of replicates per size; 0 means 40.
	Seeds int
	// Seed: replicate r at size n draws its data and initialisation from
	// PCG(Seed, n<<32 | r).
	Seed uint64
	// WidthFactor sets the width m = ⌈WidthFactor · ln n / ln(4/3)⌉, a
	// multiple of the union-bound threshold for interpolation; 0 means 2.
	WidthFactor float64
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	Workers int
}

// NormStudy is the norm of the interpolator the λ → 0 limit learns,
// against the number of points.
type NormStudy struct {
	// Sizes are the n values (the x axis of a chart) and Widths the m
	// used at each.
	Sizes  []float64 `json:"sizes"`
	Widths []int     `json:"widths"`
	// Norm2[k][r] and MinNorm2[k][r] are the learned and the minimum
	// squared norms of replicate r at Sizes[k]; Interpolates[k][r] says
	// whether the limit process fitted every point (the summaries below
	// use only those replicates).
	Norm2        [][]float64 `json:"norm2"`
	MinNorm2     [][]float64 `json:"min_norm2"`
	Interpolates [][]bool    `json:"interpolates"`
	// PerRootN summarises ‖θ∞‖²/√n, MinPerRootN the minimum norm's, and
	// Ratio ‖θ∞‖² over the minimum, at each size.
	PerRootN    []replicates.Summary `json:"per_root_n"`
	MinPerRootN []replicates.Summary `json:"min_per_root_n"`
	Ratio       []replicates.Summary `json:"ratio"`
}

// ImplicitBias runs the limit process (Predict) on Seeds draws of
// SampleData(n, n) and InitNet(m, n) at every size n and summarises the
// learned squared norm against √n and against the minimum-norm
// interpolator.
func ImplicitBias(sizes []int, s *NormSettings) (*NormStudy, error) {
	var set NormSettings
	if s != nil {
		set = *s
	}
	if set.Seeds == 0 {
		set.Seeds = 40
	}
	if set.WidthFactor == 0 {
		set.WidthFactor = 2
	}
	if set.Seeds < 2 || !(set.WidthFactor > 0) {
		return nil, fmt.Errorf("incremental: ImplicitBias: Seeds = %d, WidthFactor = %v; want at least 2 seeds and a positive factor", set.Seeds, set.WidthFactor)
	}
	st := &NormStudy{}
	for _, n := range sizes {
		if n < 2 {
			return nil, fmt.Errorf("incremental: ImplicitBias: size n = %d, want n ≥ 2", n)
		}
		m := int(math.Ceil(set.WidthFactor * math.Log(float64(n)) / math.Log(4.0/3)))
		norm2, minNorm2 := make([]float64, set.Seeds), make([]float64, set.Seeds)
		interp := make([]bool, set.Seeds)
		err := parallel.ForErr(set.Seeds, set.Workers, func(_, r int) error {
			rng := rand.New(rand.NewPCG(set.Seed, uint64(n)<<32|uint64(r)))
			data, err := SampleData(rng, n, n, nil)
			if err != nil {
				return err
			}
			net, err := InitNet(rng, m, n, 0.5)
			if err != nil {
				return err
			}
			p, err := Predict(data, net)
			if err != nil {
				return err
			}
			norm2[r], minNorm2[r], interp[r] = p.Norm2, p.MinNorm2, p.Interpolates()
			return nil
		})
		if err != nil {
			return nil, err
		}
		var per, minPer, ratio []float64
		for r := range norm2 {
			if interp[r] {
				per = append(per, norm2[r]/math.Sqrt(float64(n)))
				minPer = append(minPer, minNorm2[r]/math.Sqrt(float64(n)))
				ratio = append(ratio, norm2[r]/minNorm2[r])
			}
		}
		sums := make([]replicates.Summary, 3)
		for k, xs := range [][]float64{per, minPer, ratio} {
			if sums[k], err = replicates.Summarize(xs); err != nil {
				return nil, fmt.Errorf("incremental: ImplicitBias at n = %d (%d of %d replicates interpolate): %w", n, len(per), set.Seeds, err)
			}
		}
		st.Sizes, st.Widths = append(st.Sizes, float64(n)), append(st.Widths, m)
		st.Norm2, st.MinNorm2, st.Interpolates = append(st.Norm2, norm2), append(st.MinNorm2, minNorm2), append(st.Interpolates, interp)
		st.PerRootN, st.MinPerRootN, st.Ratio = append(st.PerRootN, sums[0]), append(st.MinPerRootN, sums[1]), append(st.Ratio, sums[2])
	}
	return st, nil
}

// ScaleStudy compares gradient descent with the λ → 0 limit on several
// seeds and initialisation scales.
type ScaleStudy struct {
	// Scales are the λ values, LogInvScales their log(1/λ) (an x axis) and
	// Seeds the replicates.
	Scales       []float64 `json:"scales"`
	LogInvScales []float64 `json:"log_inv_scales"`
	Seeds        []uint64  `json:"seeds"`
	// Predicted[r] is the limit's ‖θ∞‖² for seed r; Norm2[k][r] is
	// gradient descent's final ‖θ‖² at Scales[k]; NormRatio[k] summarises
	// Norm2[k][r]/Predicted[r] over seeds.
	Predicted []float64            `json:"predicted_norm2"`
	Norm2     [][]float64          `json:"norm2"`
	NormRatio []replicates.Summary `json:"norm_ratio"`
	// MaxScaledError[k][r] is the Comparison's largest |τ_GD − τ_pred|·
	// log(1/λ) over resolved jumps (factor 3) and MaxLogOffset[k][r] the
	// largest |τ_GD − τ_pred|·log(1/λ)·Rate over them (0 when no jump is
	// resolved; both −1 when a resolved jump's neuron never activated);
	// Resolved[k][r] counts the resolved jumps.
	MaxScaledError [][]float64 `json:"max_scaled_error"`
	MaxLogOffset   [][]float64 `json:"max_log_offset"`
	Resolved       [][]int     `json:"resolved"`
}

// ScaleSweep draws, for every seed r, SampleData(rng, n, n) and the
// initialisation directions of InitNet(rng, m, n, ·) from PCG(r, 0) (the
// same directions at every λ), runs Descend with s at every scale and
// compares it with Predict. Runs are spread over workers goroutines (0:
// runtime.GOMAXPROCS(0)); results do not depend on it.
func ScaleSweep(n, m int, scales []float64, seeds []uint64, s *Settings, workers int) (*ScaleStudy, error) {
	st := &ScaleStudy{Scales: scales, Seeds: seeds, Predicted: make([]float64, len(seeds))}
	for _, lambda := range scales {
		if err := checkScale(lambda); err != nil {
			return nil, err
		}
		st.LogInvScales = append(st.LogInvScales, -math.Log(lambda))
		st.Norm2 = append(st.Norm2, make([]float64, len(seeds)))
		st.MaxScaledError = append(st.MaxScaledError, make([]float64, len(seeds)))
		st.MaxLogOffset = append(st.MaxLogOffset, make([]float64, len(seeds)))
		st.Resolved = append(st.Resolved, make([]int, len(seeds)))
	}
	err := parallel.ForErr(len(scales)*len(seeds), workers, func(_, job int) error {
		k, r := job/len(seeds), job%len(seeds)
		rng := rand.New(rand.NewPCG(seeds[r], 0))
		data, err := SampleData(rng, n, n, nil)
		if err != nil {
			return err
		}
		net, err := InitNet(rng, m, n, scales[k])
		if err != nil {
			return err
		}
		p, err := Predict(data, net)
		if err != nil {
			return err
		}
		res, err := Descend(data, net, s)
		if err != nil {
			return fmt.Errorf("incremental: ScaleSweep seed %d, λ = %g: %w", seeds[r], scales[k], err)
		}
		c := p.Compare(res, 3)
		if k == 0 {
			st.Predicted[r] = p.Norm2 // the same at every scale
		}
		st.Norm2[k][r], st.MaxScaledError[k][r], st.Resolved[k][r] = res.Net.Norm2(), c.MaxScaledError, c.Resolved
		for _, jc := range c.Jumps {
			if jc.Resolved {
				st.MaxLogOffset[k][r] = math.Max(st.MaxLogOffset[k][r], math.Abs(jc.Measured-jc.Tau)*c.LogInvScale*jc.Rate)
			}
		}
		if math.IsInf(c.MaxScaledError, 1) || math.IsNaN(st.MaxLogOffset[k][r]) {
			st.MaxScaledError[k][r], st.MaxLogOffset[k][r] = -1, -1
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k := range scales {
		ratio := make([]float64, len(seeds))
		for r := range seeds {
			ratio[r] = st.Norm2[k][r] / st.Predicted[r]
		}
		sum, err := replicates.Summarize(ratio)
		if err != nil {
			return nil, err
		}
		st.NormRatio = append(st.NormRatio, sum)
	}
	return st, nil
}
