// Package singleneuron learns representations of single neurons from their
// spike trains that identify a neuron's intrinsic type while ignoring where
// it was recorded (which animal, recording platform, stimulus), after
// "Generalized and Invariant Single-Neuron In-Vivo Activity Representation
// Learning" (OpenReview cujJ9AXZO3; related code NeuPRINT and NeurPIR).
// Only the paper's abstract is public; the pieces below follow it and the
// related methods, on a simulated stand-in for its datasets.
//
// # Simulation
//
// Simulate draws a recording campaign: neurons of Izhikevich's intrinsic
// types (RS, FS, IB, CH; Izhikevich.Run integrates v' = 0.04v² + 5v + 140 −
// u + I, u' = a(bv − u) with forward Euler), recorded in environments =
// animals × stimulus types. A neuron's input is I(t) = g_a·w_n·S_s(t) + η(t)
// (animal gain, the neuron's drive, the stimulus waveform, Ornstein–
// Uhlenbeck noise); each animal's platform drops, jitters and adds spikes;
// type proportions differ across animals (a spurious correlation).
// Environments come out as spikes.TsGroup values, as real recordings do.
//
// # Features
//
// SegmentFeatures, Features, Segments and FromUnits turn spike trains into
// one vector per segment: the log-ISI histogram (ISIHistogram), the
// autocorrelogram (Autocorrelogram) normalised by its Poisson expectation,
// log rate, CV, LV and burst fraction, each tested against Poisson and
// gamma closed forms.
//
// # Models
//
// Train fits one of three families on the MLPs and Adam of neuro/train:
// VICReg on two segments of one neuron (VICReg, weights 25/25/1), a VAE,
// and an implicit model (a learnable embedding per neuron and a shared
// decoder). Each can add an adversary: a discriminator predicting the batch
// (animal or stimulus) from the embedding behind a GradientReversal layer
// (identity forward, −λ·gradient backward), so that the encoder minimises
// L_model − λ·CE; λ = 0 trains the encoder bit for bit as without it.
//
// # Evaluation
//
// Evaluate runs leave-one-animal-out or leave-one-stimulus-out: per fold a
// model is trained on the other environments, and one-vs-rest logistic
// probes (neuro/classifier) read the type in and out of domain (macro-F1,
// balanced accuracy) and the batch; controls read raw features, given
// vectors (the true parameters) or shuffled labels. RunStudy, Claims and
// cmd/invariance run the registered study of
// notebooks/singleneuron_invariance.ipynb.
//
// # Performance
//
// Measured on the project's shared 2-core machine (bench_test.go, one run
// each, 2026-12-07, machine load ≈ 2): Izhikevich integration of 1,000
// neurons × 10 s (2·10⁷ Euler steps) on one goroutine 0.19 s against 1.03 s
// for a numpy implementation vectorised over neurons (ratio 0.18, target
// ≤ 1.0); a campaign of 1,000 neurons × 10 environments × 60 s (1.2·10⁹
// neuron-steps) 14.2 s on 2 threads (11.8 ns per neuron-step); one VICReg
// epoch of the study's dataset (112 steps of 64 pairs) 0.97 s, 0.81 s with
// the adversary.
package singleneuron
