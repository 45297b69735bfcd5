package similarity

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// ReadCSV reads a representation from delimited text: one row per
// stimulus, one column per neuron. The delimiter (comma, tab or semicolon)
// is taken from the first data line; lines starting with # are comments; a
// first row that is not entirely numeric is treated as a header of neuron
// names and skipped. Every row must have the
// same number of fields. Values are parsed with strconv.ParseFloat.
func ReadCSV(r io.Reader) (*mat.Dense, error) {
	br := bufio.NewReader(r)
	first, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("similarity: csv: %w", err)
	}
	// The delimiter comes from the first line that is neither empty nor a
	// comment.
	var line string
	for _, l := range strings.Split(strings.ReplaceAll(string(first), "\r", "\n"), "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			line = l
			break
		}
	}
	comma := ','
	switch {
	case strings.Contains(line, "\t"):
		comma = '\t'
	case strings.Contains(line, ";") && !strings.Contains(line, ","):
		comma = ';'
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	cr.Comment = '#'
	var data []float64
	cols, rows := -1, 0
	for rec := 1; ; rec++ {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				return nil, fmt.Errorf("similarity: csv: line %d has %d fields, earlier rows have %d", pe.Line, len(fields), cols)
			}
			return nil, fmt.Errorf("similarity: csv: %w", err)
		}
		vals := make([]float64, len(fields))
		numeric := true
		for j, f := range fields {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				if rec == 1 {
					numeric = false
					break
				}
				return nil, fmt.Errorf("similarity: csv: row %d (stimulus %d), column %d: %q is not a number", rec, rows, j, f)
			}
			vals[j] = v
		}
		if !numeric {
			cols = len(fields)
			continue // header of neuron names
		}
		if cols >= 0 && len(vals) != cols {
			return nil, fmt.Errorf("similarity: csv: row %d has %d fields, earlier rows have %d", rec, len(vals), cols)
		}
		cols = len(vals)
		data = append(data, vals...)
		rows++
	}
	if rows == 0 {
		return nil, fmt.Errorf("similarity: csv: no numeric rows")
	}
	return mat.NewDense(rows, cols, data), nil
}

// LoadCSV reads a delimited text file (see ReadCSV).
func LoadCSV(path string) (*mat.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("similarity: %w", err)
	}
	defer f.Close()
	m, err := ReadCSV(f)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return m, nil
}

// LoadRepresentation reads a recording from a .npy file or from delimited
// text (.csv, .tsv, .txt), choosing the reader by the file name.
func LoadRepresentation(path string) (*mat.Dense, error) {
	if strings.HasSuffix(strings.ToLower(path), ".npy") {
		return LoadNPY(path)
	}
	return LoadCSV(path)
}
