package widgets

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"

	"github.com/neuronb/neuronb/neuro/run"
)

// Progress is a progress bar for a long computation: iterations done, rate,
// time left and the latest value of a metric (a log-likelihood, a loss).
//
// In a notebook it is one output updated in place (a Jupyter display id):
// at most about four updates a second reach the browser however often
// Update is called, and the last update, written by Done, is what the saved
// notebook keeps. Outside a notebook it is a one-line bar on stderr,
// redrawn in place on a terminal and printed every 10 s (and at Done)
// otherwise, so logs stay short.
//
// Record is a run.Progress, so p.Record plugs into the Settings.Progress of
// every neuro package. A Progress is safe for concurrent use.
type Progress struct {
	mu            sync.Mutex
	title, metric string
	total, iter   int
	value         float64
	hasValue      bool
	start, last   time.Time
	shown         bool
	done          bool
	id            string
	notebook      bool
	out           io.Writer
	tty           bool
	interval      time.Duration
}

// clock is the time source of progress bars; tests replace it.
var clock = time.Now

// Update intervals: a browser gets at most ~4 redraws a second; a terminal
// too; a log file (not a terminal) one line every 10 s.
const (
	progressInterval    = 250 * time.Millisecond
	progressLogInterval = 10 * time.Second
)

// NewProgress starts a progress bar titled title over total iterations
// (total ≤ 0: unknown, shown without percentage and time left) that reports
// the metric named metricName ("" for none), and shows it at 0.
func NewProgress(title string, total int, metricName string) *Progress {
	p := &Progress{title: title, total: total, metric: metricName}
	p.notebook = display.notebook()
	if p.notebook {
		p.id = "neuronb-progress-" + newID()
		p.interval = progressInterval
	} else {
		p.out = os.Stderr
		if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
		p.interval = progressLogInterval
		if p.tty {
			p.interval = progressInterval
		}
	}
	p.start = clock()
	p.draw()
	return p
}

// Update records that iter iterations out of total are done (iter counts
// completed iterations: 1 after the first) and that the metric is now
// metric (NaN: not available). total ≤ 0 keeps the previous total. Calls
// after Done are ignored.
func (p *Progress) Update(iter, total int, metric float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.iter = iter
	if total > 0 {
		p.total = total
	}
	if !math.IsNaN(metric) {
		p.value, p.hasValue = metric, true
	}
	if clock().Sub(p.last) >= p.interval {
		p.drawLocked()
	}
}

// Record shows a step of a run (run.Progress): its iteration, budget and
// metric value. It never stops the run.
func (p *Progress) Record(s run.Step) error {
	p.Update(s.Iteration, s.MaxIterations, s.Value)
	return nil
}

// Done draws the final state (kept by a saved notebook) and ends the bar.
func (p *Progress) Done() {
	p.mu.Lock()
	if p.done {
		p.mu.Unlock()
		return
	}
	p.done = true
	p.drawLocked()
	p.mu.Unlock()
	if p.notebook {
		display.sync()
	}
}

func (p *Progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drawLocked()
}

func (p *Progress) drawLocked() {
	p.last = clock()
	if p.notebook {
		text := p.line()
		display.send(&protocol.DisplayData{
			Data: map[protocol.MIMEType]any{
				protocol.MIMETextHTML:  p.html(text),
				protocol.MIMETextPlain: text,
			},
			DisplayID: p.id,
		})
		return
	}
	line := p.bar() + " " + p.line()
	switch {
	case p.tty && p.done:
		fmt.Fprintf(p.out, "\r%s\033[K\n", line)
	case p.tty:
		fmt.Fprintf(p.out, "\r%s\033[K", line)
	case p.done || p.shown:
		fmt.Fprintln(p.out, line)
	}
	p.shown = true
}

// line is the status in words, e.g.
// "EM: 42/100 (42%) · 12.3 it/s · 4.7 s left · log-likelihood = -1234.5".
func (p *Progress) line() string {
	elapsed := p.last.Sub(p.start).Seconds()
	var b strings.Builder
	if p.title != "" {
		b.WriteString(p.title + ": ")
	}
	if p.done {
		fmt.Fprintf(&b, "done, %d", p.iter)
		if p.total > 0 && p.iter != p.total {
			fmt.Fprintf(&b, " of %d", p.total)
		}
		fmt.Fprintf(&b, " iterations in %s", duration(elapsed))
		if elapsed > 0 && p.iter > 0 {
			fmt.Fprintf(&b, " (%s it/s)", rate(float64(p.iter)/elapsed))
		}
	} else {
		if p.total > 0 {
			fmt.Fprintf(&b, "%d/%d (%d%%)", p.iter, p.total, int(100*p.fraction()))
		} else {
			fmt.Fprintf(&b, "%d iterations", p.iter)
		}
		if elapsed > 0 && p.iter > 0 {
			r := float64(p.iter) / elapsed
			fmt.Fprintf(&b, " · %s it/s", rate(r))
			if p.total > 0 && p.iter < p.total {
				fmt.Fprintf(&b, " · %s left", duration(float64(p.total-p.iter)/r))
			}
		}
	}
	if p.metric != "" {
		if p.hasValue {
			fmt.Fprintf(&b, " · %s = %.6g", p.metric, p.value)
		} else {
			fmt.Fprintf(&b, " · %s = –", p.metric)
		}
	}
	return b.String()
}

func (p *Progress) fraction() float64 {
	if p.total <= 0 {
		return 0
	}
	return math.Min(1, math.Max(0, float64(p.iter)/float64(p.total)))
}

// bar is a 20-character text bar: [#########...........].
func (p *Progress) bar() string {
	n := int(20 * p.fraction())
	if p.done && (p.total <= 0 || p.iter >= p.total) {
		n = 20
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", 20-n) + "]"
}

func (p *Progress) html(text string) string {
	value := ""
	if p.total > 0 {
		v := float64(p.iter)
		if p.done && p.iter >= p.total {
			v = float64(p.total)
		}
		value = fmt.Sprintf(` max="%d" value="%g"`, p.total, math.Min(v, float64(p.total)))
	} else if p.done {
		value = ` max="1" value="1"`
	}
	return fmt.Sprintf(`<div class="neuronb-progress" style="font:13px/1.4 sans-serif;display:flex;align-items:center;gap:10px;">`+
		`<progress%s style="width:220px;"></progress><span>%s</span></div>`, value, html.EscapeString(text))
}

// duration formats seconds as "4.7 s", "3 min 05 s" or "2 h 07 min".
func duration(s float64) string {
	switch {
	case s < 60:
		return fmt.Sprintf("%.1f s", s)
	case s < 3600:
		return fmt.Sprintf("%d min %02d s", int(s)/60, int(s)%60)
	default:
		return fmt.Sprintf("%d h %02d min", int(s)/3600, int(s)%3600/60)
	}
}

func rate(r float64) string {
	if r >= 100 {
		return fmt.Sprintf("%.0f", r)
	}
	return fmt.Sprintf("%.3g", r)
}
