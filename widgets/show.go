package widgets

import (
	"encoding/gob"
	"errors"
	"fmt"
	"html"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"gonum.org/v1/plot"
)

func init() {
	// Display metadata nests a map in the gob-encoded DisplayData; the GoNB
	// kernel registers the same type on its side.
	gob.Register(map[string]any{})
}

// display is where outputs go: GoNB's pipe in a notebook. Tests replace it
// to inspect what a cell would send.
var display = struct {
	notebook func() bool
	send     func(*protocol.DisplayData)
	sync     func()
}{
	notebook: func() bool { return gonbui.IsNotebook },
	send:     gonbui.SendData,
	sync:     gonbui.Sync,
}

// Renderer is implemented by values that know how to show themselves:
// *Figure, *Control and anything a caller defines.
type Renderer interface {
	Render() (*Bundle, error)
}

// Render returns the MIME bundle of v, which may be a Renderer (*Figure,
// *Control), a gonum *plot.Plot, a go-echarts chart or an image.Image. Like
// Show, it accepts a constructor's (value, error) pair.
func Render(v any, errs ...error) (*Bundle, error) {
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case nil:
		return nil, errors.New("widgets: nothing to show (nil)")
	case Renderer:
		return x.Render()
	}
	f, err := toFigure(v)
	if err != nil {
		return nil, err
	}
	return f.Render()
}

// toFigure converts the values Show accepts into a *Figure.
func toFigure(v any) (*Figure, error) {
	switch x := v.(type) {
	case *Figure:
		if x == nil {
			return nil, errors.New("widgets: nil *Figure")
		}
		return x, nil
	case *plot.Plot:
		return FromPlot(x, nil)
	case EChartsChart:
		return FromECharts(x)
	case image.Image:
		return FromImage(x, nil)
	case nil:
		return nil, errors.New("widgets: nothing to show (nil)")
	}
	return nil, fmt.Errorf("widgets: cannot show a %T (want *widgets.Figure, *plot.Plot, a go-echarts chart or an image.Image)", v)
}

// Show displays v as one output of the running notebook cell, or, outside a
// notebook (tests, programs, gonbui.IsNotebook false), writes it to files in
// OutputDir() and prints their paths on stderr.
//
// v may be a *Figure from this package's chart constructors, a *Control, a
// gonum *plot.Plot, a go-echarts chart or an image.Image. Show also accepts
// the (value, error) pair a constructor returns, so a figure is one line:
//
//	widgets.Show(widgets.Lines(t, rates, &widgets.Options{Title: "rates"}))
//
// An error (from the constructor or from rendering) is printed on stderr, so
// it is visible in the cell, and returned.
func Show(v any, errs ...error) error {
	err := errors.Join(errs...)
	var b *Bundle
	if err == nil {
		b, err = Render(v)
	}
	if err == nil {
		if display.notebook() {
			display.send(&protocol.DisplayData{Data: b.Data(), Metadata: b.Metadata()})
			// A cell's process may end right after Show: wait until GoNB has
			// the output, or it is lost when the kernel closes the pipe.
			display.sync()
			return nil
		}
		var paths []string
		if paths, err = WriteFiles(b, OutputDir()); err == nil {
			fmt.Fprintf(os.Stderr, "widgets: wrote %s\n", strings.Join(paths, ", "))
			return nil
		}
	}
	fmt.Fprintf(os.Stderr, "%v\n", err)
	return err
}

// OutputDir is where Show writes files outside a notebook: $NEURONB_OUT if
// set, else ./neuronb-out.
func OutputDir() string {
	if d := os.Getenv("NEURONB_OUT"); d != "" {
		return d
	}
	return "neuronb-out"
}

var (
	fileMu    sync.Mutex
	fileCount = map[string]int{}
)

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// fileStem turns a title (or, without one, the chart kind) into a file name
// stem: lower case letters, digits and dashes.
func fileStem(title, kind string) string {
	s := strings.Trim(nonWord.ReplaceAllString(strings.ToLower(title), "-"), "-")
	if len(s) > 60 {
		s = strings.Trim(s[:60], "-")
	}
	if s == "" {
		s = kind
	}
	return s
}

// WriteFiles writes b into dir (created if needed) as <name>-<n>.png, .svg
// and .html (a standalone page; interactive charts work offline in it), as
// far as b has those renderings, and returns the paths. n counts the bundles
// of that name written by this process, so a program that draws the same
// figure again overwrites its earlier file when re-run.
func WriteFiles(b *Bundle, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("widgets: output directory: %w", err)
	}
	fileMu.Lock()
	name := orDefault(b.Name, "figure")
	fileCount[name]++
	stem := filepath.Join(dir, fmt.Sprintf("%s-%d", name, fileCount[name]))
	fileMu.Unlock()
	var paths []string
	write := func(ext string, data []byte) error {
		p := stem + ext
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("widgets: %w", err)
		}
		paths = append(paths, p)
		return nil
	}
	if b.PNG != nil {
		if err := write(".png", b.PNG); err != nil {
			return paths, err
		}
	}
	if b.SVG != "" {
		if err := write(".svg", []byte(b.SVG)); err != nil {
			return paths, err
		}
	}
	if b.HTML != "" && b.SVG == "" {
		if err := write(".html", []byte(standalonePage(b))); err != nil {
			return paths, err
		}
	}
	if len(paths) == 0 {
		if err := write(".txt", []byte(b.Text+"\n")); err != nil {
			return paths, err
		}
	}
	return paths, nil
}

// standalonePage wraps an output's HTML into a page of its own.
func standalonePage(b *Bundle) string {
	return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html.EscapeString(b.Name) +
		"</title></head>\n<body style=\"margin:16px;font-family:sans-serif\">\n" + b.HTML + "\n</body></html>\n"
}
