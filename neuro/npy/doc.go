// Package npy reads and writes NumPy's .npy array files, the format in
// which Python users save recordings and network activations
// (numpy.save), so that neuronb's packages can load them.
//
// Read accepts format versions 1.0, 2.0 and 3.0, C and Fortran order,
// either byte order, and float64, float32, signed and unsigned integer and
// boolean elements, converting every value to float64 in C (row-major)
// order. It is safe on untrusted files: the header is bounded, a declared
// shape cannot make it allocate more than the data actually present, and
// every malformed input yields an error that says what is wrong.
package npy
