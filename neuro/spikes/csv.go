package spikes

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// unitHeaders and timeHeaders are the column names ReadCSV recognises
// (case-insensitive).
var (
	unitHeaders = []string{"unit", "units", "unit_id", "unit_ids", "cluster", "cluster_id", "clusters", "neuron", "neuron_id", "id", "ids"}
	timeHeaders = []string{"time", "times", "t", "spike_time", "spike_times", "timestamp", "timestamps", "time_s", "times_s"}
)

// ReadCSV reads spike times in long format, one spike per line: a unit id
// (an integer) and a time in seconds. Fields are separated by commas or,
// when the first data line holds a tab, by tabs (TSV). A header line is
// optional: without one the columns are unit, time; with one, the unit
// column is named unit, unit_id, cluster, cluster_id, neuron or id and the
// time column time, times, t, spike_time(s) or timestamp(s) (any case, in
// any order; other columns are ignored). Blank lines and lines starting
// with # are skipped. Lines may come in any order: each unit's times are
// sorted and the units are ordered by id.
//
// Errors name the line, counting physical lines from 1 with blank and
// comment lines included, as an editor shows them.
func ReadCSV(r io.Reader) (*TsGroup, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	sep, err := sniffSeparator(br)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(br)
	cr.Comma, cr.Comment, cr.FieldsPerRecord, cr.ReuseRecord = sep, '#', -1, true
	unitCol, timeCol, width := 0, 1, 2
	first := true
	byUnit := map[int][]float64{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("spikes: ReadCSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if _, err := strconv.ParseFloat(strings.TrimSpace(rec[0]), 64); err != nil {
				if unitCol, timeCol, err = headerColumns(rec); err != nil {
					return nil, fmt.Errorf("spikes: ReadCSV: line %d: %w", line, err)
				}
				width = len(rec)
				continue
			}
		}
		if len(rec) != width {
			return nil, fmt.Errorf("spikes: ReadCSV: line %d has %d fields, want %d", line, len(rec), width)
		}
		id, err := parseUnit(rec[unitCol])
		if err != nil {
			l, _ := cr.FieldPos(unitCol)
			return nil, fmt.Errorf("spikes: ReadCSV: line %d: %w", l, err)
		}
		tm, err := strconv.ParseFloat(strings.TrimSpace(rec[timeCol]), 64)
		if err != nil || math.IsNaN(tm) || math.IsInf(tm, 0) {
			l, _ := cr.FieldPos(timeCol)
			return nil, fmt.Errorf("spikes: ReadCSV: line %d: time %q is not a finite number", l, rec[timeCol])
		}
		byUnit[id] = append(byUnit[id], tm)
	}
	if len(byUnit) == 0 {
		return nil, fmt.Errorf("spikes: ReadCSV: no spikes (the input has no data lines)")
	}
	ids := make([]int, 0, len(byUnit))
	for id := range byUnit {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	times := make([][]float64, len(ids))
	for i, id := range ids {
		times[i] = byUnit[id]
		sort.Float64s(times[i])
	}
	return NewTsGroup(times, ids, nil)
}

// sniffSeparator looks at the first line that is neither blank nor a
// comment (within the first MiB): a tab there means TSV.
func sniffSeparator(br *bufio.Reader) (rune, error) {
	b, err := br.Peek(1 << 20)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, fmt.Errorf("spikes: ReadCSV: %w", err)
	}
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if l := bytes.TrimSpace(line); len(l) == 0 || l[0] == '#' {
			continue
		}
		if bytes.IndexByte(line, '\t') >= 0 {
			return '\t', nil
		}
		break
	}
	return ',', nil
}

// headerColumns finds the unit and time columns of a header.
func headerColumns(rec []string) (unit, time int, err error) {
	unit, time = -1, -1
	for j, h := range rec {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case slices.Contains(unitHeaders, h) && unit < 0:
			unit = j
		case slices.Contains(timeHeaders, h) && time < 0:
			time = j
		}
	}
	if unit < 0 || time < 0 {
		return 0, 0, fmt.Errorf("header %q names no unit column (%s) or no time column (%s)",
			strings.Join(rec, ","), strings.Join(unitHeaders[:4], ", "), strings.Join(timeHeaders[:4], ", "))
	}
	return unit, time, nil
}

// parseUnit parses an integer unit id, allowing an integral float ("3.0",
// as pandas writes a float column).
func parseUnit(s string) (int, error) {
	s = strings.TrimSpace(s)
	if id, err := strconv.Atoi(s); err == nil {
		return id, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("unit %q is not an integer id", s)
	}
	return int(f), nil
}

// LoadCSV reads the CSV or TSV file at path (see ReadCSV).
func LoadCSV(path string) (g *TsGroup, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("spikes: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			g, err = nil, fmt.Errorf("spikes: %w", cerr)
		}
	}()
	g, err = ReadCSV(f)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return g, nil
}
