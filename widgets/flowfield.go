package widgets

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// maxGrid bounds each side of a flow-field grid (arrows beyond a few
// thousand are unreadable).
const maxGrid = 200

// FlowField draws a vector field over a 2-D state space as a static quiver
// plot: at grid point (x[j], y[i]) an arrow points along (u[i,j], v[i,j]),
// its length proportional to the speed √(u²+v²) with the fastest arrow
// 0.9 grid cells long, and a dot where the speed is zero. x and y are
// finite and strictly increasing; u and v are len(y) × len(x). NaN in u or
// v means "no value here" (a bin no trajectory visited, a state outside the
// model's domain): that grid point gets no arrow and no dot, and the text
// counts such points; ±Inf is an error. Use Figure.Plot to overlay
// trajectories or fixed points.
// Defaults: XLabel "x₁", YLabel "x₂".
func FlowField(x, y []float64, u, v mat.Matrix, o *Options) (*Figure, error) {
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	if err := checkGrid("x", x); err != nil {
		return nil, err
	}
	if err := checkGrid("y", y); err != nil {
		return nil, err
	}
	for _, m := range []struct {
		name string
		m    mat.Matrix
	}{{"u", u}, {"v", v}} {
		if m.m == nil {
			return nil, fmt.Errorf("widgets: FlowField: %s is nil", m.name)
		}
		rows, cols := m.m.Dims()
		if rows != len(y) || cols != len(x) {
			return nil, fmt.Errorf("widgets: FlowField: %s is %d×%d, want len(y)×len(x) = %d×%d", m.name, rows, cols, len(y), len(x))
		}
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				if val := m.m.At(i, j); math.IsInf(val, 0) {
					return nil, fmt.Errorf("widgets: FlowField: %s[%d,%d] = %v, want a finite value (or NaN for no arrow)", m.name, i, j, val)
				}
			}
		}
	}
	q := &quiver{x: x, y: y, u: mat.DenseCopyOf(u), v: mat.DenseCopyOf(v), colour: paletteColor(0)}
	p := newPlot(&r, "x₁", "x₂")
	p.Add(q)
	p.X.Padding, p.Y.Padding = vg.Points(4), vg.Points(4)
	text := fmt.Sprintf("FlowField: %d×%d arrows over %s in [%.4g, %.4g], %s in [%.4g, %.4g]",
		len(x), len(y), orDefault(r.XLabel, "x₁"), x[0], x[len(x)-1], orDefault(r.YLabel, "x₂"), y[0], y[len(y)-1])
	if missing := q.missing(); missing < len(x)*len(y) {
		text += fmt.Sprintf("; speed from %.4g to %.4g", q.minSpeed(), q.maxSpeed())
		if missing > 0 {
			text += fmt.Sprintf("; %d of %d grid points without a value (NaN, no arrow)", missing, len(x)*len(y))
		}
	} else {
		text += "; no grid point has a value (all NaN, no arrows)"
	}
	if r.Title != "" {
		text = fmt.Sprintf("%q %s", r.Title, text)
	}
	f := newStaticFigure("flowfield", &r, text, drawPlot(p))
	f.plot = p
	return f, nil
}

// FlowFieldFunc evaluates f on an n×n grid over [xmin, xmax] × [ymin, ymax]
// and draws it with FlowField. f(x, y) returns the velocity (dx/dt, dy/dt),
// for instance A·s + b of a linear dynamical system at state s = (x, y), or
// NaN where there is none (no arrow).
func FlowFieldFunc(f func(x, y float64) (u, v float64), xmin, xmax, ymin, ymax float64, n int, o *Options) (*Figure, error) {
	if f == nil {
		return nil, fmt.Errorf("widgets: FlowFieldFunc: f is nil")
	}
	if n < 2 || n > maxGrid {
		return nil, fmt.Errorf("widgets: FlowFieldFunc: n = %d, want 2..%d grid points per side", n, maxGrid)
	}
	if !(xmax > xmin) || !(ymax > ymin) || math.IsInf(xmax-xmin, 0) || math.IsInf(ymax-ymin, 0) {
		return nil, fmt.Errorf("widgets: FlowFieldFunc: range [%v, %v] × [%v, %v] is not finite and non-empty", xmin, xmax, ymin, ymax)
	}
	x, y := make([]float64, n), make([]float64, n)
	for k := range x {
		x[k] = xmin + (xmax-xmin)*float64(k)/float64(n-1)
		y[k] = ymin + (ymax-ymin)*float64(k)/float64(n-1)
	}
	u, v := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	for i := range y {
		for j := range x {
			a, b := f(x[j], y[i])
			u.Set(i, j, a)
			v.Set(i, j, b)
		}
	}
	return FlowField(x, y, u, v, o)
}

func checkGrid(name string, g []float64) error {
	if len(g) < 2 || len(g) > maxGrid {
		return fmt.Errorf("widgets: FlowField: %s has %d points, want 2..%d", name, len(g), maxGrid)
	}
	for i, val := range g {
		if math.IsNaN(val) || math.IsInf(val, 0) {
			return fmt.Errorf("widgets: FlowField: %s[%d] = %v, want a finite value", name, i, val)
		}
		if i > 0 && !(val > g[i-1]) {
			return fmt.Errorf("widgets: FlowField: %s is not strictly increasing at index %d", name, i)
		}
	}
	return nil
}

// quiver draws the arrows of a flow field.
type quiver struct {
	x, y   []float64
	u, v   *mat.Dense
	colour color.Color
}

// speeds calls fn with the speed at every grid point that has a value.
func (q *quiver) speeds(fn func(s float64)) {
	r, c := q.u.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if s := math.Hypot(q.u.At(i, j), q.v.At(i, j)); !math.IsNaN(s) {
				fn(s)
			}
		}
	}
}

// missing counts the grid points without a value (NaN in u or v).
func (q *quiver) missing() int {
	r, c := q.u.Dims()
	n := r * c
	q.speeds(func(float64) { n-- })
	return n
}

func (q *quiver) maxSpeed() float64 {
	m := 0.0
	q.speeds(func(s float64) { m = math.Max(m, s) })
	return m
}

func (q *quiver) minSpeed() float64 {
	m := math.Inf(1)
	q.speeds(func(s float64) { m = math.Min(m, s) })
	return m
}

// DataRange implements plot.DataRanger: the grid plus half a cell.
func (q *quiver) DataRange() (xmin, xmax, ymin, ymax float64) {
	dx := (q.x[len(q.x)-1] - q.x[0]) / float64(len(q.x)-1) / 2
	dy := (q.y[len(q.y)-1] - q.y[0]) / float64(len(q.y)-1) / 2
	return q.x[0] - dx, q.x[len(q.x)-1] + dx, q.y[0] - dy, q.y[len(q.y)-1] + dy
}

func (q *quiver) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	// Arrow lengths are set in canvas space: the fastest arrow spans 0.9 of
	// the smaller grid spacing, directions follow the axes' own scales.
	cell := math.Min(
		float64(trX(q.x[len(q.x)-1])-trX(q.x[0]))/float64(len(q.x)-1),
		float64(trY(q.y[len(q.y)-1])-trY(q.y[0]))/float64(len(q.y)-1))
	ms := q.maxSpeed()
	sty := draw.LineStyle{Color: q.colour, Width: vg.Points(0.9)}
	c.SetLineStyle(sty)
	for i, yv := range q.y {
		for j, xv := range q.x {
			px, py := trX(xv), trY(yv)
			u, v := q.u.At(i, j), q.v.At(i, j)
			s := math.Hypot(u, v)
			if math.IsNaN(s) {
				continue // no value: no arrow, no dot
			}
			if s == 0 || ms == 0 {
				c.Fill(dot(px, py, vg.Points(0.9)))
				continue
			}
			// Direction in canvas units: the data vector through the axes'
			// scales (finite differences of the transforms).
			dxc := float64(trX(xv+u*1e-6)-px) / 1e-6
			dyc := float64(trY(yv+v*1e-6)-py) / 1e-6
			norm := math.Hypot(dxc, dyc)
			if norm == 0 {
				continue
			}
			l := 0.9 * cell * s / ms
			ex, ey := dxc/norm*l, dyc/norm*l
			tip := vg.Point{X: px + vg.Length(ex), Y: py + vg.Length(ey)}
			var path vg.Path
			path.Move(vg.Point{X: px, Y: py})
			path.Line(tip)
			c.Stroke(path)
			// Head: two barbs at ±25° of length min(0.35 l, 4 pt).
			h := math.Min(0.35*l, 4)
			ang := math.Atan2(ey, ex)
			var head vg.Path
			for k, sgn := range []float64{1, -1} {
				a := ang + math.Pi - sgn*25*math.Pi/180
				pt := vg.Point{X: tip.X + vg.Length(h*math.Cos(a)), Y: tip.Y + vg.Length(h*math.Sin(a))}
				if k == 0 {
					head.Move(pt)
					head.Line(tip)
				} else {
					head.Line(pt)
				}
			}
			c.Stroke(head)
		}
	}
}

// dot is a small filled circle.
func dot(x, y, r vg.Length) vg.Path {
	var p vg.Path
	p.Move(vg.Point{X: x + r, Y: y})
	p.Arc(vg.Point{X: x, Y: y}, r, 0, 2*math.Pi)
	p.Close()
	return p
}
