// Package study is the registered study of notebooks/safety_causal_effect
// and tutorials/04_safety_neurons on the shipped models of
// neuro/safety/synthetic: the claims fixed before the full run (Claims),
// the experiment that measures them (Run, with the settings of the full
// run in the command neuro/safety/cmd/causaleffect and of the reduced live
// run in the notebook), and the summaries the notebook prints and plots.
package study
