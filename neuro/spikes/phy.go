package spikes

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/neuronb/neuronb/neuro/npy"
)

// LoadPhy reads a Kilosort or Phy output folder into a TsGroup with one
// unit per cluster:
//
//   - params.py gives sample_rate (Hz);
//   - spike_times.npy holds every spike's time in samples (any integer or
//     float dtype, shape (n,) or (n, 1)); times are samples / sample_rate
//     seconds, from the start of the recording;
//   - spike_clusters.npy holds each spike's cluster id (Phy writes it on
//     the first save; without it spike_templates.npy, Kilosort's template
//     of each spike, which is the initial clustering);
//   - every cluster_*.tsv table (cluster_group.tsv with Phy's curation,
//     cluster_KSLabel.tsv, cluster_info.tsv, cluster_Amplitude.tsv, …)
//     adds its columns as unit metadata: a column whose values are all
//     numbers becomes a number column (NaN for clusters the table omits),
//     any other a string column ("" where omitted). A column given by
//     several tables is taken from cluster_info.tsv last, so a dedicated
//     table wins. When no table gives "group" but "KSLabel" is present,
//     "group" is KSLabel, as Phy shows it before curation.
//
// Units are the cluster ids that have spikes, in increasing order; keep
// the curated ones with g.Where("group", "good"). Spike times are sorted
// within each unit. Errors name the file and, for tables, the line.
func LoadPhy(dir string) (*TsGroup, error) {
	rate, err := phySampleRate(filepath.Join(dir, "params.py"))
	if err != nil {
		return nil, err
	}
	samples, err := loadVector(filepath.Join(dir, "spike_times.npy"))
	if err != nil {
		return nil, err
	}
	clusterFile := filepath.Join(dir, "spike_clusters.npy")
	if _, err := os.Stat(clusterFile); errors.Is(err, os.ErrNotExist) {
		clusterFile = filepath.Join(dir, "spike_templates.npy")
	}
	clusters, err := loadVector(clusterFile)
	if err != nil {
		return nil, err
	}
	if len(clusters) != len(samples) {
		return nil, fmt.Errorf("spikes: LoadPhy: %s has %d spikes, spike_times.npy %d", filepath.Base(clusterFile), len(clusters), len(samples))
	}
	ids, times, err := groupSpikes(samples, clusters, rate, filepath.Base(clusterFile))
	if err != nil {
		return nil, err
	}
	meta, err := phyMetadata(dir, ids)
	if err != nil {
		return nil, err
	}
	return NewTsGroup(times, ids, meta)
}

// loadVector reads a .npy file holding a vector, shape (n,) or (n, 1).
func loadVector(path string) ([]float64, error) {
	a, err := npy.Load(path)
	if err != nil {
		return nil, fmt.Errorf("spikes: LoadPhy: %w", err)
	}
	if a.Strings != nil || len(a.Shape) == 0 || len(a.Shape) > 2 || (len(a.Shape) == 2 && a.Shape[1] != 1) {
		return nil, fmt.Errorf("spikes: LoadPhy: %s has shape %v and dtype %s, want a numeric vector (n,) or (n, 1)", path, a.Shape, a.DType)
	}
	return a.Data, nil
}

// groupSpikes splits spikes by cluster: ids ascending, times in seconds,
// sorted per unit.
func groupSpikes(samples, clusters []float64, rate float64, clusterName string) ([]int, [][]float64, error) {
	count := map[int]int{}
	for i, c := range clusters {
		if c != math.Trunc(c) || math.Abs(c) > 1<<53 {
			return nil, nil, fmt.Errorf("spikes: LoadPhy: %s[%d] = %v is not an integer cluster id", clusterName, i, c)
		}
		count[int(c)]++
	}
	ids := make([]int, 0, len(count))
	for id := range count {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	index := make(map[int]int, len(ids))
	times := make([][]float64, len(ids))
	for i, id := range ids {
		index[id] = i
		times[i] = make([]float64, 0, count[id])
	}
	for i, s := range samples {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, nil, fmt.Errorf("spikes: LoadPhy: spike_times.npy[%d] = %v is not finite", i, s)
		}
		u := index[int(clusters[i])]
		times[u] = append(times[u], s/rate)
	}
	for _, t := range times {
		if !sort.Float64sAreSorted(t) {
			sort.Float64s(t)
		}
	}
	return ids, times, nil
}

// phySampleRate reads sample_rate from params.py, a Python file of
// assignments (sample_rate = 30000.0).
func phySampleRate(path string) (rate float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("spikes: LoadPhy: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			rate, err = 0, fmt.Errorf("spikes: LoadPhy: %w", cerr)
		}
	}()
	return parseSampleRate(f, path)
}

// parseSampleRate finds the sample_rate assignment in a params.py text.
func parseSampleRate(r io.Reader, name string) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		key, val, ok := strings.Cut(sc.Text(), "=")
		if !ok || strings.TrimSpace(key) != "sample_rate" {
			continue
		}
		if i := strings.IndexByte(val, '#'); i >= 0 {
			val = val[:i]
		}
		val = strings.ReplaceAll(strings.TrimSpace(val), "_", "")
		rate, err := strconv.ParseFloat(val, 64)
		if err != nil || !(rate > 0) || math.IsInf(rate, 0) {
			return 0, fmt.Errorf("spikes: LoadPhy: %s line %d: sample_rate = %q, want a positive number of Hz", name, line, strings.TrimSpace(val))
		}
		return rate, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("spikes: LoadPhy: %s: %w", name, err)
	}
	return 0, fmt.Errorf("spikes: LoadPhy: %s has no sample_rate assignment", name)
}

// phyMetadata reads every cluster_*.tsv table of dir for the units ids.
func phyMetadata(dir string, ids []int) (*Metadata, error) {
	files, err := filepath.Glob(filepath.Join(dir, "cluster_*.tsv"))
	if err != nil {
		return nil, fmt.Errorf("spikes: LoadPhy: %w", err)
	}
	// cluster_info.tsv first, so that the dedicated tables override it.
	sort.SliceStable(files, func(i, j int) bool {
		return filepath.Base(files[i]) == "cluster_info.tsv" && filepath.Base(files[j]) != "cluster_info.tsv"
	})
	row := make(map[int]int, len(ids))
	for i, id := range ids {
		row[id] = i
	}
	raw := map[string][]string{}
	have := map[string][]bool{}
	for _, path := range files {
		if err := readClusterTable(path, row, raw, have); err != nil {
			return nil, err
		}
	}
	if _, ok := raw["group"]; !ok && raw["KSLabel"] != nil {
		raw["group"], have["group"] = raw["KSLabel"], have["KSLabel"]
	}
	meta := &Metadata{}
	for name, col := range raw {
		if nums, ok := numberColumn(col, have[name]); ok {
			if meta.Numbers == nil {
				meta.Numbers = map[string][]float64{}
			}
			meta.Numbers[name] = nums
			continue
		}
		if meta.Strings == nil {
			meta.Strings = map[string][]string{}
		}
		meta.Strings[name] = col
	}
	return meta, nil
}

// readClusterTable adds the columns of one cluster table to raw (one entry
// per unit, have marking the units the table lists).
func readClusterTable(path string, row map[int]int, raw map[string][]string, have map[string][]bool) (err error) {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("spikes: LoadPhy: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("spikes: LoadPhy: %w", cerr)
		}
	}()
	return parseClusterTable(f, filepath.Base(path), row, raw, have)
}

// parseClusterTable parses a Phy cluster table: a header whose first
// column is cluster_id (or id), then one row per cluster.
func parseClusterTable(r io.Reader, name string, row map[int]int, raw map[string][]string, have map[string][]bool) error {
	cr := csv.NewReader(r)
	cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = '\t', -1, true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("spikes: LoadPhy: %s: %w", name, err)
	}
	idCol := -1
	for j, h := range header {
		if h = strings.TrimSpace(h); h == "cluster_id" || h == "id" {
			idCol = j
			break
		}
	}
	if idCol < 0 {
		return fmt.Errorf("spikes: LoadPhy: %s line 1: no cluster_id column in header %q", name, strings.Join(header, "\t"))
	}
	cols := make([]string, len(header))
	for j, h := range header {
		h = strings.TrimSpace(h)
		if j == idCol || h == "" {
			continue
		}
		cols[j] = h
		raw[h] = make([]string, len(row))
		have[h] = make([]bool, len(row))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("spikes: LoadPhy: %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return fmt.Errorf("spikes: LoadPhy: %s line %d has %d fields, the header %d", name, line, len(rec), len(header))
		}
		id, err := parseUnit(rec[idCol])
		if err != nil {
			return fmt.Errorf("spikes: LoadPhy: %s line %d: cluster %w", name, line, err)
		}
		i, ok := row[id]
		if !ok {
			continue // a cluster without spikes (merged away)
		}
		for j, c := range cols {
			if c != "" {
				raw[c][i], have[c][i] = strings.TrimSpace(rec[j]), true
			}
		}
	}
}

// numberColumn parses a column whose listed values are all numbers (NaN
// for the units the tables omit and for empty cells); ok is false when one
// is not a number or none is listed.
func numberColumn(col []string, have []bool) ([]float64, bool) {
	out := make([]float64, len(col))
	listed := false
	for i, s := range col {
		if !have[i] || s == "" {
			out[i] = math.NaN()
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, false
		}
		out[i], listed = v, true
	}
	return out, listed
}
