package widgets

import (
	"bytes"
	"encoding/gob"
	"errors"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// fakeClock makes progress bars see step per call of clock().
func fakeClock(t *testing.T, step time.Duration) {
	t.Helper()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	saved := clock
	clock = func() time.Time { now = now.Add(step); return now }
	t.Cleanup(func() { clock = saved })
}

// Oracle: counting the messages a notebook would receive. 2000 updates
// over ~4 s of (fake) time at ≤4 redraws/s must give one display id, the
// initial draw + ≤ 4 per second + the final one, and the final state
// (what nbclient keeps) must name every iteration and the last metric.
func TestProgressIsOneDisplayUpdatedInPlace(t *testing.T) {
	rec := record(t)
	fakeClock(t, time.Millisecond)
	p := NewProgress("EM", 2000, "log-likelihood")
	for i := 1; i <= 2000; i++ {
		p.Update(i, 2000, -float64(3000-i))
	}
	p.Done()
	p.Update(2001, 2000, 0) // ignored after Done
	ids := map[string]bool{}
	for _, d := range rec.sends {
		ids[d.DisplayID] = true
	}
	if len(ids) != 1 || ids[""] {
		t.Fatalf("display ids %v, want exactly one non-empty id", ids)
	}
	// Each update reads the clock twice at most (check + draw), so 2000
	// updates span ≤ 4 s: ≤ 16 throttled redraws + initial + final.
	if n := len(rec.sends); n < 3 || n > 18 {
		t.Errorf("%d redraws for 2000 updates, want a throttled handful", n)
	}
	outs := rec.outputs()
	if len(outs) != 1 {
		t.Fatalf("saved notebook would hold %d outputs, want 1", len(outs))
	}
	final := outs[0]["data"].(map[string]any)["text/plain"].(string)
	for _, want := range []string{"EM: done, 2000 iterations", "log-likelihood = -1000"} {
		if !strings.Contains(final, want) {
			t.Errorf("final state %q lacks %q", final, want)
		}
	}
	if html := outs[0]["data"].(map[string]any)["text/html"].(string); !strings.Contains(html, `max="2000" value="2000"`) {
		t.Errorf("final HTML bar is not full: %s", html)
	}
	if rec.syncs != 1 {
		t.Errorf("Done synced %d times, want 1", rec.syncs)
	}
}

// Oracle: hand-computed rate and time left. After 30 of 120 iterations in
// 6 s (clock step 1 s per read), the rate is 5 it/s and 90 iterations are
// left: 18 s.
func TestProgressLineReportsRateAndTimeLeft(t *testing.T) {
	record(t)
	fakeClock(t, time.Second)
	p := NewProgress("fit", 120, "loss") // reads the clock twice: start, draw
	p.Update(30, 0, 0.25)                // check read: +1 s; draw read: +1 s
	p.mu.Lock()
	line := p.line()
	p.mu.Unlock()
	// start at t0+1 s, last draw at t0+4 s → 3 s elapsed, 30 it → 10 it/s,
	// 90 left → 9 s.
	want := "fit: 30/120 (25%) · 10 it/s · 9.0 s left · loss = 0.25"
	if line != want {
		t.Errorf("line = %q, want %q", line, want)
	}
	p.Update(200, 0, math.NaN()) // beyond total, NaN metric keeps the old value
	p.Done()
	p.mu.Lock()
	line = p.line()
	p.mu.Unlock()
	if !strings.HasPrefix(line, "fit: done, 200 of 120 iterations") || !strings.HasSuffix(line, "loss = 0.25") {
		t.Errorf("final line %q", line)
	}
}

// Oracle: the text written to stderr outside a notebook.
func TestProgressOutsideNotebookWritesATextBar(t *testing.T) {
	fakeClock(t, 3*time.Second)
	var buf bytes.Buffer
	p := NewProgress("sweep", 4, "")
	p.out = &buf
	for i := 1; i <= 4; i++ {
		p.Update(i, 4, math.NaN())
	}
	p.Done()
	out := buf.String()
	if !strings.Contains(out, "[####################] sweep: done, 4 iterations") {
		t.Errorf("stderr bar = %q", out)
	}
	if strings.Count(out, "\n") > 5 {
		t.Errorf("non-terminal output printed %d lines for 4 updates", strings.Count(out, "\n"))
	}
}

// TestDisplayThroughGonbPipe plays the GoNB kernel's side of the named pipes
// (gob-encoded protocol.DisplayData in, sync acknowledgements out) and
// checks what it receives from gonbui itself. Oracle: gob decoding of the
// real wire format.
func TestDisplayThroughGonbPipe(t *testing.T) {
	dir := t.TempDir()
	pipe, back := filepath.Join(dir, "pipe"), filepath.Join(dir, "back")
	for _, p := range []string{pipe, back} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
	}
	t.Setenv(protocol.GONB_PIPE_ENV, pipe)
	t.Setenv(protocol.GONB_PIPE_BACK_ENV, back)
	savedNB := gonbui.IsNotebook
	gonbui.IsNotebook = true
	t.Cleanup(func() { gonbui.IsNotebook = savedNB })
	fakeClock(t, time.Millisecond)

	received := make(chan *protocol.DisplayData, 1000)
	kernelErr := make(chan error, 2)
	go func() { // the kernel: read displays, acknowledge syncs
		r, err := os.Open(pipe)
		if err != nil {
			kernelErr <- err
			return
		}
		w, err := os.OpenFile(back, os.O_WRONLY, 0)
		if err != nil {
			kernelErr <- err
			return
		}
		dec, enc := gob.NewDecoder(r), gob.NewEncoder(w)
		for {
			d := &protocol.DisplayData{}
			if err := dec.Decode(d); err != nil {
				if !errors.Is(err, io.EOF) {
					kernelErr <- err
				}
				return
			}
			if cv, ok := d.Data[protocol.MIMECommValue].(protocol.CommValue); ok && cv.Address == protocol.GonbuiSyncAddress {
				if err := enc.Encode(&protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: cv.Value}); err != nil {
					kernelErr <- err
					return
				}
				continue
			}
			received <- d
		}
	}()

	heat, err := Spectrum([][]float64{{3, 2, 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = Show(heat) // syncs: returns only once the kernel acknowledged
		p := NewProgress("EM", 500, "ll")
		for i := 1; i <= 500; i++ {
			p.Update(i, 500, float64(i))
		}
		p.Done()
	}()
	select {
	case <-done:
	case err := <-kernelErr:
		t.Fatalf("kernel side: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("display through the pipe did not finish within a minute")
	}
	if err := gonbui.Error(); err != nil {
		t.Fatalf("gonbui pipe error: %v", err)
	}
	var msgs []*protocol.DisplayData
	for len(received) > 0 {
		msgs = append(msgs, <-received)
	}
	if len(msgs) < 3 {
		t.Fatalf("kernel received %d displays, want the figure and the bar", len(msgs))
	}
	fig := msgs[0]
	img, ok := fig.Data[protocol.MIMEImagePNG].([]byte)
	if !ok {
		t.Fatalf("figure arrived without PNG bytes: %v", keys(fig.Data))
	}
	if _, err := png.Decode(bytes.NewReader(img)); err != nil {
		t.Fatalf("PNG through the pipe: %v", err)
	}
	md, ok := fig.Metadata["image/png"].(map[string]any)
	if !ok || md["width"] != DefaultWidth {
		t.Errorf("metadata through the pipe = %#v", fig.Metadata)
	}
	ids := map[string]int{}
	for _, d := range msgs[1:] {
		ids[d.DisplayID]++
	}
	if len(ids) != 1 {
		t.Fatalf("progress used display ids %v, want one", ids)
	}
	last := msgs[len(msgs)-1].Data[protocol.MIMETextPlain].(string)
	if !strings.Contains(last, "done, 500 iterations") || len(msgs)-1 > 10 {
		t.Errorf("%d progress messages, last %q; want a few, ending done", len(msgs)-1, last)
	}
}
