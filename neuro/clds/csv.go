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

// Dataset is what ReadCSV returns: the trials with the names of their
// columns.
type Dataset struct {
	Trials     []Trial
	TrialIDs   []string
	Neurons    []string
	Conditions []string
}

// ReadCSV parses a long-format CSV file into trials. An empty cell or NA
// or NaN in a neuron column marks that whole time bin as missing (the
// filter skips it); conditions must be present in every row. Errors name
// the line and column.
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
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("clds: csv: column %q appears twice in the header", h)
		}
		col[h] = i
	}
	find := func(role, name string) (int, error) {
		i, ok := col[name]
		if !ok {
			return 0, fmt.Errorf("clds: csv: %s column %q is not in the header %v", role, name, header)
		}
		return i, nil
	}
	used := map[int]bool{}
	trialCol := -1
	if opts.Trial != "" {
		if trialCol, err = find("trial", opts.Trial); err != nil {
			return nil, err
		}
		used[trialCol] = true
	}
	ds := &Dataset{Conditions: append([]string(nil), opts.Conditions...)}
	var condCols, neuronCols []int
	for _, c := range opts.Conditions {
		i, err := find("condition", c)
		if err != nil {
			return nil, err
		}
		condCols = append(condCols, i)
		used[i] = true
	}
	for _, c := range opts.Ignore {
		i, err := find("ignored", c)
		if err != nil {
			return nil, err
		}
		used[i] = true
	}
	if opts.Neurons != nil {
		for _, c := range opts.Neurons {
			i, err := find("neuron", c)
			if err != nil {
				return nil, err
			}
			neuronCols = append(neuronCols, i)
			ds.Neurons = append(ds.Neurons, c)
		}
	} else {
		for i, h := range header {
			if !used[i] {
				neuronCols = append(neuronCols, i)
				ds.Neurons = append(ds.Neurons, strings.TrimSpace(h))
			}
		}
	}
	if len(neuronCols) == 0 {
		return nil, fmt.Errorf("clds: csv: no neuron columns")
	}
	N, M := len(neuronCols), len(condCols)
	seen := map[string]bool{}
	var ys, us []float64
	var mask []bool
	anyMissing := false
	cur := ""
	flush := func() {
		if len(mask) == 0 {
			return
		}
		T := len(mask)
		tr := Trial{Y: mat.NewDense(T, N, ys)}
		if M > 0 {
			tr.U = mat.NewDense(T, M, us)
		}
		if anyMissing {
			tr.Mask = mask
		}
		ds.Trials = append(ds.Trials, tr)
		ds.TrialIDs = append(ds.TrialIDs, cur)
		ys, us, mask, anyMissing = nil, nil, nil, false
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("clds: csv: %w", err)
		}
		if trialCol >= 0 {
			id := strings.TrimSpace(rec[trialCol])
			if id != cur || len(mask) == 0 {
				if seen[id] && id != cur {
					return nil, fmt.Errorf("clds: csv: line %d: trial %q appears again after other trials; rows of a trial must be contiguous", line, id)
				}
				if id != cur {
					flush()
				}
				cur = id
				seen[id] = true
			}
		}
		missing := false
		for k, c := range neuronCols {
			s := strings.TrimSpace(rec[c])
			var v float64
			if s == "" || strings.EqualFold(s, "na") || strings.EqualFold(s, "nan") {
				v, missing = math.NaN(), true
			} else if v, err = strconv.ParseFloat(s, 64); err != nil || math.IsInf(v, 0) {
				return nil, fmt.Errorf("clds: csv: line %d, column %q: %q is not a finite number", line, ds.Neurons[k], s)
			}
			ys = append(ys, v)
		}
		for k, c := range condCols {
			s := strings.TrimSpace(rec[c])
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("clds: csv: line %d, condition column %q: %q is not a finite number", line, opts.Conditions[k], s)
			}
			us = append(us, v)
		}
		mask = append(mask, !missing)
		anyMissing = anyMissing || missing
	}
	flush()
	if len(ds.Trials) == 0 {
		return nil, fmt.Errorf("clds: csv: no data rows")
	}
	return ds, nil
}

// LoadCSV opens path and calls ReadCSV.
func LoadCSV(path string, opts CSVOptions) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ds, err := ReadCSV(f, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ds, nil
}
