// Command nwbdump prints what an NWB (or any HDF5) file holds.
//
//	go run ./neuro/spikes/cmd/nwbdump FILE          the object tree
//	go run ./neuro/spikes/cmd/nwbdump FILE --units  one JSON object per unit
//
// The tree lists every link depth first: groups with their NWB type,
// datasets with their datatype, shape and storage, links with their
// targets, and under each object its attributes (long values shortened).
// With --units it prints, for each unit of /units, its id, spike count and
// first and last spike times (null for a unit without spikes), one JSON
// object per line.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/neuronb/neuronb/neuro/hdf5"
	"github.com/neuronb/neuronb/neuro/nwb"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "nwbdump:", err)
		os.Exit(1)
	}
}

const usage = "usage: nwbdump FILE [--units]"

func run(args []string, w io.Writer) error {
	var path string
	units := false
	for _, a := range args {
		switch a {
		case "--units", "-units":
			units = true
		case "-h", "--help", "-help":
			_, err := fmt.Fprintln(w, usage)
			return err
		default:
			if strings.HasPrefix(a, "-") || path != "" {
				return fmt.Errorf("unexpected argument %q\n%s", a, usage)
			}
			path = a
		}
	}
	if path == "" {
		return errors.New(usage)
	}
	if units {
		return dumpUnits(path, w)
	}
	return dumpTree(path, w)
}

// unitLine is one line of --units output.
type unitLine struct {
	ID         int64    `json:"id"`
	SpikeCount int      `json:"spike_count"`
	FirstSpike *float64 `json:"first_spike"`
	LastSpike  *float64 `json:"last_spike"`
}

func dumpUnits(path string, w io.Writer) (err error) {
	f, err := nwb.Open(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	u, err := f.Units()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	for i, id := range u.IDs {
		st := u.SpikeTimes[i]
		l := unitLine{ID: id, SpikeCount: len(st)}
		if len(st) > 0 {
			first, last := st[0], st[len(st)-1]
			l.FirstSpike, l.LastSpike = &first, &last
		}
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return nil
}

func dumpTree(path string, w io.Writer) (err error) {
	f, err := hdf5.Open(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	return nwb.WriteTree(w, f, true)
}
