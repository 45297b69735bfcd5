package spikes_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/spikes"
)

// check stops an example on an error (examples have no testing.T).
func check(err error) {
	if err != nil {
		panic(err)
	}
}

// group is three units with hand-written spike times over 10 s.
func group() *spikes.TsGroup {
	g, err := spikes.NewTsGroup([][]float64{
		{0.2, 0.9, 1.1, 2.5, 3.3, 4.1, 5.5, 6.2, 7.7, 9.1},
		{1.5, 4.4, 8.8},
		{0.5, 0.6, 0.7, 5.1, 5.2, 5.3, 5.4},
	}, []int{3, 7, 12}, &spikes.Metadata{Strings: map[string][]string{"area": {"ADn", "PoSub", "ADn"}}})
	check(err)
	return g
}

func ExampleNewTsGroup() {
	g, err := spikes.NewTsGroup([][]float64{{0.5, 1.2, 3.0}, {0.1, 4.0}}, []int{11, 42},
		&spikes.Metadata{Numbers: map[string][]float64{"depth": {120, 340}}})
	check(err)
	fmt.Println(g)
	_, err = spikes.NewTsGroup([][]float64{{0.5, 0.2}}, []int{9}, nil)
	fmt.Println(err)
	// Output:
	//       id       rate   spikes        depth
	//       11     0.7692        3          120
	//       42     0.5128        2          340
	// 2 units, support 1 intervals, 3.9 s
	// spikes: NewTsGroup: unit 9 (index 0): time[1] = 0.2 comes before time[0] = 0.5; times must be sorted (sort.Float64s)
}

func ExampleNewIntervalSet() {
	// Unsorted, overlapping and zero-length input is normalised.
	ep, err := spikes.NewIntervalSet([]float64{10, 0, 2, 7}, []float64{12, 3, 5, 7}, nil)
	check(err)
	fmt.Println(ep)
	// Output:
	//  index        start          end
	//      0            0            5
	//      1           10           12
	// 2 intervals, total length 7 s
}

func ExampleIntervalSet_Intersect() {
	a, err := spikes.NewIntervalSet([]float64{0, 10}, []float64{5, 20}, nil)
	check(err)
	b, err := spikes.NewIntervalSet([]float64{3, 15}, []float64{12, 30}, nil)
	check(err)
	show := func(name string, s *spikes.IntervalSet) { fmt.Println(name, s.Starts(), s.Ends()) }
	show("a ∩ b", a.Intersect(b))
	show("a ∪ b", a.Union(b))
	show("a ∖ b", a.Difference(b))
	// Output:
	// a ∩ b [3 10 15] [5 12 20]
	// a ∪ b [0] [30]
	// a ∖ b [0 12] [3 15]
}

func ExampleIntervalSet_Complement() {
	sleep, err := spikes.NewIntervalSet([]float64{0, 3600}, []float64{1200, 5400}, nil)
	check(err)
	wake, err := sleep.Complement(0, 7200)
	check(err)
	fmt.Println(wake.Starts(), wake.Ends(), wake.TotalLength())
	// Output: [1200 5400] [3600 7200] 4200
}

// The CLDS paper cuts a wake epoch into 10 s trials.
func ExampleIntervalSet_Split() {
	wake, err := spikes.NewIntervalSet([]float64{100}, []float64{135.5}, nil)
	check(err)
	trials, err := wake.Split(10)
	check(err)
	fmt.Println(trials.Starts(), trials.Ends())
	// Output: [100 110 120] [110 120 130]
}

func ExampleIntervalSet_MergeClose() {
	ripples, err := spikes.NewIntervalSet([]float64{1, 1.05, 2, 3}, []float64{1.04, 1.1, 2.1, 3.03}, nil)
	check(err)
	merged, err := ripples.MergeClose(0.02)
	check(err)
	long, err := merged.DropShort(0.05)
	check(err)
	fmt.Println(merged.Starts(), merged.Ends(), long.Starts())
	// Output: [1 2 3] [1.1 2.1 3.03] [1 2]
}

func ExampleIntervalSet_Where() {
	trials, err := spikes.NewIntervalSet([]float64{0, 10, 20, 30}, []float64{8, 18, 28, 38},
		&spikes.Metadata{Strings: map[string][]string{"stimulus": {"grating", "dots", "grating", "blank"}}})
	check(err)
	gratings, err := trials.Where("stimulus", "grating")
	check(err)
	fmt.Println(gratings.Starts(), trials.Find(25), trials.Find(9))
	// Output: [0 20] 2 -1
}

func ExampleTsGroup_Restrict() {
	g := group()
	ep, err := spikes.NewIntervalSet([]float64{0, 5}, []float64{1, 6}, nil)
	check(err)
	r := g.Restrict(ep)
	fmt.Println(r.Times(0), r.Times(2), r.Rates()[0])
	// Output: [0.2 0.9 5.5] [0.5 0.6 0.7 5.1 5.2 5.3 5.4] 1.5
}

func ExampleTsGroup_Where() {
	adn, err := group().Where("area", "ADn")
	check(err)
	fmt.Println(adn.IDs(), adn.SpikeCounts())
	// Output: [3 12] [10 7]
}

// Counts in 2 s bins over two epochs: one row per bin (at its centre), one
// column per unit.
func ExampleTsGroup_Count() {
	ep, err := spikes.NewIntervalSet([]float64{0, 5}, []float64{4, 9}, nil)
	check(err)
	c, err := group().Count(2, ep)
	check(err)
	fmt.Println(c.Columns())
	for i, t := range c.Times() {
		fmt.Println(t, c.Values()[3*i:3*i+3])
	}
	// Output:
	// [3 7 12]
	// 1 [3 1 3]
	// 3 [2 0 0]
	// 6 [2 0 4]
	// 8 [1 1 0]
}

func ExampleTsGroup_CountIn() {
	trials, err := spikes.NewIntervalSet([]float64{0, 4, 8}, []float64{4, 8, 10}, nil)
	check(err)
	c := group().CountIn(trials)
	fmt.Println(c.Times(), mat.Formatted(c.Matrix()))
	// Output:
	// [2 6 9] ⎡5  1  3⎤
	// ⎢4  1  4⎥
	// ⎣1  1  0⎦
}

// Spikes aligned to two events, shown per trial, and their PSTH.
func ExampleTsGroup_Perievent() {
	pe, err := group().Perievent([]float64{1, 5}, 0.5, 1)
	check(err)
	fmt.Printf("%.1f\n", pe.Trials(2))
	h, err := pe.PSTH(0.5)
	check(err)
	fmt.Println(h[2].Name, h[2].Centres, h[2].Mean)
	// Output:
	// [[-0.5 -0.4 -0.3] [0.1 0.2 0.3 0.4]]
	// unit 12 [-0.25 0.25 0.75] [3 4 0]
}

func ExampleTsGroup_Rates() {
	g := group()
	fmt.Printf("rates %.3f Hz\nISI CV %.2f\n", g.Rates(), g.ISICV())
	// Output:
	// rates [1.124 0.337 0.787] Hz
	// ISI CV [0.46 0.29 2.15]
}

// Head-direction tuning: occupancy-normalised rates in 4 bins of [0, 2π).
func ExampleTsGroup_TuningCurves() {
	t := make([]float64, 400)
	theta := make([]float64, 400)
	for i := range t {
		t[i] = float64(i) / 40                        // 10 s at 40 Hz
		theta[i] = math.Mod(float64(i)/40, 2*math.Pi) // one turn per 2π s
	}
	hd, err := spikes.NewTsd(t, theta)
	check(err)
	var sp []float64
	for s := 0.01; s < 10; s += 0.05 {
		if math.Mod(s, 2*math.Pi) < math.Pi/2 { // fires in the first quadrant
			sp = append(sp, s)
		}
	}
	g, err := spikes.NewTsGroup([][]float64{sp}, nil, nil)
	check(err)
	tc, err := g.TuningCurves(hd, &spikes.TuningSettings{Bins: 4, Period: 2 * math.Pi})
	check(err)
	fmt.Printf("%.2f Hz over %.2f s\n", mat.Row(nil, 0, tc.Rates), tc.Occupancy)
	// Output: [20.00 0.00 0.00 0.00] Hz over [3.15 3.12 2.15 1.57] s
}

// Mean rates per stimulus: the stimulus × neuron matrix that
// neuro/similarity compares.
func ExampleTsGroup_Responses() {
	stim, err := spikes.NewIntervalSet([]float64{0, 2, 4, 6}, []float64{2, 4, 6, 8},
		&spikes.Metadata{Strings: map[string][]string{"image": {"face", "house", "face", "house"}}})
	check(err)
	r, err := group().Responses(stim, "image")
	check(err)
	fmt.Println(r.Conditions, r.IDs)
	fmt.Println(mat.Formatted(r.Rates))
	// Output:
	// [face house] [3 7 12]
	// ⎡1.25   0.5  1.75⎤
	// ⎣   1     0     0⎦
}

func ExampleNewTsd() {
	s, err := spikes.NewTsd([]float64{0, 0.5, 1, 1.5}, []float64{0.1, 0.2, 0.4, 0.3})
	check(err)
	fmt.Println(s)
	// Output: Tsd: 4 rows × 1 columns [0], t in [0, 1.5] s, support 1 intervals (1.5 s)
}

// A position (x, y) as NWB stores a SpatialSeries with timestamps.
func ExampleNewTsdFrame() {
	xy := mat.NewDense(3, 2, []float64{0, 0, 1, 0.5, 2, 1})
	pos, err := spikes.NewTsdFrame([]float64{10, 10.1, 10.2}, xy, []string{"x", "y"})
	check(err)
	fmt.Println(pos.Columns(), pos.Column(1), pos.At(2, 0))
	// Output: [x y] [0 0.5 1] 2
}

// A series stored with a start time and a rate (NWB's starting_time and
// rate): the times are start + i/rate.
func ExampleNewTsdRate() {
	lfp, err := spikes.NewTsdRate(2, 1000, mat.NewDense(4, 1, []float64{5, 6, 7, 8}), nil)
	check(err)
	fmt.Println(lfp.Times())
	// Output: [2 2.001 2.002 2.003]
}

// The head direction at bin centres, the covariate of a CLDS.
func ExampleTsd_ValueFrom() {
	hd, err := spikes.NewTsd([]float64{0, 0.1, 0.2, 0.3, 0.4}, []float64{0, 0.5, 1, 1.5, 2})
	check(err)
	bins, err := spikes.NewTsd([]float64{0.05, 0.14, 0.38}, make([]float64, 3))
	check(err)
	at, err := bins.ValueFrom(hd, nil, spikes.Closest)
	check(err)
	before, err := bins.ValueFrom(hd, nil, spikes.Before)
	check(err)
	fmt.Println(at.Values(), before.Values())
	// Output: [0.5 0.5 2] [0 0.5 1.5]
}

// A Gaussian of σ = 0.1 s over a 50 ms-binned spike count, with scipy's
// default (reflect) edges and with pynapple's zero padding.
func ExampleTsd_Smooth() {
	g, err := spikes.NewTsGroup([][]float64{{0.01, 0.02, 0.03, 0.26}}, nil, nil)
	check(err)
	ep, err := spikes.NewIntervalSet([]float64{0}, []float64{0.5}, nil)
	check(err)
	c, err := g.Count(0.05, ep)
	check(err)
	r, err := c.Smooth(0.1, spikes.EdgeReflect)
	check(err)
	z, err := c.Smooth(0.1, spikes.EdgeConstant)
	check(err)
	fmt.Printf("counts %v\nreflect %.2f\nzeros   %.2f\n", c.Values(), r.Values(), z.Values())
	// Output:
	// counts [3 0 0 0 0 1 0 0 0 0]
	// reflect [1.14 0.92 0.62 0.40 0.28 0.23 0.18 0.12 0.07 0.04]
	// zeros   [0.61 0.56 0.43 0.32 0.26 0.23 0.18 0.12 0.06 0.03]
}

// The CLDS paper's preprocessing: 50 ms counts, pandas' centred Gaussian
// rolling mean (4 bins, std 4 bins), ×4, square root, global z-score.
func ExampleTsd_Convolve() {
	trials, err := spikes.NewIntervalSet([]float64{0, 5}, []float64{5, 10}, nil)
	check(err)
	y, err := group().Count(0.05, trials)
	check(err)
	w, err := spikes.GaussianWindow(4, 4)
	check(err)
	y, err = y.Convolve(w, spikes.EdgeRenormalize)
	check(err)
	y, err = y.Scale(4).Sqrt()
	check(err)
	y, err = y.ZScore(spikes.Global)
	check(err)
	e := y.Epochs()
	fmt.Println(len(e), e[0].Len(), e[0].Cols(), fmt.Sprintf("%.3f", e[1].At(0, 2)))
	// Output: 2 100 3 -0.356
}

func ExampleTsd_ZScore() {
	x, err := spikes.NewTsdFrame([]float64{0, 1, 2}, mat.NewDense(3, 2, []float64{1, 10, 2, 20, 3, 30}), []string{"a", "b"})
	check(err)
	unit, err := x.ZScore(spikes.PerColumn)
	check(err)
	global, err := x.ZScore(spikes.Global)
	check(err)
	fmt.Printf("%.3f\n%.3f\n", unit.Values(), global.Values())
	// Output:
	// [-1.225 -1.225 0.000 0.000 1.225 1.225]
	// [-0.934 -0.093 -0.840 0.840 -0.747 1.774]
}

// Fano factor over trials: spike counts per trial, variance over mean.
func ExampleTsd_Fano() {
	trials, err := spikes.NewIntervalSet([]float64{0, 2, 4, 6, 8}, []float64{2, 4, 6, 8, 10}, nil)
	check(err)
	fmt.Printf("%.2f\n", group().CountIn(trials).Fano())
	// Output: [0.25 0.50 2.71]
}

func ExampleTsd_Epochs() {
	trials, err := spikes.NewIntervalSet([]float64{0, 5}, []float64{3, 9}, nil)
	check(err)
	c, err := group().Count(1, trials)
	check(err)
	for k, e := range c.Epochs() {
		fmt.Println("trial", k, e.Times())
	}
	// Output:
	// trial 0 [0.5 1.5 2.5]
	// trial 1 [5.5 6.5 7.5 8.5]
}

func ExampleGaussianKernel() {
	k, err := spikes.GaussianKernel(1, 2) // σ = 1 sample, radius ⌊2·1 + ½⌋ = 2
	check(err)
	fmt.Printf("%.4f origin %d\n", k.Weights, k.Origin)
	// Output: [0.0545 0.2442 0.4026 0.2442 0.0545] origin 2
}

func ExampleGaussianWindow() {
	w, err := spikes.GaussianWindow(4, 4)
	check(err)
	fmt.Printf("%.4f origin %d\n", w.Weights, w.Origin)
	// Output: [0.2422 0.2578 0.2578 0.2422] origin 2
}

func ExampleRateBand() {
	trials := [][]float64{{0.01, 0.02, 0.15}, {0.05}, {0.12, 0.18}}
	p, err := spikes.RateBand(trials, 0, 0.2, 0.1)
	check(err)
	for k, c := range p.Centres {
		fmt.Printf("t=%.2f s: %.1f Hz [%.1f, %.1f]\n", c, p.Mean[k], p.Lower[k], p.Upper[k])
	}
	// Output:
	// t=0.05 s: 10.0 Hz [-1.3, 21.3]
	// t=0.15 s: 10.0 Hz [-1.3, 21.3]
}

func ExampleReadCSV() {
	table := `unit,time
7,0.25

2,0.5
7,0.1
`
	g, err := spikes.ReadCSV(strings.NewReader(table))
	check(err)
	fmt.Println(g.IDs(), g.Trains())
	_, err = spikes.ReadCSV(strings.NewReader("unit,time\n\n7,0.1\n7,soon\n"))
	fmt.Println(err)
	// Output:
	// [2 7] [[0.5] [0.1 0.25]]
	// spikes: ReadCSV: line 4: time "soon" is not a finite number
}

func ExampleLoadCSV() {
	dir, err := os.MkdirTemp("", "spikes")
	check(err)
	path := filepath.Join(dir, "spikes.tsv")
	check(os.WriteFile(path, []byte("cluster_id\ttime\n4\t1.5\n4\t0.5\n"), 0o644))
	g, err := spikes.LoadCSV(path)
	check(err)
	fmt.Println(g.IDs(), g.Times(0))
	check(os.RemoveAll(dir))
	// Output: [4] [0.5 1.5]
}

// A Kilosort/Phy folder; keep Phy's "good" units.
func ExampleLoadPhy() {
	g, err := spikes.LoadPhy("testdata/phy")
	check(err)
	good, err := g.Where("group", "good")
	check(err)
	fmt.Println(g.IDs(), good.IDs(), good.SpikeCounts())
	// Output: [0 1 5 7 12] [0 12] [70 118]
}

// A group saved in pynapple's .npz layout (nap.load_file reads it) and
// loaded back.
func ExampleLoadNPZ() {
	dir, err := os.MkdirTemp("", "spikes")
	check(err)
	var buf bytes.Buffer
	check(group().WriteNPZ(&buf))
	path := filepath.Join(dir, "units.npz")
	check(os.WriteFile(path, buf.Bytes(), 0o644))
	g, err := spikes.LoadNPZ(path)
	check(err)
	fmt.Println(g.IDs(), g.Metadata().Strings["area"], g.SpikeCounts())
	check(os.RemoveAll(dir))
	// Output: [3 7 12] [ADn PoSub ADn] [10 3 7]
}

func ExampleLoadTsdNPZ() {
	dir, err := os.MkdirTemp("", "spikes")
	check(err)
	hd, err := spikes.NewTsd([]float64{0, 0.025, 0.05}, []float64{3.1, 3.2, 3.0})
	check(err)
	var buf bytes.Buffer
	check(hd.WriteNPZ(&buf))
	path := filepath.Join(dir, "hd.npz")
	check(os.WriteFile(path, buf.Bytes(), 0o644))
	back, err := spikes.LoadTsdNPZ(path)
	check(err)
	fmt.Println(back.Times(), back.Values())
	check(os.RemoveAll(dir))
	// Output: [0 0.025 0.05] [3.1 3.2 3]
}

func ExampleLoadIntervalSetNPZ() {
	dir, err := os.MkdirTemp("", "spikes")
	check(err)
	ep, err := spikes.NewIntervalSet([]float64{0, 60}, []float64{30, 90},
		&spikes.Metadata{Strings: map[string][]string{"state": {"sleep", "wake"}}})
	check(err)
	var buf bytes.Buffer
	check(ep.WriteNPZ(&buf))
	path := filepath.Join(dir, "epochs.npz")
	check(os.WriteFile(path, buf.Bytes(), 0o644))
	back, err := spikes.LoadIntervalSetNPZ(path)
	check(err)
	fmt.Print(back)
	check(os.RemoveAll(dir))
	// Output:
	//  index        start          end        state
	//      0            0           30        sleep
	//      1           60           90         wake
	// 2 intervals, total length 60 s
}

func ExampleTsGroup_Select() {
	g := group()
	i, ok := g.Index(12)
	sub, err := g.Select([]int{i, 0})
	check(err)
	fmt.Println(ok, sub.IDs(), sub.Metadata().Strings["area"])
	// Output: true [12 3] [ADn ADn]
}

func ExampleTsd_Restrict() {
	s, err := spikes.NewTsd([]float64{0, 1, 2, 3, 4, 5}, []float64{10, 11, 12, 13, 14, 15})
	check(err)
	ep, err := spikes.NewIntervalSet([]float64{1, 4}, []float64{2, 9}, nil)
	check(err)
	r := s.Restrict(ep)
	fmt.Println(r.Times(), r.Values(), r.Support().Ends())
	// Output: [1 2 4 5] [11 12 14 15] [2 9]
}

// Aligned trials of one unit as a group of its own, binned per trial.
func ExamplePerievent_Unit() {
	pe, err := group().Perievent([]float64{1, 5}, 0.5, 1)
	check(err)
	trials := pe.Unit(2)
	c, err := trials.Count(0.5, nil)
	check(err)
	fmt.Println(trials.IDs(), trials.Metadata().Numbers["event"], c.Times(), c.Values())
	// Output: [0 1] [1 5] [-0.25 0.25 0.75] [3 0 0 4 0 0]
}

// Open an NWB recording: its units, trials and head-direction series.
func ExampleOpenNWB() {
	f, err := spikes.OpenNWB("../../tutorials/data/head_direction.nwb")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	units, err := f.Units()
	if err != nil {
		fmt.Println(err)
		return
	}
	trials, err := f.Intervals("trials")
	if err != nil {
		fmt.Println(err)
		return
	}
	hd, err := f.Series("/processing/behavior/CompassDirection/head_direction")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d units, cell types %v…\n", units.Len(), units.Metadata().Strings["cell_type"][:2])
	fmt.Printf("%d trials, first %v\n", trials.Len(), trials.Metadata().Strings["condition"][0])
	fmt.Printf("head direction: %d samples, column %q\n", hd.Len(), hd.Columns()[0])
	// Output:
	// 20 units, cell types [head direction head direction]…
	// 12 trials, first light
	// head direction: 24000 samples, column "head_direction"
}
