package spikes

import (
	"fmt"
	"math"
	"slices"

	"github.com/neuronb/neuronb/neuro/parallel"
)

// Kernel is a filter in samples, applied as a correlation:
//
//	y_i = Σ_k Weights[k] · x_{i + k − Origin},
//
// the convention of scipy.ndimage.correlate1d and of pandas' rolling
// windows (for the symmetric kernels built here it equals convolution).
type Kernel struct {
	Weights []float64
	Origin  int
}

// GaussianKernel returns scipy.ndimage.gaussian_filter1d's kernel for a
// standard deviation of sigma samples: w_k ∝ exp(−x²/(2σ²)) for
// x = −r, …, r with radius r = ⌊truncate·σ + ½⌋, normalised to sum 1, and
// Origin r. truncate = 0 means scipy's default, 4.
func GaussianKernel(sigma, truncate float64) (Kernel, error) {
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return Kernel{}, fmt.Errorf("spikes: GaussianKernel: sigma = %v samples, want a finite positive value", sigma)
	}
	if truncate == 0 {
		truncate = 4
	}
	if !(truncate > 0) || math.IsInf(truncate, 0) {
		return Kernel{}, fmt.Errorf("spikes: GaussianKernel: truncate = %v, want a finite positive value", truncate)
	}
	r := int(truncate*sigma + 0.5)
	if r > 1<<20 {
		return Kernel{}, fmt.Errorf("spikes: GaussianKernel: radius %d samples is too long (sigma %v, truncate %v)", r, sigma, truncate)
	}
	w := make([]float64, 2*r+1)
	var sum float64
	for k := range w {
		x := float64(k - r)
		w[k] = math.Exp(-0.5 * x * x / (sigma * sigma))
		sum += w[k]
	}
	for k := range w {
		w[k] /= sum
	}
	return Kernel{Weights: w, Origin: r}, nil
}

// GaussianWindow returns the m-sample Gaussian window of
// scipy.signal.windows.gaussian(m, std) (std in samples), w_n ∝
// exp(−½((n − (m−1)/2)/std)²), normalised to sum 1, centred as pandas'
// rolling(m, win_type="gaussian", center=True) centres it: Origin = ⌊m/2⌋.
// pynapple's Tsd.smooth and the CLDS paper's preprocessing use this window
// (the paper: m = 4, std = 4 bins, with EdgeRenormalize as pandas'
// min_periods=1 mean).
func GaussianWindow(m int, std float64) (Kernel, error) {
	if m < 1 || m > 1<<21 {
		return Kernel{}, fmt.Errorf("spikes: GaussianWindow: m = %d samples, want 1 … %d", m, 1<<21)
	}
	if !(std > 0) || math.IsInf(std, 0) {
		return Kernel{}, fmt.Errorf("spikes: GaussianWindow: std = %v samples, want a finite positive value", std)
	}
	w := make([]float64, m)
	var sum float64
	c := float64(m-1) / 2
	for n := range w {
		x := (float64(n) - c) / std
		w[n] = math.Exp(-0.5 * x * x)
		sum += w[n]
	}
	for n := range w {
		w[n] /= sum
	}
	return Kernel{Weights: w, Origin: m / 2}, nil
}

// Edge says how Convolve extends a series past the ends of each support
// interval. The names and behaviour are scipy.ndimage's modes, plus
// EdgeRenormalize.
type Edge int

const (
	// EdgeReflect (the zero value, scipy's default "reflect") mirrors about
	// the edge sample's outer side: (d c b a | a b c d | d c b a).
	EdgeReflect Edge = iota
	// EdgeConstant pads with zeros (scipy "constant" with cval 0): what
	// pynapple's smooth and np.convolve(x, w, "same") do; rates sag near
	// the edges.
	EdgeConstant
	// EdgeNearest repeats the edge sample: (a a a a | a b c d | d d d d).
	EdgeNearest
	// EdgeMirror mirrors about the edge sample: (d c b | a b c d | c b a).
	EdgeMirror
	// EdgeWrap wraps around: (a b c d | a b c d | a b c d).
	EdgeWrap
	// EdgeRenormalize uses only the samples inside the interval, skipping
	// NaN values, and rescales their weights to the kernel's total: for a
	// kernel summing to 1, a weighted mean of the available samples
	// (pandas' rolling mean with min_periods=1). A sample with no finite
	// neighbour in reach is NaN.
	EdgeRenormalize
)

var edgeNames = [...]string{"reflect", "constant", "nearest", "mirror", "wrap", "renormalize"}

// String returns scipy's name of the mode ("reflect", …, "renormalize").
func (e Edge) String() string {
	if e >= 0 && int(e) < len(edgeNames) {
		return edgeNames[e]
	}
	return fmt.Sprintf("Edge(%d)", int(e))
}

// Convolve filters every column with k, separately within each support
// interval, extending each interval's samples past its ends as edge says;
// the times and support are unchanged. NaN values propagate except under
// EdgeRenormalize, which skips them.
func (s *Tsd) Convolve(k Kernel, edge Edge) (*Tsd, error) {
	if len(k.Weights) == 0 {
		return nil, fmt.Errorf("spikes: Convolve: the kernel has no weights")
	}
	if k.Origin < 0 || k.Origin >= len(k.Weights) {
		return nil, fmt.Errorf("spikes: Convolve: kernel Origin %d is outside its %d weights", k.Origin, len(k.Weights))
	}
	for i, w := range k.Weights {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("spikes: Convolve: kernel Weights[%d] = %v is not finite", i, w)
		}
	}
	if edge < EdgeReflect || edge > EdgeRenormalize {
		return nil, fmt.Errorf("spikes: Convolve: unknown edge mode %d", edge)
	}
	c := len(s.cols)
	out := &Tsd{t: s.t, v: make([]float64, len(s.v)), cols: s.cols, support: s.support}
	type span struct{ lo, hi int }
	var spans []span
	for i := 0; i < s.support.Len(); i++ {
		lo, hi := s.support.rangeOf(s.t, i)
		if hi > lo {
			spans = append(spans, span{lo, hi})
		}
	}
	jobs := len(spans) * c
	w := parallel.Workers(0)
	bufs := make([][2][]float64, w)
	parallel.For(jobs, w, func(worker, job int) {
		sp, j := spans[job/c], job%c
		n := sp.hi - sp.lo
		b := &bufs[worker]
		if cap(b[0]) < n {
			b[0], b[1] = make([]float64, n), make([]float64, n)
		}
		x, y := b[0][:n], b[1][:n]
		for i := range x {
			x[i] = s.v[(sp.lo+i)*c+j]
		}
		correlate(x, y, k, edge)
		for i, v := range y {
			out.v[(sp.lo+i)*c+j] = v
		}
	})
	return out, nil
}

// correlate writes the correlation of x with k into y under edge.
func correlate(x, y []float64, k Kernel, edge Edge) {
	n := len(x)
	var total float64
	for _, w := range k.Weights {
		total += w
	}
	for i := range y {
		var acc, wsum float64
		first := i - k.Origin
		// The inner part, where every index is inside x, needs no mapping.
		lo, hi := max(0, -first), min(len(k.Weights), n-first)
		if edge == EdgeRenormalize {
			for q := lo; q < hi; q++ {
				if v := x[first+q]; !math.IsNaN(v) {
					acc += k.Weights[q] * v
					wsum += k.Weights[q]
				}
			}
			if wsum == 0 {
				y[i] = math.NaN()
			} else {
				y[i] = acc * total / wsum
			}
			continue
		}
		for q := lo; q < hi; q++ {
			acc += k.Weights[q] * x[first+q]
		}
		if edge != EdgeConstant {
			for q := 0; q < lo; q++ {
				acc += k.Weights[q] * x[extend(first+q, n, edge)]
			}
			for q := max(hi, lo); q < len(k.Weights); q++ {
				acc += k.Weights[q] * x[extend(first+q, n, edge)]
			}
		}
		y[i] = acc
	}
}

// extend maps an index outside [0, n) to the sample the mode repeats there.
func extend(i, n int, edge Edge) int {
	switch edge {
	case EdgeNearest:
		return min(max(i, 0), n-1)
	case EdgeWrap:
		return ((i % n) + n) % n
	case EdgeMirror:
		if n == 1 {
			return 0
		}
		p := 2*n - 2
		i = ((i % p) + p) % p
		if i >= n {
			i = p - i
		}
		return i
	default: // EdgeReflect
		p := 2 * n
		i = ((i % p) + p) % p
		if i >= n {
			i = p - 1 - i
		}
		return i
	}
}

// Smooth filters every column with a Gaussian of standard deviation std
// seconds: Convolve with GaussianKernel(std/Δ, 4), scipy's
// gaussian_filter1d, where Δ is the sampling interval (the bin width of
// binned counts). The series must be regularly sampled within its support
// intervals (row spacings within 1% of their median); edge says how each
// interval's ends are handled (EdgeReflect, scipy's default, keeps rates
// level at the ends; EdgeConstant is pynapple's zero padding).
func (s *Tsd) Smooth(std float64, edge Edge) (*Tsd, error) {
	if !(std > 0) || math.IsInf(std, 0) {
		return nil, fmt.Errorf("spikes: Smooth: std = %v s, want a finite positive value", std)
	}
	dt, err := s.sampling()
	if err != nil {
		return nil, fmt.Errorf("spikes: Smooth: %w", err)
	}
	k, err := GaussianKernel(std/dt, 4)
	if err != nil {
		return nil, fmt.Errorf("spikes: Smooth: %w", err)
	}
	return s.Convolve(k, edge)
}

// sampling returns the median spacing of rows within support intervals
// after checking that the spacing is regular.
func (s *Tsd) sampling() (float64, error) {
	var d []float64
	for i := 0; i < s.support.Len(); i++ {
		lo, hi := s.support.rangeOf(s.t, i)
		for r := lo + 1; r < hi; r++ {
			d = append(d, s.t[r]-s.t[r-1])
		}
	}
	if len(d) == 0 {
		return 0, fmt.Errorf("no support interval holds two samples, so the sampling interval is unknown")
	}
	med := slices.Clone(d)
	slices.Sort(med)
	dt := med[len(med)/2]
	if !(dt > 0) {
		return 0, fmt.Errorf("the median spacing of samples is %v s", dt)
	}
	for _, x := range d {
		if math.Abs(x-dt) > 0.01*dt {
			return 0, fmt.Errorf("samples are not regularly spaced (spacings %v and %v s); use Convolve with a kernel in samples", dt, x)
		}
	}
	return dt, nil
}
