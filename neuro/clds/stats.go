package clds

// regression holds the expected sufficient statistics of one conditional
// regression target_t ≈ Wᵀ z_t with z_t = [f_t ⊗ x_t ; g_t] (f, g feature
// vectors of the matrix and offset parameters):
//
//	ZZ = Σ E[z zᵀ]  (P×P, upper triangle accumulated)
//	ZY = Σ E[z targetᵀ]  (P×K)
//	YY = Σ E[target targetᵀ]  (K×K)
//	K  = number of terms
//
// Row index of W: l·D + i for feature l of the matrix part and input i,
// then LD + l for the offset part.
type regression struct {
	p, k   int
	zz, zy []float64
	yy     []float64
	n      float64
	// The f⊗x block of ZZ is accumulated compactly as one weighted Gram
	// matrix per pair i <= j of latent indices, kron[pair][ka][la] =
	// Σ_t f_ka f_la E[x_i x_j] (upper triangle in ka, la), and scattered
	// into zz by symmetrize: contiguous inner loops, and only the unique
	// entries of two symmetric factors.
	lf, d int
	kron  []float64
}

func newRegression(p, k, lf, d int) *regression {
	return &regression{p: p, k: k, zz: make([]float64, p*p), zy: make([]float64, p*k), yy: make([]float64, k*k),
		lf: lf, d: d, kron: make([]float64, d*(d+1)/2*lf*lf)}
}

func (r *regression) reset() {
	clear(r.zz)
	clear(r.zy)
	clear(r.yy)
	clear(r.kron)
	r.n = 0
}

func (r *regression) add(o *regression) {
	for i, v := range o.zz {
		r.zz[i] += v
	}
	for i, v := range o.kron {
		r.kron[i] += v
	}
	for i, v := range o.zy {
		r.zy[i] += v
	}
	for i, v := range o.yy {
		r.yy[i] += v
	}
	r.n += o.n
}

// symmetrize scatters the compact f⊗x block into zz and copies the
// accumulated upper triangle of zz to the lower.
func (r *regression) symmetrize() {
	p, d, lf := r.p, r.d, r.lf
	pair := 0
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			g := r.kron[pair*lf*lf : (pair+1)*lf*lf]
			for ka := 0; ka < lf; ka++ {
				for la := ka; la < lf; la++ {
					v := g[ka*lf+la]
					r.zz[(ka*d+i)*p+la*d+j] = v
					r.zz[(ka*d+j)*p+la*d+i] = v
				}
			}
			pair++
		}
	}
	p = r.p
	for i := 0; i < p; i++ {
		for j := i + 1; j < p; j++ {
			r.zz[j*p+i] = r.zz[i*p+j]
		}
	}
}

// addZZ adds the upper triangle of E[z zᵀ] for z = [f ⊗ x ; g], given the
// mean m and second moment s = E[x xᵀ] (D×D) of x.
func (r *regression) addZZ(f, g, m, s []float64, d int) {
	p := r.p
	zz := r.zz
	lf := len(f)
	off := lf * d
	pair := 0
	for i := 0; i < d && lf > 0; i++ {
		for j := i; j < d; j++ {
			sij := s[i*d+j]
			g := r.kron[pair*lf*lf : (pair+1)*lf*lf]
			for ka, fa := range f {
				c := fa * sij
				row := g[ka*lf+ka : ka*lf+lf]
				for l, fl := range f[ka:] {
					row[l] += c * fl
				}
			}
			pair++
		}
	}
	for ka, fa := range f {
		if fa == 0 {
			continue
		}
		for i := 0; i < d; i++ {
			wm := fa * m[i]
			row := zz[(ka*d+i)*p+off : (ka*d+i)*p+off+len(g)]
			for lb, gb := range g {
				row[lb] += wm * gb
			}
		}
	}
	for ka, ga := range g {
		row := zz[(off+ka)*p+off : (off+ka)*p+off+len(g)]
		for lb := ka; lb < len(g); lb++ {
			row[lb] += ga * g[lb]
		}
	}
}

// addZY adds E[z targetᵀ] for z = [f ⊗ x ; g], given E[x targetᵀ] (D×K)
// and E[target] (K).
func (r *regression) addZY(f, g, xy, ey []float64, d int) {
	k := r.k
	zy := r.zy
	for ka, fa := range f {
		if fa == 0 {
			continue
		}
		for i := 0; i < d; i++ {
			row := zy[(ka*d+i)*k : (ka*d+i)*k+k]
			src := xy[i*k : i*k+k]
			for j, v := range src {
				row[j] += fa * v
			}
		}
	}
	off := len(f) * d
	for lb, gb := range g {
		row := zy[(off+lb)*k : (off+lb)*k+k]
		for j, v := range ey {
			row[j] += gb * v
		}
	}
}

// addYY adds a K×K second moment.
func (r *regression) addYY(yy []float64) {
	for i, v := range yy {
		r.yy[i] += v
	}
}

// stats are the E-step statistics of all three regressions plus the
// marginal log-likelihood of the parameters they were computed under.
type stats struct {
	dyn, emi, ini *regression
	ll            float64
}

func (s *stats) reset() {
	s.dyn.reset()
	s.emi.reset()
	s.ini.reset()
	s.ll = 0
}

func (s *stats) add(o *stats) {
	s.dyn.add(o.dyn)
	s.emi.add(o.emi)
	s.ini.add(o.ini)
	s.ll += o.ll
}
