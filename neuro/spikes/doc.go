// Package spikes is how recordings enter neuronb: spike trains, time
// series and interval sets with pynapple's vocabulary and semantics,
// binning, smoothing and transforms, tuning curves and PSTHs, firing-rate
// statistics, and readers for Kilosort/Phy folders, .npz files (pynapple's
// own layout) and CSV/TSV tables.
//
// # Types
//
//   - IntervalSet (pynapple's IntervalSet): sorted, non-overlapping
//     intervals [start, end] (trials, stimulus presentations, sleep and
//     wake) with optional per-interval Metadata; Intersect, Union,
//     Difference, Complement, MergeClose, DropShort, Split, Find, Where.
//   - TsGroup (pynapple's TsGroup): the spike times of many units, each
//     with an integer id and a Metadata row, and a time support; Restrict,
//     Select, Where, Count, CountIn, Perievent, TuningCurves, Responses,
//     Rates, ISICV. A single spike train (pynapple's Ts) is a one-unit
//     group, or a sorted []float64 where only times are needed.
//   - Tsd (pynapple's Tsd and TsdFrame in one type): timestamps with one
//     or more named columns of values and a time support. Recorded series
//     (a head direction, a position) and binned spike counts (bins × units)
//     are both Tsds, so Restrict, ValueFrom, Smooth, Convolve, Scale, Sqrt,
//     ZScore and Fano apply to either, and Epochs splits one into trials.
//   - Perievent and PSTH: spikes aligned to events, and rates with 95%
//     bands (RateBand), which widgets.PSTH draws directly.
//   - Tuning and Responses: tuning curves against a feature, and the
//     condition × unit rate matrices that neuro/similarity compares.
//
// Constructors take plain slices, so data from any source, such as the
// NWB reader's structs, becomes these types in one call: NewTsGroup(times,
// ids, meta) from [][]float64 spike times, NewTsd/NewTsdFrame/NewTsdRate
// from timestamps (or a start time and a rate) and values, NewIntervalSet
// from start and end slices. They validate once (times sorted and finite,
// intervals normalised) and report the unit id, argument and index at
// fault; methods then trust the invariants. Values are immutable:
// operations return new values, and slices returned by accessors that say
// "read-only" are the object's storage.
//
// # Reading recordings
//
//   - LoadPhy: a Kilosort/Phy output folder (spike_times.npy in samples,
//     spike_clusters.npy or spike_templates.npy, params.py's sample_rate,
//     every cluster_*.tsv table as unit metadata).
//   - LoadNPZ, LoadTsdNPZ, LoadIntervalSetNPZ: files pynapple's save
//     methods write (pickled metadata skipped); the WriteNPZ methods write
//     files nap.load_file reads.
//   - ReadCSV, LoadCSV: long-format tables, one spike per line (unit,
//     time), comma- or tab-separated, header optional; errors name the
//     physical line.
//
// Every parser has a fuzz test whose seed corpus runs with go test.
//
// # Conventions, and where they follow or differ from pynapple
//
//   - Intervals are closed, as in pynapple's restrict. Where one interval
//     ends exactly where the next starts, the shared time belongs to the
//     later one only; pynapple instead moves the earlier end 1 µs back.
//     Zero-length intervals are dropped and overlapping ones merged;
//     intervals carrying metadata must not overlap. Unsorted input is
//     sorted as (start, end) pairs (pynapple sorts starts and ends
//     separately, which pairs them differently when intervals nest), and
//     Split's pieces touch (pynapple moves each end 1 µs back).
//   - Count(bin, ep): bins [s + k·bin, s + (k+1)·bin) from each interval's
//     start s; a last bin is kept when its centre lies in the interval; a
//     shorter remainder is not binned. Edges are s + k·bin exactly where
//     pynapple rounds them to 1 ns.
//   - Restrict sets the support to the restricting set, as pynapple does,
//     so Rates after Restrict divide by the set's length.
//   - ValueFrom and TuningCurves take, for each time, the closest sample
//     in the same epoch, the later one on a tie (pynapple's value_from).
//   - Smoothing: GaussianKernel is scipy.ndimage.gaussian_filter1d's
//     kernel and Edge names scipy's boundary modes (reflect by default);
//     EdgeConstant is pynapple's and np.convolve's zero padding;
//     EdgeRenormalize is pandas' weighted rolling mean with min_periods=1,
//     the CLDS paper's choice with GaussianWindow(4, 4).
//   - The CLDS paper's preprocessing is Count(0.05, trials), Convolve with
//     GaussianWindow(4, 4) and EdgeRenormalize, Scale(4), Sqrt and
//     ZScore(Global).
//
// Tests compare these operations with pynapple 0.11.4 on the same inputs,
// with numpy's histogram and convolve and scipy's gaussian_filter1d, and
// with Poisson closed forms.
//
// # Where the bridges live
//
// This package imports no model package. Bridges to models live beside the
// models: clds.TrialsFromSpikes turns a binned, transformed Tsd and a
// covariate series into clds.Trials (one per support interval, the
// covariate taken at the bin centres), so clds imports spikes and never
// the reverse. neuro/similarity takes plain matrices, and Responses.Rates
// is one. widgets imports spikes to draw PSTHs and rasters.
package spikes
