// Package notebooks holds neuronb's paper-figure notebooks and the small
// helpers they use to save what they reproduce: key numbers as JSON under
// results/ and figures under figures/, next to the notebooks.
//
// The test of this package executes every notebook and checks the paper's
// claims against the numbers it wrote, so a regression in the science fails
// CI. It points NEURONB_RESULTS_DIR and NEURONB_FIGURES_DIR at temporary
// directories so that test runs leave the repository untouched.
package notebooks
