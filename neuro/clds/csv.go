package clds

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// CSVOptions says which columns of a long-format CSV file (one row per
// time bin, a header row naming the columns) hold what.
type CSVOptions struct {
	// Trial names the column identifying the trial; "" means the whole
	// file is one trial. Rows of a trial must be contiguous and in time
	// order.
	Trial string
	// Conditions name the condition columns (u_t), in order.
	Conditions []string
	// Neurons name the observation columns (binned counts or rates); nil
	// means every column not named by Trial, Conditions or Ignore.
	Neurons []string
	// Ignore names columns to skip (e.g. a time stamp).
	Ignore []string
	// Comma is the field separator; 0 means ','.
	Comma rune
}

// Dataset is what every reader of this package returns (ReadCSV,
// LoadCSV, LoadNPY, DatasetFromArrays): the trials with the names of
// their trials, neurons and conditions.
type Dataset struct {
	Trials     []Trial
	TrialIDs   []string
	Neurons    []string
	Conditions []string
}

// ReadCSV parses a long-format CSV file into trials. An empty cell or NA
// or NaN in a neuron column marks that whole time bin as missing (the
// filter skips it); conditions must be present in every row. Blank lines
// are skipped. Errors name the line of the file (counting every physical
// line, blank ones and the header included) and the column.
func ReadCSV(r io.Reader, opts CSVOptions) (*Dataset, error) {
	cr := csv.NewReader(r)
	if opts.Comma != 0 {
		cr.Comma = opts.Comma
	}
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("clds: csv: reading header: %w", err)
	}
	cols, err := csvColumnsOf(header, opts)
	if err != nil {
		return nil, err
	}
	b := &csvTrials{cols: cols, ds: &Dataset{Neurons: cols.neuronNames, Conditions: append([]string(nil), opts.Conditions...)}, seen: map[string]bool{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("clds: csv: %w", err)
		}
		if err := b.addRow(rec, cr.FieldPos); err != nil {
			return nil, err
		}
	}
	b.flush()
	if len(b.ds.Trials) == 0 {
		return nil, fmt.Errorf("clds: csv: no data rows")
	}
	return b.ds, nil
}

// csvColumns locates the roles of a CSV file's columns.
type csvColumns struct {
	trial       int // -1: the file is one trial
	conds       []int
	condNames   []string
	neurons     []int
	neuronNames []string
}

// csvColumnsOf matches the header against opts.
func csvColumnsOf(header []string, opts CSVOptions) (csvColumns, error) {
	c := csvColumns{trial: -1, condNames: opts.Conditions}
	index := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := index[h]; dup {
			return c, fmt.Errorf("clds: csv: column %q appears twice in the header", h)
		}
		index[h] = i
	}
	used := map[int]bool{}
	find := func(role, name string) (int, error) {
		i, ok := index[name]
		if !ok {
			return 0, fmt.Errorf("clds: csv: %s column %q is not in the header %v", role, name, header)
		}
		used[i] = true
		return i, nil
	}
	var err error
	if opts.Trial != "" {
		if c.trial, err = find("trial", opts.Trial); err != nil {
			return c, err
		}
	}
	for _, name := range opts.Conditions {
		i, err := find("condition", name)
		if err != nil {
			return c, err
		}
		c.conds = append(c.conds, i)
	}
	for _, name := range opts.Ignore {
		if _, err := find("ignored", name); err != nil {
			return c, err
		}
	}
	for _, name := range opts.Neurons {
		i, err := find("neuron", name)
		if err != nil {
			return c, err
		}
		c.neurons, c.neuronNames = append(c.neurons, i), append(c.neuronNames, name)
	}
	if opts.Neurons == nil {
		for i, h := range header {
			if !used[i] {
				c.neurons, c.neuronNames = append(c.neurons, i), append(c.neuronNames, strings.TrimSpace(h))
			}
		}
	}
	if len(c.neurons) == 0 {
		return c, fmt.Errorf("clds: csv: no neuron columns")
	}
	return c, nil
}

// csvTrials groups CSV rows into trials.
type csvTrials struct {
	cols       csvColumns
	ds         *Dataset
	seen       map[string]bool
	cur        string
	ys, us     []float64
	mask       []bool
	anyMissing bool
}

// addRow adds one record; pos gives the physical line of a field (the
// csv.Reader's FieldPos), so that errors name the line a user sees in an
// editor even after blank lines or quoted line breaks.
func (b *csvTrials) addRow(rec []string, pos func(field int) (line, column int)) error {
	line := func(field int) int { l, _ := pos(field); return l }
	if c := b.cols.trial; c >= 0 {
		id := strings.TrimSpace(rec[c])
		if id != b.cur || len(b.mask) == 0 {
			if b.seen[id] && id != b.cur {
				return fmt.Errorf("clds: csv: line %d: trial %q appears again after other trials; rows of a trial must be contiguous", line(c), id)
			}
			if id != b.cur {
				b.flush()
			}
			b.cur = id
			b.seen[id] = true
		}
	}
	missing := false
	for k, c := range b.cols.neurons {
		s := strings.TrimSpace(rec[c])
		v := math.NaN()
		if s == "" || strings.EqualFold(s, "na") || strings.EqualFold(s, "nan") {
			missing = true
		} else if x, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(x, 0) {
			v = x
		} else {
			return fmt.Errorf("clds: csv: line %d, column %q: %q is not a finite number", line(c), b.cols.neuronNames[k], s)
		}
		b.ys = append(b.ys, v)
	}
	for k, c := range b.cols.conds {
		s := strings.TrimSpace(rec[c])
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("clds: csv: line %d, condition column %q: %q is not a finite number", line(c), b.cols.condNames[k], s)
		}
		b.us = append(b.us, v)
	}
	b.mask = append(b.mask, !missing)
	b.anyMissing = b.anyMissing || missing
	return nil
}

// flush ends the current trial.
func (b *csvTrials) flush() {
	T := len(b.mask)
	if T == 0 {
		return
	}
	tr := Trial{Y: mat.NewDense(T, len(b.cols.neurons), b.ys)}
	if M := len(b.cols.conds); M > 0 {
		tr.U = mat.NewDense(T, M, b.us)
	}
	if b.anyMissing {
		tr.Mask = b.mask
	}
	b.ds.Trials = append(b.ds.Trials, tr)
	b.ds.TrialIDs = append(b.ds.TrialIDs, b.cur)
	b.ys, b.us, b.mask, b.anyMissing = nil, nil, nil, false
}

// LoadCSV opens path and calls ReadCSV.
func LoadCSV(path string, opts CSVOptions) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("clds: %w", err)
	}
	ds, err := ReadCSV(f, opts)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ds, nil
}

// SqrtZScore applies the paper's preprocessing of spike counts for its
// Gaussian emissions (without the smoothing): y ← √y, then one global
// z-score, (y − mean)/sd over every observed bin and neuron of every
// trial. The square root roughly equalises the Poisson variance across
// firing rates. It fails on a negative count and on data with no spread.
func (ds *Dataset) SqrtZScore() error {
	var n, sum, sq float64
	for i, tr := range ds.Trials {
		T, N := tr.Y.Dims()
		for t := 0; t < T; t++ {
			if !(tr.Mask == nil || tr.Mask[t]) {
				continue
			}
			for j := 0; j < N; j++ {
				v := tr.Y.At(t, j)
				if v < 0 {
					return fmt.Errorf("clds: SqrtZScore: trials[%d].Y[%d,%d] = %v is negative, not a count", i, t, j, v)
				}
				v = math.Sqrt(v)
				tr.Y.Set(t, j, v)
				n, sum, sq = n+1, sum+v, sq+v*v
			}
		}
	}
	mean := sum / n
	sd := math.Sqrt(sq/n - mean*mean)
	if !(sd > 0) {
		return fmt.Errorf("clds: SqrtZScore: the square-rooted counts have no spread (sd %v over %.0f values)", sd, n)
	}
	for _, tr := range ds.Trials {
		tr.Y.Apply(func(_, _ int, v float64) float64 { return (v - mean) / sd }, tr.Y)
	}
	return nil
}
