package notebooks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/neuronb/neuronb/widgets"
)

// ResultsDir is where SaveResults writes: $NEURONB_RESULTS_DIR, or results/
// next to the notebook.
func ResultsDir() string { return envOr("NEURONB_RESULTS_DIR", "results") }

// FiguresDir is where SaveFigure writes: $NEURONB_FIGURES_DIR, or figures/
// next to the notebook.
func FiguresDir() string { return envOr("NEURONB_FIGURES_DIR", "figures") }

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// SaveResults writes v as indented JSON to ResultsDir()/name.json and
// returns the path.
func SaveResults(name string, v any) (string, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", fmt.Errorf("notebooks: results %q: %w", name, err)
	}
	return write(ResultsDir(), name+".json", append(data, '\n'))
}

// LoadResults reads ResultsDir()/name.json into v.
func LoadResults(name string, v any) error {
	data, err := os.ReadFile(filepath.Join(ResultsDir(), name+".json"))
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// SaveFigure renders anything widgets.Show accepts (a figure, a gonum plot, a
// chart, or a constructor's (value, error) pair) and writes it to
// FiguresDir()/name.png, and name.svg or name.html when the figure has those
// renderings. It returns the paths written.
func SaveFigure(name string, v any, errs ...error) ([]string, error) {
	b, err := widgets.Render(v, errs...)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, f := range []struct {
		ext  string
		data []byte
	}{{".png", b.PNG}, {".svg", []byte(b.SVG)}, {".html", []byte(b.HTML)}} {
		if len(f.data) == 0 || (f.ext == ".html" && b.SVG != "") {
			continue
		}
		data := f.data
		if f.ext == ".html" {
			data = []byte("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + name +
				"</title></head>\n<body>\n" + b.HTML + "\n</body></html>\n")
		}
		p, err := write(FiguresDir(), name+f.ext, data)
		if err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func write(dir, file string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("notebooks: %w", err)
	}
	p := filepath.Join(dir, file)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return "", fmt.Errorf("notebooks: %w", err)
	}
	return p, nil
}
