package widgets

// The tutorial tutorials/01_charts.ipynb, executed without Jupyter: its
// cells are assembled into one Go program the way GoNB assembles a cell
// (declaration cells at the top level, each %% cell as a function body),
// which runs with GONB_PIPE pointing at this test, playing the kernel. The
// outputs it receives become the executed notebook, exactly as nbclient
// would store them. This checks that the lesson compiles and runs against
// the current API in seconds, and feeds the browser test.

import (
	"bytes"
	"encoding/base64"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

const tutorialPath = "../tutorials/01_charts.ipynb"

type nbCell struct {
	CellType       string          `json:"cell_type"`
	ID             string          `json:"id"`
	Metadata       map[string]any  `json:"metadata"`
	Source         json.RawMessage `json:"source"`
	ExecutionCount *int            `json:"execution_count,omitempty"`
	Outputs        []any           `json:"outputs,omitempty"`
}

type notebook struct {
	Cells         []nbCell       `json:"cells"`
	Metadata      map[string]any `json:"metadata"`
	NBFormat      int            `json:"nbformat"`
	NBFormatMinor int            `json:"nbformat_minor"`
}

// MarshalJSON writes execution_count (null allowed) and outputs for code
// cells only, as nbformat requires.
func (c nbCell) MarshalJSON() ([]byte, error) {
	m := map[string]any{"cell_type": c.CellType, "id": c.ID, "metadata": c.Metadata, "source": c.Source}
	if c.CellType == "code" {
		m["execution_count"] = c.ExecutionCount
		outs := c.Outputs
		if outs == nil {
			outs = []any{}
		}
		m["outputs"] = outs
	}
	return json.Marshal(m)
}

func (c nbCell) source() string {
	var s string
	if json.Unmarshal(c.Source, &s) == nil {
		return s
	}
	var lines []string
	if err := json.Unmarshal(c.Source, &lines); err != nil {
		return ""
	}
	return strings.Join(lines, "")
}

func readNotebook(t *testing.T, path string) *notebook {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &nb
}

// Oracle: the lesson format of DESIGN.md, read from the file: nbformat 4.5
// with cell ids, the neuronb kernelspec, no stored outputs, code cells of
// at most maxCellLines lines, objectives and a time estimate, a
// takeaway after every figure cell, and exercises whose solutions follow
// them with their source hidden.
func TestTutorialFollowsTheLessonFormat(t *testing.T) {
	nb := readNotebook(t, tutorialPath)
	if nb.NBFormat != 4 || nb.NBFormatMinor != 5 {
		t.Errorf("nbformat %d.%d, want 4.5", nb.NBFormat, nb.NBFormatMinor)
	}
	ks, _ := nb.Metadata["kernelspec"].(map[string]any)
	if ks["name"] != "neuronb" || ks["display_name"] != "Go (neuronb)" || ks["language"] != "go" {
		t.Errorf("kernelspec %v", ks)
	}
	ids := map[string]bool{}
	hidden := 0
	for i, c := range nb.Cells {
		if c.ID == "" || ids[c.ID] {
			t.Errorf("cell %d: missing or repeated id %q", i, c.ID)
		}
		ids[c.ID] = true
		src := c.source()
		if c.CellType != "code" {
			continue
		}
		if len(c.Outputs) > 0 {
			t.Errorf("cell %d is stored with outputs", i)
		}
		if n := strings.Count(strings.TrimRight(src, "\n"), "\n") + 1; n > maxCellLines {
			t.Errorf("cell %d has %d lines, want ≤ %d", i, n, maxCellLines)
		}
		if j, ok := c.Metadata["jupyter"].(map[string]any); ok && j["source_hidden"] == true {
			hidden++
			if prev := nb.Cells[i-1].source(); !strings.Contains(prev, "TODO") && !strings.Contains(prev, "EXERCISE") {
				t.Errorf("hidden solution %d does not follow an exercise cell", i)
			}
		}
		if strings.Contains(src, "widgets.Show(") && i+1 < len(nb.Cells) && nb.Cells[i+1].CellType == "markdown" {
			if !strings.HasPrefix(strings.TrimSpace(nb.Cells[i+1].source()), "*Takeaway:") {
				t.Errorf("figure cell %d is not followed by a takeaway", i)
			}
		}
	}
	if hidden == 0 {
		t.Errorf("no hidden solution cell: the lesson has no exercise")
	}
	intro := nb.Cells[0].source()
	if !strings.Contains(intro, "Objectives") || !strings.Contains(intro, "Estimated time") {
		t.Errorf("first cell lacks objectives or a time estimate")
	}
}

// tutorialProgram turns the notebook's code cells into one Go program and
// returns it with the indices of the %% cells, in order.
func tutorialProgram(nb *notebook) (string, []int) {
	var imports, bodies strings.Builder
	var decls []string
	declaredIn := map[string]int{} // top-level function name → index in decls
	var order []int
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		// As GoNB does: what precedes a "%%" line is declarations (imports
		// first), what follows it is the body of main.
		src, body, hasBody := c.source(), "", false
		if strings.HasPrefix(src, "%%") {
			src, body, hasBody = "", src, true
		} else if k := strings.Index(src, "\n%%"); k >= 0 {
			src, body, hasBody = src[:k], src[k+1:], true
		}
		if trimmed := strings.TrimSpace(src); strings.HasPrefix(trimmed, "import") {
			imports.WriteString(src + "\n")
		} else if trimmed != "" {
			// A cell that declares a function again (an exercise's
			// solution) replaces the earlier declaration, as in GoNB.
			at := len(decls)
			for _, m := range topFunc.FindAllStringSubmatch(src, -1) {
				if k, ok := declaredIn[m[1]]; ok {
					at = k
				}
			}
			if at == len(decls) {
				decls = append(decls, "")
			}
			decls[at] = src + "\n\n"
			for _, m := range topFunc.FindAllStringSubmatch(src, -1) {
				declaredIn[m[1]] = at
			}
		}
		if hasBody {
			lines := strings.SplitN(body, "\n", 2)
			fmt.Fprintf(&bodies, "func nbCell%d() {\n", i)
			if len(lines) == 2 {
				bodies.WriteString(lines[1])
			}
			bodies.WriteString("\n}\n\n")
			order = append(order, i)
		}
	}
	var b strings.Builder
	b.WriteString("package main\n\n")
	b.WriteString(imports.String())
	b.WriteString(`import (
	nbfmt "fmt"
	nbgonbui "github.com/janpfeifer/gonb/gonbui"
	nbprotocol "github.com/janpfeifer/gonb/gonbui/protocol"
)

`)
	b.WriteString(strings.Join(decls, ""))
	b.WriteString(bodies.String())
	b.WriteString("func main() {\n")
	for _, i := range order {
		fmt.Fprintf(&b, "\tnbfmt.Printf(\"\\n%s%d\\n\")\n", cellMark, i)
		fmt.Fprintf(&b, "\tnbgonbui.SendData(&nbprotocol.DisplayData{Data: map[nbprotocol.MIMEType]any{%q: %d}})\n", cellMIME, i)
		fmt.Fprintf(&b, "\tnbCell%d()\n", i)
	}
	b.WriteString("\tnbgonbui.Sync()\n}\n")
	return b.String(), order
}

// topFunc finds the names of a cell's top-level functions.
var topFunc = regexp.MustCompile(`(?m)^func (\w+)[\[(]`)

const (
	cellMark = "@@neuronb-cell "
	cellMIME = "application/x-neuronb-cell"
)

// runTutorial builds and runs the tutorial program with a fake GoNB kernel
// on its pipes and returns the executed notebook.
func runTutorial(t *testing.T, headless bool) *notebook {
	t.Helper()
	nb := readNotebook(t, tutorialPath)
	prog, order := tutorialProgram(nb)
	dir := t.TempDir()
	main := filepath.Join(dir, "main.go")
	if err := os.WriteFile(main, []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "tutorial")
	if out, err := exec.Command("go", "build", "-o", bin, main).CombinedOutput(); err != nil {
		t.Fatalf("the tutorial does not compile as GoNB would assemble it: %v\n%s", err, out)
	}
	pipe, back := filepath.Join(dir, "pipe"), filepath.Join(dir, "back")
	for _, p := range []string{pipe, back} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skipf("no named pipes: %v", err)
		}
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), protocol.GONB_PIPE_ENV+"="+pipe, protocol.GONB_PIPE_BACK_ENV+"="+back,
		"NEURONB_OUT="+filepath.Join(dir, "out"))
	if headless {
		cmd.Env = append(cmd.Env, "NEURONB_HEADLESS=1")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	type event struct{ data *protocol.DisplayData }
	events := make(chan event, 4096)
	kernelDone := make(chan error, 1)
	go func() {
		kernelDone <- fakeKernel(pipe, back, func(d *protocol.DisplayData) { events <- event{data: d} })
	}()
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			t.Fatalf("the tutorial program failed: %v\nstderr:\n%s", err, stderr.String())
		}
	case <-time.After(3 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the tutorial program did not finish within 3 minutes")
	}
	select {
	case err := <-kernelDone:
		if err != nil {
			t.Fatalf("fake kernel: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("fake kernel did not see the end of the pipe")
	}
	close(events)

	// Split displays and stdout by cell, then fill the notebook.
	outputs := map[int]*recorder{}
	cur := -1
	for e := range events {
		if c, ok := e.data.Data[cellMIME].(int); ok {
			cur = c
			outputs[cur] = &recorder{}
			continue
		}
		if cur < 0 {
			t.Fatalf("display before the first cell: %v", keys(e.data.Data))
		}
		outputs[cur].sends = append(outputs[cur].sends, e.data)
	}
	streams := map[int]string{}
	for _, part := range strings.Split(stdout.String(), "\n"+cellMark)[1:] {
		var c int
		nl := strings.IndexByte(part, '\n')
		fmt.Sscan(part[:nl], &c)
		streams[c] = part[nl+1:]
	}
	count := 0
	for _, i := range order {
		count++
		n := count
		nb.Cells[i].ExecutionCount = &n
		var outs []any
		if s := streams[i]; s != "" {
			outs = append(outs, map[string]any{"output_type": "stream", "name": "stdout", "text": s})
		}
		if r := outputs[i]; r != nil {
			for _, o := range r.outputs() {
				outs = append(outs, o)
			}
		}
		nb.Cells[i].Outputs = outs
	}
	if s := stderr.String(); strings.TrimSpace(s) != "" {
		t.Errorf("the tutorial wrote to stderr (a notebook run would fail):\n%s", s)
	}
	return nb
}

// fakeKernel reads gob-encoded displays from pipe until the writer closes
// it, answering sync requests on back, as GoNB's kernel does.
func fakeKernel(pipe, back string, deliver func(*protocol.DisplayData)) error {
	r, err := os.Open(pipe)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := os.OpenFile(back, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer w.Close()
	dec, enc := gob.NewDecoder(r), gob.NewEncoder(w)
	for {
		d := &protocol.DisplayData{}
		if err := dec.Decode(d); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if cv, ok := d.Data[protocol.MIMECommValue].(protocol.CommValue); ok {
			if cv.Address == protocol.GonbuiSyncAddress {
				if err := enc.Encode(&protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: cv.Value}); err != nil {
					return err
				}
			}
			continue
		}
		deliver(d)
	}
}

func writeNotebook(t *testing.T, nb *notebook, path string) {
	t.Helper()
	raw, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Oracle: the outputs a kernel would receive from every cell: each figure
// cell shows its figures, the progress bar is a single output in its final
// state, the exercise prints what is missing, every PNG is valid base64.
func TestTutorialRunsAndShowsEveryFigure(t *testing.T) {
	nb := runTutorial(t, true)
	figures := 0
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		src := c.source()
		shows := strings.Count(src, "widgets.Show(")
		displays := 0
		for _, o := range c.Outputs {
			m := o.(map[string]any)
			if m["output_type"] != "display_data" {
				continue
			}
			displays++
			data := m["data"].(map[string]any)
			if p, ok := data["image/png"].(string); ok {
				if _, err := base64.StdEncoding.DecodeString(p); err != nil {
					t.Errorf("cell %d: PNG is not base64: %v", i, err)
				}
			}
		}
		if shows > 0 && displays != shows {
			t.Errorf("cell %d: %d displays for %d Show calls", i, displays, shows)
		}
		figures += displays
		if strings.Contains(src, "NewProgress") {
			if len(c.Outputs) != 1 {
				t.Errorf("progress cell %d has %d outputs, want 1 updated in place", i, len(c.Outputs))
			} else if txt := c.Outputs[0].(map[string]any)["data"].(map[string]any)["text/plain"].(string); !strings.Contains(txt, "done, 150 iterations") {
				t.Errorf("progress final state %q", txt)
			}
		}
		if strings.Contains(src, "EigenPlane") && !strings.Contains(fmt.Sprint(c.Outputs), "0 outside the unit circle") {
			t.Errorf("cell %d: the takeaway says W is stable, but its eigenvalues reach outside the unit circle", i)
		}
		if strings.Contains(src, "TODO") && !strings.Contains(fmt.Sprint(c.Outputs), "1 of 5 frames built") {
			t.Errorf("exercise cell %d does not say what is missing", i)
		}
	}
	if figures < 17 {
		t.Errorf("%d figures in the executed tutorial, want every chart type and control (≥ 17)", figures)
	}
}

// maxCellLines is nbrun.MaxCellLines (the notebook lint's limit), which
// this package's tests cannot import: nbrun imports widgets.
const maxCellLines = 20
