// Package nwb reads Neurodata Without Borders (NWB 2.x) files, as pynwb
// writes them, into plain Go values: spike times of sorted units, interval
// tables (trials, epochs), time series (TimeSeries, SpatialSeries and the
// other TimeSeries types) and session metadata.
//
// NWB is a schema on top of HDF5; this package reads the HDF5 file with
// neuro/hdf5 and follows the schema's conventions:
//
//   - A DynamicTable is a group whose columns are datasets named by its
//     "colnames" attribute, with row identifiers in "id". A ragged column
//     c has an index dataset c_index (a VectorIndex) whose i-th value is
//     the end (exclusive) of row i in c: row i is c[index[i-1]:index[i]],
//     with index[-1] = 0. A DynamicTableRegion column holds row numbers of
//     another table (its "table" attribute).
//   - /units is the DynamicTable of sorted units: spike_times through
//     spike_times_index, electrodes through electrodes_index.
//   - /intervals/<name> are TimeIntervals tables: start_time, stop_time
//     and any other columns.
//   - A TimeSeries is a group with a "data" dataset (first dimension time)
//     and either "timestamps" (seconds) or "starting_time" with a "rate"
//     attribute (Hz), so that sample i is at starting_time + i/rate. Its
//     data attributes "conversion" and "offset" map stored values to the
//     "unit": value = stored × conversion + offset.
//
// The types returned (Units, Intervals, TimeSeries, Table, Metadata) are
// plain data, meant to be converted into the analysis types of other
// packages (neuro/spikes) or used directly.
//
// Reading never loads a dataset the caller did not ask for: opening reads
// the root attributes, Units reads the unit table, TimeSeriesInfo lists
// series without reading their data, and TimeSeriesRange reads a window
// of samples only.
package nwb
