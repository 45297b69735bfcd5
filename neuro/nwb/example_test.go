package nwb_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/neuronb/neuronb/neuro/nwb"
)

// Open an NWB file and read its units, trials and a time series.
func Example() {
	f, err := nwb.Open("../../tutorials/data/head_direction.nwb")
	if err != nil {
		log.Fatal(err)
	}
	defer func() {
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
	}()
	meta, err := f.Metadata()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(meta.Identifier, meta.SessionStartTime, meta.General["subject/species"])

	units, err := f.Units()
	if err != nil {
		log.Fatal(err)
	}
	st := units.SpikeTimes[0]
	fmt.Printf("%d units; unit %d: %d spikes from %.3f s to %.3f s\n", units.Len(), units.IDs[0], len(st), st[0], st[len(st)-1])

	trials, err := f.Intervals("trials")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(trials.Len(), "trials; first:", trials.Start[0], trials.Stop[0], trials.Columns["condition"].Strings[0])

	infos, err := f.TimeSeriesInfo()
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range infos {
		fmt.Println(in.Path, in.NeurodataType, in.Shape, in.Unit, in.Rate, "Hz")
	}
	// The first second of head direction only.
	hd, err := f.TimeSeriesRange(infos[0].Path, 0, 100)
	if err != nil {
		log.Fatal(err)
	}
	r, c := hd.Data.Dims()
	fmt.Printf("%d×%d samples, t = %.2f…%.2f s\n", r, c, hd.Timestamps[0], hd.Timestamps[r-1])
	// Output:
	// neuronb-hd-sim-2024 2024-05-17 10:30:00 +0000 UTC [Mus musculus]
	// 20 units; unit 0: 1169 spikes from 0.377 s to 237.692 s
	// 12 trials; first: 0 20 light
	// /processing/behavior/CompassDirection/head_direction SpatialSeries [24000] radians 100 Hz
	// 100×1 samples, t = 0.00…0.99 s
}

// The tree of a file, without attributes.
func ExampleFile_WriteTree() {
	f, err := nwb.Open("../../tutorials/data/head_direction.nwb")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	var b strings.Builder
	if err := f.WriteTree(&b, false); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "/units/spike_times") || strings.HasPrefix(line, "/processing/behavior/CompassDirection/") {
			fmt.Println(line)
		}
	}
	// Output:
	// /processing/behavior/CompassDirection/head_direction (group, SpatialSeries)
	// /processing/behavior/CompassDirection/head_direction/data (dataset float32 [24000])
	// /processing/behavior/CompassDirection/head_direction/reference_frame (dataset string (utf-8, variable length) [])
	// /processing/behavior/CompassDirection/head_direction/starting_time (dataset float64 [])
	// /units/spike_times (dataset float64 [21623], chunked [21623])
	// /units/spike_times_index (dataset uint16 [20], chunked [20])
}
