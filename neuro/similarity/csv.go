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
	cr := csv.NewReader(br)
	cr.Comma = sniffDelimiter(string(first))
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	cr.Comment = '#'
	var data []float64
	cols, rows := -1, 0
	for {
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
		line, _ := cr.FieldPos(0)
		vals, err := parseRecord(fields, line, rows, rows == 0 && cols < 0)
		if err != nil {
			return nil, err
		}
		if vals == nil {
			cols = len(fields) // header of neuron names
			continue
		}
		if cols >= 0 && len(vals) != cols {
			return nil, fmt.Errorf("similarity: csv: line %d has %d fields, earlier rows have %d", line, len(vals), cols)
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

// sniffDelimiter picks the delimiter from the first line of text that is
// neither empty nor a comment: a tab, a semicolon (when there is no comma),
// or a comma.
func sniffDelimiter(text string) rune {
	var line string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			line = l
			break
		}
	}
	switch {
	case strings.Contains(line, "\t"):
		return '\t'
	case strings.Contains(line, ";") && !strings.Contains(line, ","):
		return ';'
	}
	return ','
}

// parseRecord parses the fields of the record on the given line (of the
// file; stimulus is the number of numeric rows before it). A first record
// that is not numeric is a header: parseRecord returns nil values and no
// error for it when header is true.
func parseRecord(fields []string, line, stimulus int, header bool) ([]float64, error) {
	vals := make([]float64, len(fields))
	for j, f := range fields {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			if header {
				return nil, nil
			}
			return nil, fmt.Errorf("similarity: csv: line %d (stimulus %d), column %d: %q is not a number", line, stimulus, j, f)
		}
		vals[j] = v
	}
	return vals, nil
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
