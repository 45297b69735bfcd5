package widgets

import (
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Long titles and axis labels degrade gracefully instead of spoiling the
// figure. gonum/plot shrinks the data area when a y label is longer than the
// plot is tall and lets a long title or x label run off the canvas; ECharts
// clips an axis name that is longer than its axis. Both renderers therefore
// fit each text to the length available to it, in this order of preference:
// one line at the house font size; two lines (broken between words, lines
// balanced); a smaller font, down to minTextSize, on one or two lines;
// three lines at minTextSize; and, only if even that fails (a single very
// long word), the text cut with an ellipsis.

// minTextSize is the smallest font size (points for gonum/plot, CSS pixels
// for ECharts) that fitting reduces a larger one to.
const minTextSize = 8

// fitText returns s broken into lines, and the style to draw it with, so
// that every line is at most avail long when drawn with that style; sty is
// returned unchanged when s already fits.
func fitText(s string, sty text.Style, avail vg.Length) (string, text.Style) {
	if s == "" || avail <= 0 || sty.Width(s) <= avail {
		return s, sty
	}
	words := strings.Fields(s)
	base := sty.Font.Size
	smallest := min(vg.Length(minTextSize), base) // never enlarge a small font
	for size := base; ; size -= vg.Length(0.5) {
		size = max(size, smallest)
		st := sty
		st.Font.Size = size
		maxLines := 2
		if size <= smallest {
			maxLines = 3
		}
		for lines := 1; lines <= maxLines; lines++ {
			if out, ok := wrapLines(words, lines, st, avail); ok {
				return out, st
			}
		}
		if size <= smallest {
			return truncateText(s, st, avail), st
		}
	}
}

// wrapLines breaks words into at most n lines no longer than avail,
// balanced: the longest line is as short as n lines allow. It reports false
// when n lines cannot hold the words within avail.
func wrapLines(words []string, n int, sty text.Style, avail vg.Length) (string, bool) {
	lines := greedyLines(words, sty, avail)
	if lines == nil || len(lines) > n {
		return "", false
	}
	// Bisect the narrowest width that still needs no more lines.
	lo, hi := vg.Length(0), avail
	for _, w := range words {
		lo = max(lo, sty.Width(w))
	}
	for i := 0; i < 20 && hi-lo > 0.25; i++ {
		mid := (lo + hi) / 2
		if l := greedyLines(words, sty, mid); l != nil && len(l) <= len(lines) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return strings.Join(greedyLines(words, sty, hi), "\n"), true
}

// greedyLines fills lines word by word up to width w; nil if a word alone
// is wider than w.
func greedyLines(words []string, sty text.Style, w vg.Length) []string {
	var lines []string
	cur := ""
	for _, word := range words {
		if sty.Width(word) > w {
			return nil
		}
		if cur == "" {
			cur = word
			continue
		}
		if next := cur + " " + word; sty.Width(next) <= w {
			cur = next
			continue
		}
		lines = append(lines, cur)
		cur = word
	}
	return append(lines, cur)
}

// truncateText cuts s to the longest prefix that, followed by "…", fits
// within avail on one line.
func truncateText(s string, sty text.Style, avail vg.Length) string {
	r := []rune(s)
	for n := len(r) - 1; n > 0; n-- {
		if t := strings.TrimSpace(string(r[:n])) + "…"; sty.Width(t) <= avail {
			return t
		}
	}
	return "…"
}

// withFittedText fits p's title to the canvas width and its axis labels to
// the data area, calls fn (which draws p on c or measures it), and restores
// p's own texts and styles, so a caller's plot is not altered by showing it.
func withFittedText(p *plot.Plot, c draw.Canvas, fn func()) {
	title, tsty := p.Title.Text, p.Title.TextStyle
	xl, xsty := p.X.Label.Text, p.X.Label.TextStyle
	yl, ysty := p.Y.Label.Text, p.Y.Label.TextStyle
	defer func() {
		p.Title.Text, p.Title.TextStyle = title, tsty
		p.X.Label.Text, p.X.Label.TextStyle = xl, xsty
		p.Y.Label.Text, p.Y.Label.TextStyle = yl, ysty
	}()
	width := c.Max.X - c.Min.X
	p.Title.Text, p.Title.TextStyle = fitText(title, tsty, 0.98*width)
	// The data area does not depend on a label's length while it fits, so
	// measure it with one-line stand-ins, then fit, and once more with the
	// fitted labels (a wrapped x label makes the data area less tall).
	p.X.Label.Text, p.Y.Label.Text = placeholder(xl), placeholder(yl)
	for pass := 0; pass < 2; pass++ {
		da := p.DataCanvas(c)
		p.X.Label.Text, p.X.Label.TextStyle = fitText(xl, xsty, 0.98*(da.Max.X-da.Min.X))
		p.Y.Label.Text, p.Y.Label.TextStyle = fitText(yl, ysty, 0.98*(da.Max.Y-da.Min.Y))
	}
	fn()
}

func placeholder(s string) string {
	if s == "" {
		return ""
	}
	return "x"
}
