package widgets

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui/comms"

	"github.com/neuronb/neuronb/widgets/internal/echartsjs"
)

// maxFrames bounds the frames of one control (each is shipped in the output).
const maxFrames = 500

// Control is a slider or a drop-down list over pre-rendered frames: every
// frame is computed in Go beforehand and shipped in the one output, and a
// few lines of plain JavaScript inside that output switch between them. So
// the control works live, in a saved notebook reopened offline, in an
// nbconvert HTML export, after a headless run and behind a JupyterHub URL
// prefix, none of which need the kernel. Frames are all interactive (each
// an ECharts option, drawn by one chart) or all static (each a PNG).
type Control struct {
	kind          string // "slider" or "select"
	name          string
	labels        []string
	frames        []*Figure
	address       string
	width, height int
}

// Slider returns a control whose slider, labelled name, shows frames[i]
// with the caption labels[i] (for instance "θ = 0.52 rad").
func Slider(name string, labels []string, frames []*Figure) (*Control, error) {
	return newControl("slider", name, labels, frames)
}

// Select returns a control whose drop-down list, labelled name, offers
// labels and shows frames[i] for labels[i].
func Select(name string, labels []string, frames []*Figure) (*Control, error) {
	return newControl("select", name, labels, frames)
}

func newControl(kind, name string, labels []string, frames []*Figure) (*Control, error) {
	fn := strings.ToUpper(kind[:1]) + kind[1:]
	switch {
	case len(frames) == 0:
		return nil, fmt.Errorf("widgets: %s: frames is empty", fn)
	case len(frames) > maxFrames:
		return nil, fmt.Errorf("widgets: %s: %d frames, want at most %d", fn, len(frames), maxFrames)
	case len(labels) != len(frames):
		return nil, fmt.Errorf("widgets: %s: %d labels for %d frames", fn, len(labels), len(frames))
	}
	c := &Control{kind: kind, name: name, labels: labels, frames: frames, address: "/neuronb/control/" + newID()}
	for i, f := range frames {
		if f == nil {
			return nil, fmt.Errorf("widgets: %s: frames[%d] is nil", fn, i)
		}
		if f.Interactive() != frames[0].Interactive() {
			return nil, fmt.Errorf("widgets: %s: frames[%d] is %s but frames[0] is %s; frames must all be interactive or all static",
				fn, i, kindWord(f), kindWord(frames[0]))
		}
		c.width, c.height = max(c.width, f.width), max(c.height, f.height)
	}
	return c, nil
}

func kindWord(f *Figure) string {
	if f.Interactive() {
		return "interactive (" + f.kind + ")"
	}
	return "static (" + f.kind + ")"
}

// Render returns the control's MIME bundle: HTML with every frame, and
// text/plain naming the frames (plus frame 0's PNG for static frames, which
// viewers without HTML show).
func (c *Control) Render() (*Bundle, error) {
	if c == nil {
		return nil, errors.New("widgets: nil *Control")
	}
	id := newID()
	b := &Bundle{Width: c.width, Height: c.height, Name: fileStem(c.name, c.kind)}
	first := c.frames[0]
	b.Text = fmt.Sprintf("%s %q over %d frames: %s … %s\nframe 1 (%s): %s",
		strings.ToUpper(c.kind[:1])+c.kind[1:], c.name, len(c.frames), c.labels[0], c.labels[len(c.labels)-1], c.labels[0], first.text)
	labels, err := json.Marshal(c.labels)
	if err != nil {
		return nil, err
	}
	var h strings.Builder
	fmt.Fprintf(&h, `<div class="neuronb-control" data-neuronb="%s" data-neuronb-address="%s" id="%s" style="width:100%%;max-width:%dpx;">`,
		id, c.address, id, c.width)
	c.writeBar(&h, id)
	if first.Interactive() {
		pic, err := first.Picture()
		if err != nil {
			return nil, fmt.Errorf("widgets: %s frame 0's picture: %w", c.kind, err)
		}
		fmt.Fprintf(&h, `<div class="neuronb-echart" style="position:relative;width:100%%;min-height:%dpx;">`, c.height)
		writeFallback(&h, b.Text, pic, c.width, c.height)
		h.WriteString("</div></div>\n")
		writeScriptHead(&h, id, echartsjs.GzipBase64())
		h.WriteString("var LABELS = ")
		h.Write(labels)
		h.WriteString(";\nvar FRAMES = function (echarts) { return [\n")
		for i, f := range c.frames {
			if i > 0 {
				h.WriteString(",\n")
			}
			if f.option != nil {
				h.Write(f.option)
			} else {
				h.WriteString(scriptSafe(f.goe.option))
			}
		}
		h.WriteString(`]; };
eachTarget(function (root) {
lib().then(function (echarts) {
var box = chartBox(root), frames = FRAMES(echarts);
var chart = echarts.init(box, null, {renderer: "canvas"});
chart.setOption(prepare(frames[0]));
follow(box, chart);
bind(root, LABELS, function (i) { chart.setOption(prepare(frames[i]), true); });
root.setAttribute("data-neuronb-drawn", "1");
}).catch(function (err) { fail(root, err); });
});
})();
</script>`)
		b.HTML = h.String()
		return b, nil
	}
	// Static frames: PNGs as data URLs; frame 0 is the <img> itself, so
	// viewers without JavaScript still show it.
	urls := make([]string, len(c.frames))
	for i, f := range c.frames {
		fb, err := f.Render()
		if err != nil {
			return nil, fmt.Errorf("widgets: %s frame %d: %w", c.kind, i, err)
		}
		if i == 0 {
			b.PNG = fb.PNG
		}
		urls[i] = "data:image/png;base64," + base64.StdEncoding.EncodeToString(fb.PNG)
	}
	fmt.Fprintf(&h, `<img class="neuronb-frame" src="%s" width="%d" height="%d" alt="%s" style="max-width:100%%;height:auto;">`,
		urls[0], first.width, first.height, html.EscapeString(first.text))
	h.WriteString("</div>\n")
	writeScriptHead(&h, id, "")
	urls[0] = "" // the <img> already holds it
	frames, err := json.Marshal(urls)
	if err != nil {
		return nil, err
	}
	h.WriteString("var LABELS = ")
	h.Write(labels)
	h.WriteString(";\nvar FRAMES = ")
	h.Write(frames)
	h.WriteString(`;
eachTarget(function (root) {
var img = root.querySelector("img.neuronb-frame");
FRAMES[0] = FRAMES[0] || img.getAttribute("src");
bind(root, LABELS, function (i) { img.src = FRAMES[i]; });
root.setAttribute("data-neuronb-drawn", "1");
});
})();
</script>`)
	b.HTML = h.String()
	return b, nil
}

// writeBar writes the control's label, input and caption.
func (c *Control) writeBar(h *strings.Builder, id string) {
	h.WriteString(`<div class="neuronb-control-bar" style="font:13px/1.4 sans-serif;display:flex;align-items:center;gap:10px;margin:4px 0 6px;">`)
	fmt.Fprintf(h, `<label for="%s-input" style="font-weight:600;white-space:nowrap;">%s</label>`, id, html.EscapeString(c.name))
	if c.kind == "slider" {
		fmt.Fprintf(h, `<input class="neuronb-input" id="%s-input" type="range" min="0" max="%d" step="1" value="0" style="flex:0 1 320px;">`,
			id, len(c.frames)-1)
	} else {
		fmt.Fprintf(h, `<select class="neuronb-input" id="%s-input">`, id)
		for i, l := range c.labels {
			fmt.Fprintf(h, `<option value="%d">%s</option>`, i, html.EscapeString(l))
		}
		h.WriteString(`</select>`)
	}
	fmt.Fprintf(h, `<output class="neuronb-frame-label" style="white-space:nowrap;">%s</output></div>`, html.EscapeString(c.labels[0]))
}

// HeadlessEnv names the environment variable that `kernel run` sets to 1
// for the kernels it starts (a kernel inherits its launcher's environment):
// no browser is attached, so nothing may wait for one.
const HeadlessEnv = "NEURONB_HEADLESS"

// Headless reports whether HeadlessEnv is 1, which `kernel run` sets for
// notebooks executed without a browser: nothing may then wait for one.
func Headless() bool { return os.Getenv(HeadlessEnv) == "1" }

// Listen calls fn(i) in this cell's process each time the viewer moves the
// shown control to frame i, for at most d, through GoNB's comms channel,
// for when a frame needs Go beyond what was pre-rendered (print a number,
// update another output). Show the control first. Listen returns at once
// outside a notebook and when Headless, since no browser will ever answer;
// in a live notebook the cell stays busy for d. The frames themselves never
// depend on Listen.
func (c *Control) Listen(d time.Duration, fn func(i int)) error {
	if c == nil || fn == nil {
		return errors.New("widgets: Listen needs a control and a callback")
	}
	if !display.notebook() || Headless() {
		return nil
	}
	comms.Start()
	ch := comms.Listen[int](c.address)
	defer ch.Close()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case i := <-ch.C:
			if i >= 0 && i < len(c.frames) {
				fn(i)
			}
		case <-timer.C:
			return nil
		}
	}
}
