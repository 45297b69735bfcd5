package multilingual

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// rowBlocks is the number of row blocks the causal triangle of a head's
// attention is cut into: block b needs only the keys up to its last row,
// so the products cover (1 + 1/rowBlocks)/2 of the square.
const rowBlocks = 8

// runScores scores the Q units of query head j.head, or the K units of
// key/value head j.head, of layer j.layer: for each unit, the scores of
// the heads it feeds lose the unit's term ΔS, the pattern is re-softmaxed,
// and the change of the attention output is
//
//	ΔY = Σ_h (A′_h − A_h)·V_g·W_O,h,   ‖ΔY‖_F = ‖Σ_h (A′_h − A_h)·V_g·L_h‖_F
//
// with L_h·L_hᵀ = W_O,h·W_O,hᵀ (the group's L when several heads share
// the keys), so that W_O is applied as a DHead×DHead matrix.
func (s *Scorer) runScores(j job, a *acts, out [NumComponents][]float64) {
	c, l, T := s.cfg, j.layer, a.T
	dh, H, Hkv := c.DHead, c.NHeads, c.NKVHeads
	group := H / Hkv
	heads := []int{j.head}
	g := j.head / group
	if j.comp == K {
		g, heads = j.head, nil
		for h := j.head * group; h < (j.head+1)*group; h++ {
			heads = append(heads, h)
		}
	}
	// Attention patterns A_h in float64 from the cached scores.
	pattern := make([][]float64, len(heads))
	for hi, h := range heads {
		pattern[hi] = make([]float64, T*T)
		for p := 0; p < T; p++ {
			softmax(a.scores[l][(h*T+p)*T:(h*T+p)*T+p+1], pattern[hi][p*T:p*T+p+1])
		}
	}
	// The values, times the head's L when one head is affected.
	vg := make([]float64, T*dh)
	for t := 0; t < T; t++ {
		copy(vg[t*dh:(t+1)*dh], a.v[l][(t*Hkv+g)*dh:(t*Hkv+g+1)*dh])
	}
	var lg *mat.Dense
	if len(heads) == 1 {
		var vt mat.Dense
		vt.Mul(mat.NewDense(T, dh, vg), s.layers[l].lHead[heads[0]])
		vg = vt.RawMatrix().Data
	} else {
		lg = s.layers[l].lGroup[g]
	}
	ss := make([]float64, dh)
	ds := make([]float64, T)
	nr := (T + rowBlocks - 1) / rowBlocks
	for r0 := 0; r0 < T; r0 += nr {
		r1 := min(T, r0+nr)
		rows := r1 - r0
		var xs []blas64.General
		for hi, h := range heads {
			d := blas64.General{Rows: dh * rows, Cols: r1, Stride: r1, Data: make([]float64, dh*rows*r1)}
			for i := 0; i < dh; i++ {
				for p := r0; p < r1; p++ {
					s.deltaScores(j.comp, a, l, h, g, i, p, ds[:p+1])
					row := d.Data[(i*rows+p-r0)*r1 : (i*rows+p-r0)*r1+p+1]
					resoftmaxDelta(a.scores[l][(h*T+p)*T:(h*T+p)*T+p+1], pattern[hi][p*T:p*T+p+1], ds[:p+1], row)
					if s.method == ReleasedCode {
						ss[i] += dot(row, row)
					}
				}
			}
			if s.method == ReleasedCode {
				continue
			}
			x := blas64.General{Rows: dh * rows, Cols: dh, Stride: dh, Data: make([]float64, dh*rows*dh)}
			blas64.Implementation().Dgemm(blas.NoTrans, blas.NoTrans, dh*rows, dh, r1, 1, d.Data, r1, vg, dh, 0, x.Data, dh)
			xs = append(xs, x)
		}
		if s.method == ReleasedCode {
			continue
		}
		if lg == nil {
			for i := 0; i < dh; i++ {
				blk := xs[0].Data[i*rows*dh : (i+1)*rows*dh]
				ss[i] += dot(blk, blk)
			}
			continue
		}
		// Several heads: concatenate their rows and apply the group's L.
		cat := make([]float64, len(heads)*dh)
		y := mat.NewVecDense(len(heads)*dh, nil)
		for i := 0; i < dh; i++ {
			for r := 0; r < rows; r++ {
				for hi := range heads {
					copy(cat[hi*dh:(hi+1)*dh], xs[hi].Data[(i*rows+r)*dh:(i*rows+r+1)*dh])
				}
				y.MulVec(lg.T(), mat.NewVecDense(len(cat), cat))
				ss[i] += mat.Dot(y, y)
			}
		}
	}
	for i := 0; i < dh; i++ {
		v := math.Sqrt(ss[i])
		if s.method == ReleasedCode {
			v = ss[i]
		}
		out[j.comp][j.head*dh+i] = v
	}
}

// deltaScores writes into ds[t], t ≤ p, the term that deactivating unit i
// (of the query head h for Q, of the key/value head g for K) removes from
// head h's score of query p for key t. The unit is a coordinate before
// the rotary embedding R, so with q′ = R_p·q and k′ = R_t·k the score
// q′·k′/√d_head = q·R_pᵀ·k′/√d_head loses
//
//	Q unit:  q_i[p]·(R_pᵀ·k′[t])_i/√d_head,   K unit:  k_i[t]·(R_tᵀ·q′[p])_i/√d_head;
//
// without rotary embeddings (GPT-2) both are q_i[p]·k_i[t]/√d_head, the
// PLND form ΔS_k = Q[:, k]·K[:, k]ᵀ/√d_k.
func (s *Scorer) deltaScores(comp Component, a *acts, l, h, g, i, p int, ds []float64) {
	c := s.cfg
	dh, H, Hkv := c.DHead, c.NHeads, c.NKVHeads
	half := dh / 2
	scale := float64(float32(1 / math.Sqrt(float64(dh))))
	pair, j := i+half, i
	if i >= half {
		pair, j = i-half, i-half
	}
	// rotT applies R_posᵀ to coordinate i of x (x_i, x_pair).
	rotT := func(pos int, xi, xpair float64) float64 {
		if i < half {
			return a.cos[pos][j]*xi + a.sin[pos][j]*xpair
		}
		return -a.sin[pos][j]*xpair + a.cos[pos][j]*xi
	}
	llama := a.cos != nil
	if comp == Q {
		qi := a.q[l][(p*H+h)*dh+i] * scale
		for t := range ds {
			kb := (t*Hkv + g) * dh
			if llama {
				ds[t] = qi * rotT(p, a.rk[l][kb+i], a.rk[l][kb+pair])
			} else {
				ds[t] = qi * a.k[l][kb+i]
			}
		}
		return
	}
	qb := (p*H + h) * dh
	for t := range ds {
		ki := a.k[l][(t*Hkv+g)*dh+i] * scale
		if llama {
			ds[t] = ki * rotT(t, a.rq[l][qb+i], a.rq[l][qb+pair])
		} else {
			ds[t] = ki * a.q[l][qb+i]
		}
	}
}

// softmax writes softmax(x) into out.
func softmax(x, out []float64) {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	sum := 0.0
	for t, v := range x {
		out[t] = math.Exp(v - m)
		sum += out[t]
	}
	for t := range out {
		out[t] /= sum
	}
}

// resoftmaxDelta writes softmax(scores − ds) − pattern into out.
func resoftmaxDelta(scores, pattern, ds, out []float64) {
	m := math.Inf(-1)
	for t, v := range scores {
		if x := v - ds[t]; x > m {
			m = x
		}
	}
	sum := 0.0
	for t, v := range scores {
		out[t] = math.Exp(v - ds[t] - m)
		sum += out[t]
	}
	for t := range out {
		out[t] = out[t]/sum - pattern[t]
	}
}
