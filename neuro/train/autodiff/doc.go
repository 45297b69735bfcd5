// Package autodiff computes gradients with GoMLX (github.com/gomlx/gomlx
// v0.26.0) on its pure-Go backend and hands them to neuro/train's
// optimizers: NewGradient compiles a loss built from graph nodes and its
// gradient with respect to a list of train.Params, and Gradient.Eval runs
// it at the parameters' current values and writes ∂loss/∂θ into their Grad
// buffers. The optimizer (train.Adam) then steps in Go, on the same
// parameters that explicit gradient code would fill, so both routes share
// one optimizer, one loop (train.Loop) and one checkpoint format.
//
// # Why not GoMLX's own trainer and optimizer
//
// GoMLX's train.Trainer keeps parameters in a context and updates them in
// the graph. Going through Go costs a copy of the parameters in and of the
// gradients out per step (0.7 MB each way for the 175k-parameter models of
// neuro/safety/synthetic, well under 1% of a step), and buys one
// optimizer implementation with readable and resettable moments, parameter
// groups, and Adam checked against torch. The package test shows GoMLX's
// gradients agree with finite differences and with explicit gradient
// code, and that train.Adam with ε = 1e-7 follows GoMLX's own Adam
// (optimizers.Adam) step for step.
//
// # Two GoMLX v0.26.0 workarounds, kept to our graphs
//
// Backend runs ops one at a time: with v0.26.0's default of running
// independent ops in parallel, two matrix products waiting for the shared
// worker pool deadlocked the 2-core machine on the gradient graphs of a
// transformer. The option belongs to the backend instance Backend returns;
// other backends are untouched.
//
// Dot is graph.DotGeneral with a cheaper gradient. GoMLX differentiates
// DotGeneral by broadcasting the output gradient against the other
// operand and summing, which materialises a [batch, lhs cross, rhs cross,
// contracted] tensor: 9.4 million floats for one projection of a batch of
// 32 sequences of 24 tokens, 3.7 s per training step instead of 0.3 s. The
// gradient of a DotGeneral is itself two DotGenerals,
//
//	∂L/∂lhs = v ·(rhs cross axes) rhs,   ∂L/∂rhs = v ·(lhs cross axes) lhs,
//
// batched over the batch axes and transposed back to the operand's
// layout. GoMLX v0.26.0 has no per-node gradient hook for a two-input op,
// only a table of gradient functions by node type, so this package
// replaces the table's DotGeneral entry once, when the package is
// initialised (before any goroutine can build a graph, so no data race), by
// a dispatcher: for a node made by Dot it builds the two products; for any
// other DotGeneral it calls GoMLX's own function, unchanged. Other GoMLX
// users in the same program therefore get exactly the gradient graphs they
// would get without this package; the test builds the gradient of a plain
// graph.DotGeneral through the dispatcher and through GoMLX's function and
// finds the same nodes, shapes and values. Dot's nodes are recorded in a
// map of weak pointers, removed when the graph is garbage collected.
package autodiff
