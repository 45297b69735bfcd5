package study

// Claims are the claims of notebooks/multilingual_shared_neurons,
// registered in the notebook's first cells before the first full run: the
// notebook prints them, Run measures them and notebooks/multilingual_test.go
// asserts them, or the outcome recorded when a result contradicts one
// ("not reproduced here"). The thresholds do not move after the numbers
// are seen.
var Claims = struct {
	// Sigmas are the candidate σ (percent of each layer and component kept
	// per input), tried in order: the analysis uses the first at which
	// every model's shared set is non-empty (σ = 1% is the paper's).
	Sigmas []float64
	// Alpha is the level of the one-sided t test, over seeds at the
	// largest budget and for each language, that deactivating the shared
	// units raises the log-perplexity more than the mean of the random
	// sets (claim "shared-vs-random", which also needs the shared set to
	// beat every random set of every seed and language).
	Alpha float64
	// TrendAlpha is the level of the one-sided paired t test, over seeds,
	// that a metric is larger at the largest budget than at the smallest
	// (claims "trend-shared-ratio" and "trend-agnostic-score", which also
	// need the seeds' mean to increase from budget to budget).
	TrendAlpha float64
	// MinSeeds is the number of seeds a trend test needs with the metric
	// defined at both ends; fewer makes the claim not reproduced.
	MinSeeds int
}{Sigmas: []float64{1, 2, 5, 10}, Alpha: 0.01, TrendAlpha: 0.05, MinSeeds: 3}
