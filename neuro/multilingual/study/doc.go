// Package study is the registered study of
// notebooks/multilingual_shared_neurons: the language-shared and
// language-exclusive units (neuro/multilingual) of the tiny models of
// neuro/multilingual/synthetic at three training budgets and five seeds,
// their deactivation effects against same-count random units, and the
// trend of the shared ratio and the language-agnostic score with training
// budget. Claims holds the registered thresholds; Run measures (Full, by
// the command neuro/multilingual/cmd/sharedneurons, or Reduced, live in
// the notebook), Evaluate applies the claims, and the Write and Figure
// functions present the results.
package study
