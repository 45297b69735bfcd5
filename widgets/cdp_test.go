package widgets

// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe
// (file descriptors 3 and 4, NUL-separated JSON), so the browser test needs
// nothing beyond the standard library and /usr/bin/chromium.

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// chromiumPath is Debian's headless-capable Chromium.
const chromiumPath = "/usr/bin/chromium"

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *cdpError       `json:"error,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
}

type cdpError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type browser struct {
	cmd     *exec.Cmd
	in      io.WriteCloser // to the browser (its fd 3)
	mu      sync.Mutex
	next    int
	pending map[int]chan cdpMessage
	events  chan cdpMessage
	session string
	stderr  strings.Builder
	done    chan struct{}
}

// startBrowser launches headless Chromium without network (a fresh network
// namespace with only loopback up) and attaches to its first page.
func startBrowser(t *testing.T, width, height int) *browser {
	t.Helper()
	toR, toW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromR, fromW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	profile := t.TempDir()
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-dev-shm-usage",
		"--disable-extensions", "--hide-scrollbars", "--mute-audio",
		"--allow-file-access-from-files",
		fmt.Sprintf("--window-size=%d,%d", width, height),
		"--user-data-dir=" + profile,
		"--remote-debugging-pipe", "about:blank",
	}
	script := "ip link set lo up && exec " + chromiumPath + " " + strings.Join(args, " ")
	b := &browser{pending: map[int]chan cdpMessage{}, events: make(chan cdpMessage, 1024), done: make(chan struct{})}
	b.cmd = exec.Command("unshare", "-n", "sh", "-c", script)
	b.cmd.ExtraFiles = []*os.File{toR, fromW}
	b.cmd.Stderr = &lockedWriter{b: &b.stderr, mu: &b.mu}
	if err := b.cmd.Start(); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	toR.Close()
	fromW.Close()
	b.in = toW
	go b.read(fromR)
	t.Cleanup(func() { b.close() })

	var targets struct {
		TargetInfos []struct {
			TargetID string `json:"targetId"`
			Type     string `json:"type"`
		} `json:"targetInfos"`
	}
	// The page target appears shortly after start.
	deadline := time.Now().Add(30 * time.Second)
	var page string
	for page == "" {
		if err := b.call("", "Target.getTargets", nil, &targets); err != nil {
			t.Fatalf("Target.getTargets: %v\n%s", err, b.log())
		}
		for _, ti := range targets.TargetInfos {
			if ti.Type == "page" {
				page = ti.TargetID
			}
		}
		if page == "" {
			if time.Now().After(deadline) {
				t.Fatalf("chromium has no page target\n%s", b.log())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call("", "Target.attachToTarget", map[string]any{"targetId": page, "flatten": true}, &att); err != nil {
		t.Fatalf("attach: %v", err)
	}
	b.session = att.SessionID
	for _, m := range []string{"Page.enable", "Runtime.enable"} {
		if err := b.call(b.session, m, nil, nil); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
	}
	if err := b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	return b
}

type lockedWriter struct {
	b  *strings.Builder
	mu *sync.Mutex
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.b.Len() < 1<<20 {
		w.b.Write(p)
	}
	return len(p), nil
}

func (b *browser) log() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stderr.String()
}

func (b *browser) read(r io.Reader) {
	defer close(b.done)
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m cdpMessage
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.pending[m.ID]
			delete(b.pending, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		select {
		case b.events <- m:
		default: // drop events nobody waits for
		}
	}
}

// call sends one command and waits (at most a minute) for its result.
func (b *browser) call(session, method string, params any, result any) error {
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan cdpMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	raw, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := b.in.Write(append(raw, 0)); err != nil {
		return fmt.Errorf("%s: writing to chromium: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("%s: %s (%d)", method, m.Error.Message, m.Error.Code)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-b.done:
		return fmt.Errorf("%s: chromium exited", method)
	case <-time.After(time.Minute):
		return fmt.Errorf("%s: no answer within a minute", method)
	}
}

// navigate opens url and waits until that document has loaded (a load
// event of the previous page, such as about:blank, does not count).
func (b *browser) navigate(url string) error {
	if err := b.call(b.session, "Page.navigate", map[string]any{"url": url}, nil); err != nil {
		return err
	}
	deadline := time.Now().Add(2 * time.Minute)
	check := fmt.Sprintf("document.readyState === 'complete' && location.href === %q", url)
	for {
		var ok bool
		if err := b.eval(check, &ok); err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("page did not finish loading within 2 minutes")
		}
		select {
		case <-b.done:
			return errors.New("chromium exited while loading")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// eval evaluates a JavaScript expression in the page, awaiting it if it is a
// promise, and decodes its JSON-compatible value into out.
func (b *browser) eval(expr string, out any) error {
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := b.call(b.session, "Runtime.evaluate", map[string]any{
		"expression": expr, "awaitPromise": true, "returnByValue": true}, &res); err != nil {
		return err
	}
	if e := res.ExceptionDetails; e != nil {
		return fmt.Errorf("javascript: %s %s", e.Text, e.Exception.Description)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(res.Result.Value, out)
}

// screenshot captures the whole page as PNG.
func (b *browser) screenshot() ([]byte, error) {
	var metrics struct {
		CSSContentSize struct {
			Width  float64 `json:"width"`
			Height float64 `json:"height"`
		} `json:"cssContentSize"`
	}
	if err := b.call(b.session, "Page.getLayoutMetrics", nil, &metrics); err != nil {
		return nil, err
	}
	h := min(metrics.CSSContentSize.Height, 16000)
	var shot struct {
		Data string `json:"data"`
	}
	if err := b.call(b.session, "Page.captureScreenshot", map[string]any{
		"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": metrics.CSSContentSize.Width, "height": h, "scale": 1},
	}, &shot); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(shot.Data)
}

func (b *browser) close() {
	_ = b.call("", "Browser.close", nil, nil)
	_ = b.in.Close()
	select {
	case <-b.done:
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
	}
	_ = b.cmd.Wait()
}
