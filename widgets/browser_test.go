package widgets

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pageCheck runs in the exported page: it waits until every neuronb output
// has drawn (or failed), then reports per output whether its canvases hold
// coloured pixels (series colours are saturated; axes and text are grey),
// whether every image decoded, and what happened when the first slider of
// each control was moved to its last frame.
const pageCheck = `(async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const roots = () => Array.from(document.querySelectorAll("[data-neuronb]"));
  for (let i = 0; i < 300; i++) {
    if (roots().every((r) => r.getAttribute("data-neuronb-drawn") || r.textContent.includes("could not draw"))) break;
    await sleep(100);
  }
  await sleep(500); // let ECharts finish its first frame
  const coloured = (root) => {
    let n = 0;
    for (const c of root.querySelectorAll("canvas")) {
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      for (let k = 0; k < d.length; k += 4) {
        const mx = Math.max(d[k], d[k + 1], d[k + 2]), mn = Math.min(d[k], d[k + 1], d[k + 2]);
        if (d[k + 3] > 200 && mx - mn > 60) n++;
      }
    }
    return n;
  };
  const hash = (root) => {
    let h = 0;
    for (const c of root.querySelectorAll("canvas")) {
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      for (let k = 0; k < d.length; k += 97) h = (h * 31 + d[k]) | 0;
    }
    return h;
  };
  const report = {
    amd: typeof define === "function" && !!define.amd,
    globalEcharts: typeof window.echarts !== "undefined",
    evaluations: window.__neuronb ? window.__neuronb.evaluations : 0,
    outputs: [], images: [], controls: [], duplicateIds: [],
  };
  const seen = {};
  for (const r of roots()) {
    const id = r.getAttribute("data-neuronb");
    if (seen[id]) report.duplicateIds.push(id);
    seen[id] = true;
    report.outputs.push({
      id, kind: r.className, drawn: !!r.getAttribute("data-neuronb-drawn"),
      error: r.textContent.includes("could not draw") ? r.textContent : "",
      canvases: r.querySelectorAll("canvas").length, coloured: coloured(r),
    });
  }
  for (const img of document.querySelectorAll(".jp-OutputArea-output img, img.neuronb-frame")) {
    let ok = true;
    try { await img.decode(); } catch (e) { ok = false; }
    report.images.push({ ok: ok && img.complete && img.naturalWidth > 0, w: img.naturalWidth, h: img.naturalHeight,
      shownW: img.width, src: img.src.slice(0, 30) });
  }
  for (const r of document.querySelectorAll(".neuronb-control")) {
    const input = r.querySelector(".neuronb-input"), img = r.querySelector("img.neuronb-frame");
    if ((input.tagName === "SELECT" ? input.options.length : +input.max + 1) < 2) continue; // one frame: nothing to move
    const before = { frame: r.getAttribute("data-neuronb-frame") || "0", src: img ? img.src : "", hash: hash(r),
      label: r.querySelector(".neuronb-frame-label").textContent };
    input.value = String(input.tagName === "SELECT" ? input.options.length - 1 : input.max);
    input.dispatchEvent(new Event(input.tagName === "SELECT" ? "change" : "input", { bubbles: true }));
    await sleep(600);
    let decoded = true;
    if (img) { try { await img.decode(); } catch (e) { decoded = false; } }
    report.controls.push({ kind: input.tagName, before, after: { frame: r.getAttribute("data-neuronb-frame"),
      src: img ? img.src : "", hash: hash(r), label: r.querySelector(".neuronb-frame-label").textContent,
      decoded: decoded && (!img || img.naturalWidth > 0), coloured: coloured(r) } });
  }
  // Re-run an output's script against a fresh copy of its container, as
  // JupyterLab does when it re-creates script tags or shows an output in a
  // second view (or a second notebook shows the same output): the copy must
  // draw, the original must not be set up twice, ECharts not re-evaluated.
  const jsErrors = [];
  window.addEventListener("error", (e) => jsErrors.push(String(e.message)));
  const fig = document.querySelector(".neuronb-figure[data-neuronb-drawn]");
  if (fig) {
    const script = fig.nextElementSibling && fig.nextElementSibling.tagName === "SCRIPT" ? fig.nextElementSibling :
      fig.parentNode.querySelector("script");
    const copy = fig.cloneNode(false);
    copy.removeAttribute("data-neuronb-ready");
    copy.removeAttribute("data-neuronb-drawn");
    const holder = document.createElement("div");
    holder.appendChild(copy);
    const s = document.createElement("script");
    s.textContent = script.textContent;
    holder.appendChild(s);
    document.body.appendChild(holder);
    for (let i = 0; i < 50 && !copy.getAttribute("data-neuronb-drawn"); i++) await sleep(100);
    await sleep(300);
    report.rerun = { copyDrawn: !!copy.getAttribute("data-neuronb-drawn"), copyColoured: coloured(copy),
      originalCharts: fig.querySelectorAll("canvas").length,
      evaluations: window.__neuronb.evaluations, errors: jsErrors, scriptHead: script.textContent.slice(0, 60) };
  }
  return report;
})()`

type pageReport struct {
	AMD           bool `json:"amd"`
	GlobalEcharts bool `json:"globalEcharts"`
	Evaluations   int  `json:"evaluations"`
	Outputs       []struct {
		ID       string `json:"id"`
		Kind     string `json:"kind"`
		Drawn    bool   `json:"drawn"`
		Error    string `json:"error"`
		Canvases int    `json:"canvases"`
		Coloured int    `json:"coloured"`
	} `json:"outputs"`
	Images []struct {
		OK     bool   `json:"ok"`
		W      int    `json:"w"`
		H      int    `json:"h"`
		ShownW int    `json:"shownW"`
		Src    string `json:"src"`
	} `json:"images"`
	Controls []struct {
		Kind   string `json:"kind"`
		Before struct {
			Frame string `json:"frame"`
			Src   string `json:"src"`
			Hash  int    `json:"hash"`
			Label string `json:"label"`
		} `json:"before"`
		After struct {
			Frame    string `json:"frame"`
			Src      string `json:"src"`
			Hash     int    `json:"hash"`
			Label    string `json:"label"`
			Decoded  bool   `json:"decoded"`
			Coloured int    `json:"coloured"`
		} `json:"after"`
	} `json:"controls"`
	DuplicateIDs []string `json:"duplicateIds"`
	Rerun        *struct {
		CopyDrawn      bool     `json:"copyDrawn"`
		CopyColoured   int      `json:"copyColoured"`
		OriginalCharts int      `json:"originalCharts"`
		Evaluations    int      `json:"evaluations"`
		Errors         []string `json:"errors"`
		ScriptHead     string   `json:"scriptHead"`
	} `json:"rerun"`
}

// artifactsDir is the repository's gitignored .artifacts directory.
func artifactsDir(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	must(t, err)
	dir := filepath.Join(filepath.Dir(wd), ".artifacts")
	must(t, os.MkdirAll(dir, 0o755))
	return dir
}

// TestExportedNotebookDrawsOffline is the browser test. Oracle: the pixels
// and DOM state of headless Chromium, with no network (a fresh network
// namespace), opening nbconvert HTML exports with RequireJS present
// (Debian's local require.js, as in classic Notebook and nbconvert's
// default here) and absent (the CDN address upstream nbconvert writes,
// unreachable offline). Every ECharts output must draw coloured pixels,
// every image decode, the library be evaluated once per page and moving
// each control change the displayed frame. Pages: the tutorial
// tutorials/01_charts.ipynb executed (see runTutorial, or `kernel run`
// when NEURONB_TUTORIAL_HTML names its export), and a gallery that also
// shows one figure twice. Screenshots go to .artifacts/.
func TestExportedNotebookDrawsOffline(t *testing.T) {
	needTool(t, chromiumPath, "unshare", "ip", "/usr/bin/python3")
	if _, err := os.Stat("/usr/share/javascript/requirejs/require.min.js"); err != nil {
		if inCI() {
			t.Fatalf("libjs-requirejs is required in CI: %v", err)
		}
		t.Skip("Debian's require.js (libjs-requirejs) is not installed")
	}
	const (
		localRequire = "file:///usr/share/javascript/requirejs/require.min.js"
		cdnRequire   = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"
	)
	dir := t.TempDir()
	art := artifactsDir(t)
	tutorial := filepath.Join(dir, "01_charts.ipynb")
	writeNotebook(t, runTutorial(t, true), tutorial)
	gallery := filepath.Join(dir, "gallery.ipynb")
	writeExecutedNotebook(t, gallery)
	pages := []struct {
		name, nb, requireJS string
		amd                 bool
		minCharts, controls int
	}{
		{"tutorial-requirejs", tutorial, localRequire, true, 6, 3},
		{"tutorial-no-requirejs", tutorial, cdnRequire, false, 6, 3},
		{"gallery-requirejs", gallery, localRequire, true, 6, 2},
	}
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			page := nbconvertHTML(t, pg.nb, dir, pg.name, pg.requireJS)
			checkPage(t, page, pg.amd, pg.minCharts, pg.controls, filepath.Join(art, "widgets-"+pg.name+".png"))
		})
	}
	// The same lesson executed by the real kernel through `kernel run`
	// (nbconvert there writes Debian's local require.js).
	t.Run("tutorial-kernel-run", func(t *testing.T) {
		html := os.Getenv("NEURONB_TUTORIAL_HTML")
		if html == "" {
			html = kernelRunExport(t, dir)
		}
		checkPage(t, html, exportLoadsRequireJSOffline(t, html), 6, 3, filepath.Join(art, "widgets-tutorial-kernel-run.png"))
	})
}

// requireScript finds the <script src=...require...js> of an nbconvert export.
var requireScript = regexp.MustCompile(`<script[^>]+src="([^"]*require[^"]*\.js)"`)

// exportLoadsRequireJSOffline says whether an nbconvert export brings
// RequireJS with it offline: Debian's nbconvert points at the local
// libjs-requirejs, pip's at a CDN that an offline page cannot reach. The
// two other tutorial pages cover both cases on purpose; this one must draw
// with whichever the installed nbconvert writes.
func exportLoadsRequireJSOffline(t *testing.T, page string) bool {
	t.Helper()
	b, err := os.ReadFile(page)
	must(t, err)
	m := requireScript.FindSubmatch(b)
	if m == nil {
		return false
	}
	src := string(m[1])
	return !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") && !strings.HasPrefix(src, "//")
}

// kernelRunExport executes the tutorial with the neuronb kernel through
// `go run ./kernel run -html DIR` and returns the export. It is skipped in
// -short mode (the fake-kernel pages above still run), and where the runner
// or the kernel is missing outside CI.
func kernelRunExport(t *testing.T, dir string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not starting the real kernel")
	}
	root, err := filepath.Abs("..")
	must(t, err)
	help, _ := exec.Command("go", "-C", root, "run", "./kernel", "run", "-h").CombinedOutput()
	if !strings.Contains(string(help), "-html") {
		if inCI() {
			t.Fatalf("go run ./kernel run is not available:\n%s", help)
		}
		t.Skipf("go run ./kernel run is not available here")
	}
	out := filepath.Join(dir, "kernel-run")
	cmd := exec.Command("go", "-C", root, "run", "./kernel", "run", "-html", out, "-timeout", "5m", "-offline", "tutorials/01_charts.ipynb")
	if msg, err := cmd.CombinedOutput(); err != nil {
		if inCI() {
			t.Fatalf("kernel run of the tutorial failed: %v\n%s", err, msg)
		}
		t.Skipf("kernel run of the tutorial failed (is the neuronb kernel installed?): %v\n%s", err, msg)
	}
	return filepath.Join(out, "01_charts.html")
}

// checkPage opens page in offline Chromium and asserts the report.
func checkPage(t *testing.T, page string, amd bool, minCharts, controls int, shot string) {
	t.Helper()
	b := startBrowser(t, 1100, 900)
	if err := b.navigate("file://" + page); err != nil {
		t.Fatalf("%v\n%s", err, b.log())
	}
	var rep pageReport
	if err := b.eval(pageCheck, &rep); err != nil {
		t.Fatal(err)
	}
	if png, err := b.screenshot(); err != nil {
		t.Errorf("screenshot: %v", err)
	} else if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Error(err)
	} else {
		t.Logf("screenshot: %s", shot)
	}
	if rep.AMD != amd {
		t.Fatalf("RequireJS on the page = %v, want %v (the test would not test what it claims)", rep.AMD, amd)
	}
	if rep.GlobalEcharts {
		t.Errorf("window.echarts was set; the loader must keep ECharts private")
	}
	if len(rep.DuplicateIDs) > 0 {
		t.Errorf("duplicate output ids on the page: %v", rep.DuplicateIDs)
	}
	interactive := 0
	for _, o := range rep.Outputs {
		if o.Error != "" || !o.Drawn {
			t.Errorf("output %s (%s) did not draw: %q", o.ID, o.Kind, o.Error)
			continue
		}
		if o.Canvases > 0 {
			interactive++
			if o.Coloured < 200 {
				t.Errorf("output %s (%s): %d coloured pixels on its canvas, want a drawn chart", o.ID, o.Kind, o.Coloured)
			}
		}
	}
	if interactive < minCharts {
		t.Errorf("%d outputs drew ECharts canvases, want at least %d", interactive, minCharts)
	}
	if rep.Evaluations != 1 {
		t.Errorf("ECharts evaluated %d times on the page, want exactly once", rep.Evaluations)
	}
	if r := rep.Rerun; r == nil {
		t.Errorf("no interactive figure to re-run")
	} else {
		if !r.CopyDrawn || r.CopyColoured < 200 {
			t.Errorf("re-running an output's script on a copy of its container did not draw it (%d coloured pixels; errors %q; script %q)", r.CopyColoured, r.Errors, r.ScriptHead)
		}
		if r.OriginalCharts != 1 {
			t.Errorf("the original container holds %d canvases after the re-run, want 1 (set up once)", r.OriginalCharts)
		}
		if r.Evaluations != 1 {
			t.Errorf("re-running an output evaluated ECharts again (%d evaluations)", r.Evaluations)
		}
	}
	if len(rep.Images) < 7 {
		t.Errorf("%d images on the page, want at least 7 static figures", len(rep.Images))
	}
	for i, im := range rep.Images {
		if !im.OK {
			t.Errorf("image %d (%s…) did not decode", i, im.Src)
		}
	}
	if len(rep.Controls) != controls {
		t.Fatalf("%d controls with several frames on the page, want %d", len(rep.Controls), controls)
	}
	for _, c := range rep.Controls {
		if c.After.Frame == c.Before.Frame || c.After.Label == c.Before.Label {
			t.Errorf("%s control: frame %q/%q → %q/%q, want a new frame", c.Kind, c.Before.Frame, c.Before.Label, c.After.Frame, c.After.Label)
		}
		if c.Before.Src != "" && (c.After.Src == c.Before.Src || !c.After.Decoded) {
			t.Errorf("%s control: image did not change to a decoded new frame", c.Kind)
		}
		if c.Before.Src == "" && (c.After.Hash == c.Before.Hash || c.After.Coloured < 200) {
			t.Errorf("%s control: canvas pixels unchanged (hash %d) or blank (%d coloured)", c.Kind, c.After.Hash, c.After.Coloured)
		}
	}
	t.Logf("%d outputs (%d interactive), %d images, %d controls; RequireJS %v", len(rep.Outputs), interactive, len(rep.Images), len(rep.Controls), rep.AMD)
}
