// Package lds implements linear-Gaussian state-space models (linear
// dynamical systems): sampling, the Kalman filter, the Rauch–Tung–Striebel
// smoother, the marginal log-likelihood, forecasting, and
// expectation-maximisation for a static model.
//
// The model, with latent x_t ∈ R^D and observations y_t ∈ R^N, is
//
//	x_0     ~ N(m0, S0)
//	x_{t+1} = A_t x_t + b_t + w_t,   w_t ~ N(0, Q)
//	y_t     = C_t x_t + d_t + v_t,   v_t ~ N(0, R)
//
// Parameters with index t drive the step t → t+1 (the convention of
// dynamax and of the CLDS reference code), so A_{T−1} and b_{T−1} are never
// used. A Model holds the static parameters; a Trial may carry Varying
// parameters (A_t, b_t, C_t, d_t and its own m0) as flat row-major
// slices. Q, R and S0 are shared by all trials.
//
// Trials form a batch: every function that takes []Trial accepts trials of
// different lengths. Missing observations are a mask (Trial.Mask[t] ==
// false): the filter skips the update step of that bin, so a missing bin
// contributes nothing to the likelihood, and its values are never read.
//
// Numerics. The update step runs in information form on whitened
// observations (see Smoother): per step it factorises only D×D matrices,
// so its cost is O(N D) for static C and diagonal R, O(N² + N D) for a
// full R and O(N² D) for time-varying C, never O(N³); callers that build
// C_t from a few fixed matrices can pass them pre-whitened (Varying.CW).
// Covariances are formed as products K Kᵀ or as sums of positive
// semi-definite terms (a Joseph-like smoother update) and symmetrised;
// log-determinants and solves use Cholesky factors. The smoother returns
// E[x_t x_{t+1}ᵀ] (a second moment, like dynamax's
// smoothed_cross_covariances), the statistic EM needs.
//
// Correctness is checked against the dense joint Gaussian of all states
// and observations (log-likelihood and smoothed moments to ~1e-14), against
// statsmodels' KalmanSmoother, and the EM M-step against finite
// differences of the expected complete-data log-likelihood.
//
// Smoother is the allocation-free engine (reuse it, and the Posterior it
// fills, across trials); Model.Filter, Model.Smooth and Model.LogLik
// validate their input and are the convenient entry points.
//
// The vocabulary is dynamax's, with the same shape as package clds:
// Model.Sample(rng, T, varying) (sample), Model.Filter (filter),
// Model.Smooth (smoother), Model.LogLik and LogLikPerBin (marginal log
// prob), Model.Forecast(trial, steps, future) (forecast), Fit (fit_em).
// Fit's loop is package em's (the E-step returns sufficient statistics and
// the marginal log-likelihood, the M-step consumes them); it runs the
// E-step over trials with package parallel, so its result does not depend
// on the number of workers, and reports through run.Progress with the
// metric "log-likelihood". Result carries run.Stats (Status, final
// Objective, Iterations, Runtime) and the objective per iteration (Trace).
package lds
