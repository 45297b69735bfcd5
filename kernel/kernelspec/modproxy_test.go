package kernelspec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPinnedProxyListsOnlyGoSumVersions builds a pinned proxy from a fake
// download cache that also holds a newer version, and one go.sum version
// whose go.mod is missing: the list names exactly the go.sum versions whose
// go.mod the cache has, with escaped module paths.
func TestPinnedProxyListsOnlyGoSumVersions(t *testing.T) {
	root := t.TempDir()
	r := Repo{Root: root}
	sum := "github.com/BurntSushi/toml v1.6.0 h1:x=\ngithub.com/BurntSushi/toml v1.6.0/go.mod h1:y=\n" +
		"example.com/m v1.2.0/go.mod h1:z=\nexample.com/m v1.1.0/go.mod h1:w=\n"
	if err := os.WriteFile(filepath.Join(root, "go.sum"), []byte(sum), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	write := func(rel, data string) {
		p := filepath.Join(cache, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("github.com/!burnt!sushi/toml/@v/v1.6.0.mod", "module github.com/BurntSushi/toml\n")
	write("github.com/!burnt!sushi/toml/@v/v1.7.0.mod", "module github.com/BurntSushi/toml\n") // newer, not in go.sum
	write("github.com/!burnt!sushi/toml/@v/list", "v1.6.0\nv1.7.0\n")
	write("example.com/m/@v/v1.1.0.mod", "module example.com/m\n") // v1.2.0's go.mod is missing
	dir, err := r.PinnedProxy(cache)
	if err != nil {
		t.Fatal(err)
	}
	for mod, want := range map[string]string{"github.com/!burnt!sushi/toml": "v1.6.0\n", "example.com/m": "v1.1.0\n"} {
		got, err := os.ReadFile(filepath.Join(dir, mod, "@v", "list"))
		if err != nil || string(got) != want {
			t.Errorf("%s list = %q (%v), want %q", mod, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "github.com/!burnt!sushi/toml/@v/v1.7.0.mod")); err == nil {
		t.Error("a version go.sum does not record was copied")
	}
	again, err := r.PinnedProxy(cache)
	if err != nil || again != dir {
		t.Errorf("second call: %q, %v; want the same directory", again, err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.sum"), []byte("bad line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := r.PinnedProxy(cache); err == nil || !strings.Contains(err.Error(), "go.sum") {
		t.Errorf("malformed go.sum: %v", err)
	}
}
