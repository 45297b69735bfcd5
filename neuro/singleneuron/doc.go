// Package singleneuron learns representations of single neurons from
// their spike trains that identify a neuron's intrinsic type while
// ignoring where it was recorded: which animal, recording platform and
// stimulus ("Generalized and Invariant Single-Neuron In-Vivo Activity
// Representation Learning", OpenReview cujJ9AXZO3).
package singleneuron
