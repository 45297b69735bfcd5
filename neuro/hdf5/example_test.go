package hdf5_test

import (
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/neuronb/neuronb/neuro/hdf5"
)

// Open a file, look a dataset up by path and read all of it.
func Example() {
	f, err := hdf5.Open("testdata/seeds/basic_latest.h5")
	if err != nil {
		log.Fatal(err)
	}
	defer closeFile(f)
	ds, err := f.Dataset("/g/contig")
	if err != nil {
		log.Fatal(err)
	}
	x, err := ds.ReadFloat64s()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ds.Datatype(), ds.Shape(), x)
	// Output: float64 [6] [0 0.25 0.5 0.75 1 1.25]
}

// Read a few rows of a chunked dataset: only the chunks holding them are
// read and decompressed.
func ExampleDataset_ReadInt64sRange() {
	f, err := hdf5.Open("testdata/seeds/chunked_earliest.h5")
	if err != nil {
		log.Fatal(err)
	}
	defer closeFile(f)
	ds, err := f.Dataset("/gz")
	if err != nil {
		log.Fatal(err)
	}
	rows, err := ds.ReadInt64sRange(6, 4)
	if err != nil {
		log.Fatal(err)
	}
	l := ds.Layout()
	fmt.Println(l.Class, l.Chunk, l.Index)
	var names []string
	for _, ft := range l.Filters {
		names = append(names, ft.Name)
	}
	fmt.Println(strings.Join(names, ", "))
	fmt.Println(rows)
	// Output:
	// chunked [8] v1 B-tree
	// shuffle, deflate, fletcher32
	// [6 7 8 9]
}

// Walk lists every link of a file: groups, datasets and the links that
// point elsewhere.
func ExampleFile_Walk() {
	f, err := hdf5.Open("testdata/seeds/basic_latest.h5")
	if err != nil {
		log.Fatal(err)
	}
	defer closeFile(f)
	err = f.Walk(func(e hdf5.Entry) error {
		switch o := e.Object.(type) {
		case *hdf5.Group:
			fmt.Println(e.Path, "group")
		case *hdf5.Dataset:
			fmt.Println(e.Path, o.Datatype(), o.Shape())
		default:
			fmt.Println(e.Path, e.Link.Type, "to", e.Link.Target)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// / group
	// /g group
	// /g/b enum int8 {FALSE=0, TRUE=1} [2]
	// /g/be int16 (big-endian) [4]
	// /g/c compound {i int16, f float64, a int8[2]} [1]
	// /g/contig float64 [6]
	// /g/ext_link external link to /y
	// /g/fs string[3] (ascii) [2]
	// /g/r object reference [1]
	// /g/soft soft link to /g/contig
}

// Attributes are read like small datasets; ReadString and ReadFloat64
// are shortcuts for scalars.
func ExampleAttribute() {
	f, err := hdf5.Open("testdata/seeds/basic_latest.h5")
	if err != nil {
		log.Fatal(err)
	}
	defer closeFile(f)
	root, err := f.Root()
	if err != nil {
		log.Fatal(err)
	}
	title, err := root.Attr("title")
	if err != nil {
		log.Fatal(err)
	}
	s, err := title.ReadString()
	if err != nil {
		log.Fatal(err)
	}
	n, err := root.Attr("n")
	if err != nil {
		log.Fatal(err)
	}
	v, err := n.Value()
	if err != nil {
		log.Fatal(err)
	}
	_, err = root.Attr("missing")
	fmt.Println(s, v, errors.Is(err, hdf5.ErrNotFound))
	// Output: seed 3 true
}

// ReadValues decodes any datatype into Go values: here a compound with an
// array member, and booleans.
func ExampleDataset_ReadValues() {
	f, err := hdf5.Open("testdata/seeds/basic_latest.h5")
	if err != nil {
		log.Fatal(err)
	}
	defer closeFile(f)
	for _, p := range []string{"/g/c", "/g/b"} {
		ds, err := f.Dataset(p)
		if err != nil {
			log.Fatal(err)
		}
		v, err := ds.ReadValues()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p, v)
	}
	// Output:
	// /g/c [map[a:[1 2] f:0.5 i:1]]
	// /g/b [true false]
}

func closeFile(f *hdf5.File) {
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
