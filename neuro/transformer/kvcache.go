package transformer

import "fmt"

// KVCache holds, for every layer, the keys (after the rotary embedding) and
// values of the tokens a model has seen, so that a run on new tokens
// attends to the earlier ones without recomputing them. Layer l keeps
// K and V as [positions, NKVHeads, DHead]. A cache belongs to one model and
// one sequence; two models running side by side (a patched and a donor
// model) each keep their own. It also keeps the scratch memory of the runs
// that use it, so generation does not allocate per step. A KVCache is not
// safe for concurrent use.
type KVCache struct {
	m    *Model
	n    int // positions held
	cap  int // positions allocated
	k, v [][]float32
	sc   scratch
}

// NewKVCache returns an empty cache for m. It grows as tokens are added,
// up to the model's context length.
func (m *Model) NewKVCache() *KVCache {
	return &KVCache{m: m, k: make([][]float32, m.cfg.NLayers), v: make([][]float32, m.cfg.NLayers)}
}

// Len returns the number of positions held: the absolute position the next
// token will take.
func (c *KVCache) Len() int { return c.n }

// Reset empties the cache, keeping its memory.
func (c *KVCache) Reset() { c.n = 0 }

// Truncate keeps the first n positions, e.g. to branch generation from a
// shared prompt.
func (c *KVCache) Truncate(n int) error {
	if n < 0 || n > c.n {
		return fmt.Errorf("transformer: KVCache.Truncate(%d) outside [0, %d]", n, c.n)
	}
	c.n = n
	return nil
}

// Clone returns an independent copy holding the same positions.
func (c *KVCache) Clone() *KVCache {
	d := c.m.NewKVCache()
	d.reserve(c.n)
	w := c.m.cfg.NKVHeads * c.m.cfg.DHead
	for l := range c.k {
		copy(d.k[l], c.k[l][:c.n*w])
		copy(d.v[l], c.v[l][:c.n*w])
	}
	d.n = c.n
	return d
}

// reserve makes room for total positions, doubling the allocation.
func (c *KVCache) reserve(total int) {
	if total <= c.cap {
		return
	}
	newCap := max(total, 2*c.cap, 16)
	newCap = min(newCap, max(total, c.m.cfg.MaxPositions))
	w := c.m.cfg.NKVHeads * c.m.cfg.DHead
	for l := range c.k {
		k := make([]float32, newCap*w)
		v := make([]float32, newCap*w)
		copy(k, c.k[l][:c.n*w])
		copy(v, c.v[l][:c.n*w])
		c.k[l], c.v[l] = k, v
	}
	c.cap = newCap
}

// scratch is the working memory of one run.
type scratch struct {
	resid, norm, q, z, attnOut []float32
	pre, preLin, post, mlpOut  []float32
	scores                     []float32
}

func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n, n+n/4)
	}
	return buf[:n]
}

func (s *scratch) ensure(c *Config, rows, keys int) {
	d, q := c.DModel, c.NHeads*c.DHead
	s.resid = grow(s.resid, rows*d)
	s.norm = grow(s.norm, rows*d)
	s.q = grow(s.q, rows*q)
	s.z = grow(s.z, rows*q)
	s.attnOut = grow(s.attnOut, rows*d)
	s.pre = grow(s.pre, rows*c.DMLP)
	s.preLin = grow(s.preLin, rows*c.DMLP)
	s.post = grow(s.post, rows*c.DMLP)
	s.mlpOut = grow(s.mlpOut, rows*d)
	s.scores = grow(s.scores, c.NHeads*rows*keys)
}
