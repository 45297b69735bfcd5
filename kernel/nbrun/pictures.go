package nbrun

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/neuronb/neuronb/kernel/kernelspec"
)

//go:embed pictures.py
var picturesScript []byte

// ChartPicture is what a viewer without JavaScript shows of one interactive
// chart or control of an executed notebook.
type ChartPicture struct {
	Cell int    `json:"cell"`
	ID   string `json:"id"`
	Kind string `json:"kind"` // "figure" or "control"
	// Picture says whether the container holds an image; Natural is its
	// size in pixels, Shown its size on the page (CSS pixels).
	Picture bool   `json:"picture"`
	Natural [2]int `json:"natural"`
	Shown   [2]int `json:"shown"`
	// Ink is the share of the picture's pixels that are not white.
	Ink float64 `json:"ink"`
	// Canvases counts live charts drawn in the container (none expected:
	// no script runs on the page).
	Canvases int `json:"canvases"`
}

// PictureReport is the outcome of CheckPictures.
type PictureReport struct {
	// Outputs counts the HTML outputs holding widgets containers.
	Outputs int `json:"outputs"`
	// ScriptsLeft counts outputs whose sanitized HTML still had a script
	// (none expected: the check would then not be script-free).
	ScriptsLeft int            `json:"scripts_left"`
	Charts      []ChartPicture `json:"charts"`
}

// MinInk is the smallest share of non-white pixels a chart's picture must
// have not to count as blank (axes and labels alone cover more).
const MinInk = 0.01

// Problems lists, one message each, the charts that show no picture, a
// picture that did not load or a blank one, and sanitizing that left a
// script.
func (r *PictureReport) Problems() []string {
	var p []string
	if r.ScriptsLeft > 0 {
		p = append(p, fmt.Sprintf("%d outputs still had a script after sanitizing", r.ScriptsLeft))
	}
	for _, c := range r.Charts {
		switch {
		case !c.Picture:
			p = append(p, fmt.Sprintf("cell %d: %s %s carries no picture", c.Cell, c.Kind, c.ID))
		case c.Natural[0] == 0 || c.Shown[0] == 0:
			p = append(p, fmt.Sprintf("cell %d: %s %s: its picture did not load (natural %v, shown %v)", c.Cell, c.Kind, c.ID, c.Natural, c.Shown))
		case c.Ink < MinInk:
			p = append(p, fmt.Sprintf("cell %d: %s %s: its picture is blank (%.2f%% ink)", c.Cell, c.Kind, c.ID, 100*c.Ink))
		case c.Canvases > 0:
			p = append(p, fmt.Sprintf("cell %d: %s %s drew a live chart with no script on the page", c.Cell, c.Kind, c.ID))
		}
	}
	return p
}

// CheckPictures opens the interactive outputs of an executed notebook the
// way a viewer that runs no JavaScript does: each output's HTML sanitized
// as JupyterLab sanitizes an untrusted notebook's (scripts, styles, frames,
// inline SVG and event handlers removed), in headless Chromium driven by
// Playwright, and measures every chart's picture. screenshot, if not
// empty, receives a full-page PNG.
func CheckPictures(executed, screenshot string) (*PictureReport, error) {
	j, err := kernelspec.FindJupyter(repoRootNear(executed))
	if err != nil {
		return nil, err
	}
	if err := exec.Command(j.Python, "-c", "import playwright.sync_api, nbformat").Run(); err != nil {
		return nil, fmt.Errorf("%s cannot import playwright and nbformat (./install.sh --test installs them): %w", j.Python, err)
	}
	work, err := os.MkdirTemp("", "neuronb-pictures-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	script := filepath.Join(work, "pictures.py")
	if err := os.WriteFile(script, picturesScript, 0o644); err != nil {
		return nil, err
	}
	args := []string{script, executed}
	if screenshot != "" {
		args = append(args, "--screenshot", screenshot)
	}
	cmd := exec.Command(j.Python, args...)
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = tail(string(ee.Stderr), 20)
		}
		return nil, fmt.Errorf("checking the pictures of %s: %v\n%s", executed, err, msg)
	}
	var r PictureReport
	if err := json.Unmarshal([]byte(lastLine(string(out))), &r); err != nil {
		return nil, fmt.Errorf("reading the picture report of %s: %w", executed, err)
	}
	return &r, nil
}

func lastLine(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '\n' {
			return s[i+1:]
		}
	}
	return s
}

// Logger is the part of testing.TB CheckPicturesOrSkip uses.
type Logger interface {
	Helper()
	Logf(format string, args ...any)
}

// CheckPicturesOrSkip runs CheckPictures for a test of executed notebooks
// and returns its problems, with a screenshot of the sanitized page in the
// repository's .artifacts/pictures-NAME.png. Where Playwright is missing it
// skips the check (logging why) outside CI and reports it as a problem in
// CI (CI=true).
func CheckPicturesOrSkip(t Logger, executed string) []string {
	t.Helper()
	shot := ""
	if root := repoRootNear(executed); root != "" {
		dir := filepath.Join(root, ".artifacts")
		if os.MkdirAll(dir, 0o755) == nil {
			shot = filepath.Join(dir, "pictures-"+strings.TrimSuffix(filepath.Base(executed), ".ipynb")+".png")
		}
	}
	r, err := CheckPictures(executed, shot)
	if err != nil {
		if os.Getenv("CI") == "true" {
			return []string{err.Error()}
		}
		t.Logf("pictures not checked: %v", err)
		return nil
	}
	t.Logf("%s: %d interactive outputs, %d charts checked with no script running", filepath.Base(executed), r.Outputs, len(r.Charts))
	return r.Problems()
}
