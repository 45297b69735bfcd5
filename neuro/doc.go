// Package neuro holds no code of its own: it is the index of neuronb's
// science packages and the place where their shared conventions are
// checked.
//
// Every package under neuro/ speaks one vocabulary, so that a user who
// learned one can guess the next (see neuro/run for the details):
//
//   - Long-running routines take a *Settings (nil means the documented
//     defaults) whose fields are spelled MaxIterations, Tolerance (0: the
//     default; negative: never stop early), Seed (uint64), Workers and
//     Progress (a run.Progress, which receives run.Steps carrying a named
//     metric and can stop the run).
//   - They return a *Result holding a run.Status (never a package's own
//     status type, never a Converged bool), the final objective, the
//     iterations and the runtime (run.Stats).
//   - Functions that draw samples for the caller take a *rand.Rand first.
//   - Parallel loops go through neuro/parallel (results never depend on the
//     number of workers), EM through neuro/em, training through neuro/train,
//     summaries over seeds through neuro/replicates.
//   - User input is validated at the package boundary and errors name the
//     argument, shape or index; no error is ever discarded, in code or in
//     tests.
//
// The tests of this package enforce the spelling of Settings and Results
// and the handling of errors across neuro/ by reading the packages' types
// and syntax (go/types), so a new package cannot drift from them.
package neuro
