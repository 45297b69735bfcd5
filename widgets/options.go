package widgets

import (
	"fmt"
	"math"
)

// Default display sizes in CSS pixels (static figures are rasterised at twice
// this size and shown at this size, so they stay sharp on HiDPI screens).
const (
	DefaultWidth  = 720
	DefaultHeight = 400
	// DefaultMaxPoints is the number of points per series an interactive line
	// chart ships to the browser: about two per horizontal pixel of a
	// default-width chart, which is what the eye can resolve.
	DefaultMaxPoints = 2000
)

// ColorScale selects how values map to colours in heatmaps and scatter
// plots. The zero value means the chart's own default (Diverging for
// Heatmap, Sequential for Scatter).
type ColorScale int

const (
	// Diverging maps values symmetrically around zero, -max|v| blue through
	// near-white to +max|v| red (ColorBrewer RdBu, colour-blind safe). Use it
	// for signed matrices: dynamics matrices, differences, correlations.
	Diverging ColorScale = iota + 1
	// Sequential maps [min, max] onto viridis (perceptually uniform,
	// colour-blind safe). Use it for non-negative matrices such as
	// similarity or distance matrices, and for magnitudes.
	Sequential
	// Cyclic maps a periodic quantity (an angle, a phase, a time of day)
	// onto twilight, a perceptually uniform colour circle whose ends meet:
	// light at the start of the period, dark half-way, blue in the first
	// half and red in the second, so θ and -θ differ in hue and nearby
	// angles in lightness, which keeps angles 90° apart distinct under the
	// common colour-vision deficiencies (a rainbow hue wheel collapses).
	// Values are wrapped into Options.ColorRange, by default [0, 2π) for
	// angles in radians.
	Cyclic
	// Categorical colours the integer classes 0, 1, 2, … by Palette, with
	// a legend naming them by Options.Names. Use it for conditions, trial
	// types, clusters.
	Categorical
)

func (s ColorScale) String() string {
	switch s {
	case 0:
		return "default"
	case Diverging:
		return "diverging"
	case Sequential:
		return "sequential"
	case Cyclic:
		return "cyclic"
	case Categorical:
		return "categorical"
	}
	return fmt.Sprintf("ColorScale(%d)", int(s))
}

// Downsampler selects how long interactive series are reduced for display.
type Downsampler int

const (
	// LTTB keeps the points that preserve the visual shape
	// (Largest-Triangle-Three-Buckets, Steinarsson 2013).
	LTTB Downsampler = iota
	// MinMax keeps the minimum and maximum of each of MaxPoints/2 equal-width
	// x buckets, so the envelope (every extreme) survives exactly.
	MinMax
)

func (d Downsampler) String() string {
	switch d {
	case LTTB:
		return "LTTB"
	case MinMax:
		return "min/max per bucket"
	}
	return fmt.Sprintf("Downsampler(%d)", int(d))
}

// Options holds the presentation settings shared by every chart of the
// vocabulary. A nil *Options means all defaults; every field's zero value
// means its documented default.
type Options struct {
	// Title is drawn above the figure and names the output files outside a
	// notebook.
	Title string
	// XLabel and YLabel label the axes; each chart documents its default.
	XLabel, YLabel string
	// Names labels the series (lines, bands, spectra, eigenvalue sets,
	// histograms), the conditions (trajectories), the classes (Categorical
	// scatter) or the rows (raster, up to 40 rows). Missing names default to
	// "series 1", "condition 1", ….
	Names []string
	// Width and Height are the display size in CSS pixels.
	// Zero means DefaultWidth × DefaultHeight (or the chart's own default).
	Width, Height int
	// MaxPoints is the number of points per series that interactive line
	// charts send to the browser. Zero means DefaultMaxPoints; a negative
	// value sends every point. The caller's data are never modified; the
	// figure says when it shows fewer points than it was given.
	MaxPoints int
	// Downsample chooses the reduction used when a series is longer than
	// MaxPoints. The zero value is LTTB.
	Downsample Downsampler
	// Scale is the colour scale of Heatmap and Scatter. The zero value
	// means the chart's default: Diverging for Heatmap, Sequential for
	// Scatter.
	Scale ColorScale
	// ColorRange fixes the values at the two ends of a continuous colour
	// scale (values outside are clamped; Cyclic wraps them into it), for
	// instance to give every frame of a slider the same scale. Both zero
	// means automatic: the data's [min, max] (Sequential), ±max|v|
	// (Diverging) or [0, 2π) (Cyclic).
	ColorRange [2]float64
	// ColorLabel labels the colour bar (or the legend of a Categorical
	// scatter): what the colours mean, e.g. "heading θ (rad)".
	ColorLabel string
	// Dashed marks series drawn dashed: reference curves such as the ground
	// truth, the observations or a baseline, next to solid fits. Series
	// sharing a name share one colour and one legend entry, so naming a
	// reference like its fit pairs them (Lines, Bands, PSTH; missing
	// entries are solid).
	Dashed []bool
	// DashedLabel, if set, adds a legend entry, a black dashed line with
	// this text, saying what the dashed series are ("truth", "observed").
	DashedLabel string
	// Static asks Lines, Bands and PSTH for a static figure drawn by
	// gonum/plot (PNG, for saved paper figures; Figure.Plot allows adding
	// layers) instead of an interactive ECharts chart. Static line charts
	// draw every point (MaxPoints does not apply) and put their legend
	// beside the plot.
	Static bool
	// SVG asks static figures to carry an SVG rendering (fonts embedded, so
	// labels keep their positions in any viewer) in addition to the PNG.
	SVG bool
	// NoPicture leaves out the picture an interactive chart carries for
	// viewers that run no JavaScript (an untrusted notebook, GitHub's or
	// GitLab's notebook view, VS Code in restricted mode, a PDF export),
	// which then show the text description; the output is smaller by the
	// picture's size (tens of kB). By default every interactive chart
	// carries one, drawn by gonum/plot from the same ECharts option.
	NoPicture bool
	// LogX and LogY draw that axis of ErrorBars on a log scale.
	LogX, LogY bool
}

// maxSide bounds Width and Height so a typo cannot ask for a gigapixel
// raster (static figures are drawn at twice this size).
const maxSide = 4096

// resolved validates o and returns a copy with defaults filled in.
func (o *Options) resolved(defW, defH int) (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Width < 0 || r.Width > maxSide {
		return r, fmt.Errorf("widgets: Options.Width = %d, want 0 (default) or 1..%d CSS pixels", r.Width, maxSide)
	}
	if r.Height < 0 || r.Height > maxSide {
		return r, fmt.Errorf("widgets: Options.Height = %d, want 0 (default) or 1..%d CSS pixels", r.Height, maxSide)
	}
	if r.Scale < 0 || r.Scale > Categorical {
		return r, fmt.Errorf("widgets: Options.Scale = %d is not a ColorScale", int(r.Scale))
	}
	if lo, hi := r.ColorRange[0], r.ColorRange[1]; lo != 0 || hi != 0 {
		if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || !(hi > lo) {
			return r, fmt.Errorf("widgets: Options.ColorRange = [%v, %v], want finite values with ColorRange[0] < ColorRange[1] (or both zero)", lo, hi)
		}
	}
	if r.Downsample != LTTB && r.Downsample != MinMax {
		return r, fmt.Errorf("widgets: Options.Downsample = %d is not a Downsampler", int(r.Downsample))
	}
	if r.Width <= 0 {
		r.Width = defW
	}
	if r.Height <= 0 {
		r.Height = defH
	}
	if r.MaxPoints == 0 {
		r.MaxPoints = DefaultMaxPoints
	}
	if r.MaxPoints > 0 && r.MaxPoints < 4 {
		return r, fmt.Errorf("widgets: Options.MaxPoints = %d, want at least 4 (or negative for every point)", r.MaxPoints)
	}
	return r, nil
}

// name returns the i-th name or a numbered default.
func (o *Options) name(i int, kind string) string {
	if i < len(o.Names) && o.Names[i] != "" {
		return o.Names[i]
	}
	return fmt.Sprintf("%s %d", kind, i+1)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
