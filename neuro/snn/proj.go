package snn

// proj is one projection (input, recurrent or readout) of pre → post
// units with its synaptic currents:
//
//	per synapse (syn):  I_ji[t] = ρ_ji·k_j[t]·I_ji[t−1] + w_ji·x_i[t],  v_j += Σ_i I_ji[t]
//	per neuron:         I_j[t]  = ρ_j·k_j[t]·I_j[t−1]  + Σ_i w_ji·x_i[t], v_j += I_j[t]
//
// with k_j[t] = 1 − z_j[t−1] under the Zero reset and 1 otherwise (keep =
// nil). The state I holds post×pre values (syn) or post values.
//
// x is dense, or binary with its ones listed in act (act != nil), which
// lets spikes skip the zero inputs.
type proj struct {
	pre, post int
	syn       bool
	w, rho    []float64
}

func (p *proj) size() int {
	if p.syn {
		return p.pre * p.post
	}
	return p.post
}

// forward advances I by one step and adds the projection's currents to v.
func (p *proj) forward(I, x []float64, act []int, keep, v []float64) {
	pre := p.pre
	if !p.syn {
		for j := 0; j < p.post; j++ {
			wr := p.w[j*pre : (j+1)*pre]
			a := p.rho[j]
			if keep != nil {
				a *= keep[j]
			}
			s := a * I[j]
			if act != nil {
				for _, i := range act {
					s += wr[i]
				}
			} else {
				for i, xi := range x[:pre] {
					s += wr[i] * xi
				}
			}
			I[j] = s
			v[j] += s
		}
		return
	}
	for j := 0; j < p.post; j++ {
		row := I[j*pre : (j+1)*pre]
		rr := p.rho[j*pre : (j+1)*pre]
		wr := p.w[j*pre : (j+1)*pre]
		rr, wr = rr[:len(row)], wr[:len(row)]
		k := 1.0
		if keep != nil {
			k = keep[j]
		}
		var s float64
		if act != nil {
			// Decay every current and sum, then add the weights of the
			// inputs that spiked (to the currents and to the sum).
			for i := range row {
				y := rr[i] * k * row[i]
				row[i] = y
				s += y
			}
			for _, i := range act {
				row[i] += wr[i]
				s += wr[i]
			}
		} else {
			x := x[:len(row)]
			for i := range row {
				y := rr[i]*k*row[i] + wr[i]*x[i]
				row[i] = y
				s += y
			}
		}
		v[j] += s
	}
}

// backward takes one step of the adjoint recursion at time t. On entry G
// holds the adjoint of I[t+1]; on exit that of I[t]:
//
//	G[t] = gv[t] + ρ·k[t+1]·G[t+1]
//
// and it accumulates, when the slices are non-nil,
//
//	dw   += G[t]·x[t]            drho += G[t]·k[t]·I[t−1]   (Iprev = I[t−1])
//	gx_i += Σ_j w_ji·G_j(i)[t]   gk_j += Σ_i G_ji[t]·ρ_ji·I_ji[t−1]
//
// gv is the adjoint of the post units' membranes at t, kNext = k[t+1] and
// kCur = k[t] (nil for 1).
func (p *proj) backward(G, gv, kNext, kCur, x []float64, act []int, Iprev, dw, drho, gx, gk []float64) {
	pre := p.pre
	if !p.syn {
		for j := 0; j < p.post; j++ {
			a := p.rho[j]
			if kNext != nil {
				a *= kNext[j]
			}
			g := gv[j] + a*G[j]
			G[j] = g
			kc := 1.0
			if kCur != nil {
				kc = kCur[j]
			}
			if Iprev != nil {
				drho[j] += g * kc * Iprev[j]
				if gk != nil {
					gk[j] += g * p.rho[j] * Iprev[j]
				}
			}
			if g == 0 {
				continue
			}
			dwr := dw[j*pre : (j+1)*pre]
			if act != nil {
				for _, i := range act {
					dwr[i] += g
				}
			} else {
				for i, xi := range x[:pre] {
					dwr[i] += g * xi
				}
			}
			if gx != nil {
				wr := p.w[j*pre : (j+1)*pre]
				gx := gx[:len(wr)]
				for i, wi := range wr {
					gx[i] += wi * g
				}
			}
		}
		return
	}
	for j := 0; j < p.post; j++ {
		row := G[j*pre : (j+1)*pre]
		rr := p.rho[j*pre : (j+1)*pre]
		wr := p.w[j*pre : (j+1)*pre]
		rr, wr = rr[:len(row)], wr[:len(row)]
		g := gv[j]
		kn, kc := 1.0, 1.0
		if kNext != nil {
			kn = kNext[j]
		}
		if kCur != nil {
			kc = kCur[j]
		}
		var hp, dr []float64
		if Iprev != nil {
			hp, dr = Iprev[j*pre:(j+1)*pre], drho[j*pre:(j+1)*pre]
			hp, dr = hp[:len(row)], dr[:len(row)]
		}
		// One fused pass per row for the common cases.
		switch {
		case hp != nil && gx != nil && gk == nil:
			gx := gx[:len(row)]
			for i := range row {
				gi := g + rr[i]*kn*row[i]
				row[i] = gi
				dr[i] += gi * kc * hp[i]
				gx[i] += wr[i] * gi
			}
		case hp != nil && gx == nil && gk == nil:
			for i := range row {
				gi := g + rr[i]*kn*row[i]
				row[i] = gi
				dr[i] += gi * kc * hp[i]
			}
		case hp == nil && gx != nil:
			gx := gx[:len(row)]
			for i := range row {
				gi := g + rr[i]*kn*row[i]
				row[i] = gi
				gx[i] += wr[i] * gi
			}
		case hp == nil:
			for i := range row {
				row[i] = g + rr[i]*kn*row[i]
			}
		default: // the Zero reset with a history
			var sk float64
			for i := range row {
				gi := g + rr[i]*kn*row[i]
				row[i] = gi
				dr[i] += gi * kc * hp[i]
				sk += gi * rr[i] * hp[i]
			}
			gk[j] += sk
			if gx != nil {
				gx := gx[:len(row)]
				for i, gi := range row {
					gx[i] += wr[i] * gi
				}
			}
		}
		dwr := dw[j*pre : (j+1)*pre]
		if act != nil {
			for _, i := range act {
				dwr[i] += row[i]
			}
		} else {
			dwr = dwr[:len(row)]
			x := x[:len(row)]
			for i, gi := range row {
				dwr[i] += gi * x[i]
			}
		}
	}
}

// tangent advances I by one step together with its forward-mode
// sensitivity to the decays, Q = ∂I/∂ρ holding x and k fixed,
//
//	Q[t] = k[t]·(ρ·Q[t−1] + I[t−1])
//
// and accumulates drho += gv[t]·Q[t]: since v_j[t] = Σ_i I_ji[t] + …, this
// sums to ∂L/∂ρ_ji = Σ_t gv_j[t]·Q_ji[t] without any history of I. Only
// per-synapse projections use it.
func (p *proj) tangent(I, Q, x []float64, act []int, keep, gv, drho []float64) {
	pre := p.pre
	for j := 0; j < p.post; j++ {
		row := I[j*pre : (j+1)*pre]
		q := Q[j*pre : (j+1)*pre]
		q = q[:len(row)]
		rr := p.rho[j*pre : (j+1)*pre]
		rr = rr[:len(row)]
		wr := p.w[j*pre : (j+1)*pre]
		dr := drho[j*pre : (j+1)*pre]
		dr = dr[:len(row)]
		k := 1.0
		if keep != nil {
			k = keep[j]
		}
		g := gv[j]
		for i, y := range row {
			qi := k * (rr[i]*q[i] + y)
			q[i] = qi
			row[i] = rr[i] * k * y
			dr[i] += g * qi
		}
		if act != nil {
			for _, i := range act {
				row[i] += wr[i]
			}
		} else {
			for i, xi := range x[:len(row)] {
				row[i] += wr[i] * xi
			}
		}
	}
}
