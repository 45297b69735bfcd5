package transformer

import (
	"math"
	"runtime"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// attention computes causal multi-head attention of the new positions'
// queries q [T, H, dh] over the keys and values K, V [keys, Hkv, dh] of all
// positions, writing z [T, H, dh]:
//
//	scores_h = q_h·K_{g(h)}ᵀ/√dh, masked to key positions ≤ query position,
//	pattern_h = softmax(scores_h),  z_h = pattern_h·V_{g(h)},
//
// where query head h uses key/value head g(h) = h / (H/Hkv) (grouped-query
// attention). Heads run in parallel. When hooks watch the scores or the
// pattern, the three stages run as separate passes so the hooks see (and
// may change) all heads at once.
func (r *pass) attention(l int, q, K, V []float32, sc *scratch) error {
	c := &r.m.cfg
	T, dh, H, Hkv := len(r.tokens), c.DHead, c.NHeads, c.NKVHeads
	keys := r.pos0 + T
	group := H / Hkv
	scale := float32(1 / math.Sqrt(float64(dh)))
	scores := sc.scores[:H*T*keys]
	z := sc.z[:T*H*dh]
	// The per-head products are small and run on all cores at once through
	// goroutines; gonum's pure-Go kernels suit that, while OpenBLAS's own
	// threads would contend with each other.
	impl := gonum.Implementation{}
	negInf := float32(math.Inf(-1))
	scoreHead := func(h int) {
		g := h / group
		s := scores[h*T*keys : (h+1)*T*keys]
		impl.Sgemm(blas.NoTrans, blas.Trans, T, keys, dh, scale, q[h*dh:], H*dh, K[g*dh:], Hkv*dh, 0, s, keys)
		for i := 0; i < T; i++ {
			row := s[i*keys : (i+1)*keys]
			for j := r.pos0 + i + 1; j < keys; j++ {
				row[j] = negInf
			}
		}
	}
	softmaxHead := func(h int) {
		s := scores[h*T*keys : (h+1)*T*keys]
		for i := 0; i < T; i++ {
			softmaxRow(s[i*keys : (i+1)*keys])
		}
	}
	mixHead := func(h int) {
		g := h / group
		p := scores[h*T*keys : (h+1)*T*keys]
		impl.Sgemm(blas.NoTrans, blas.NoTrans, T, dh, keys, 1, p, keys, V[g*dh:], Hkv*dh, 0, z[h*dh:], H*dh)
	}
	scoresSlot, patternSlot := blockSlot(l, kAttnScores), blockSlot(l, kPattern)
	if !r.active(scoresSlot) && !r.active(patternSlot) {
		forHeads(H, T*keys*dh, func(h int) {
			scoreHead(h)
			softmaxHead(h)
			mixHead(h)
		})
		return nil
	}
	forHeads(H, T*keys*dh, scoreHead)
	if err := r.fire(scoresSlot, scores, H, T, keys); err != nil {
		return err
	}
	forHeads(H, T*keys, softmaxHead)
	if err := r.fire(patternSlot, scores, H, T, keys); err != nil {
		return err
	}
	forHeads(H, T*keys*dh, mixHead)
	return nil
}

// forHeads runs f for h in [0, heads), spread over the cores when each head
// carries enough work.
func forHeads(heads, work int, f func(h int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers == 1 || heads == 1 || heads*work < 1<<14 {
		for h := 0; h < heads; h++ {
			f(h)
		}
		return
	}
	parallelRange(heads, workers, 1, func(lo, hi int) {
		for h := lo; h < hi; h++ {
			f(h)
		}
	})
}
