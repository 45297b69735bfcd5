package hdf5_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/hdf5"
)

// Asking for a group where a dataset is (and the reverse) names the path and
// both kinds, from the file and from a group.
func TestGroupAndDatasetOfTheWrongKind(t *testing.T) {
	f, err := hdf5.Open("testdata/seeds/basic_latest.h5")
	if err != nil {
		t.Fatal(err)
	}
	defer closeFile(f)
	g, err := f.Group("/g")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		call func() error
		want string
	}{
		{"File.Group", func() error { _, err := f.Group("/g/contig"); return err }, "/g/contig"},
		{"Group.Group", func() error { _, err := g.Group("contig"); return err }, "not a group"},
		{"File.Dataset", func() error { _, err := f.Dataset("/g"); return err }, "not a dataset"},
		{"Group.Dataset", func() error { _, err := g.Dataset("/"); return err }, "not a dataset"},
	} {
		err := c.call()
		if !errors.Is(err, hdf5.ErrType) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want ErrType mentioning %q", c.name, err, c.want)
		}
	}
	if d, err := g.Dataset("contig"); err != nil || d == nil {
		t.Errorf("Group.Dataset of a dataset: %v", err)
	}
}
