// Package npy reads and writes NumPy's .npy array files and .npz archives,
// the formats in which Python users save recordings and network
// activations (numpy.save, numpy.savez, numpy.savez_compressed), so that
// neuronb's packages can load them.
//
// Read accepts format versions 1.0, 2.0 and 3.0, C and Fortran order,
// either byte order, and float64, float32, signed and unsigned integer and
// boolean elements, converting every value to float64 in C (row-major)
// order; fixed-width string arrays ('<U', '|S') come back as Go strings.
// Write writes float64 (or int64) numbers and unicode strings in format
// 1.0. An .npz archive is a zip file with one .npy member per array,
// stored or deflated: OpenNPZ and ReadNPZ list its arrays and decode each
// on demand, as NumPy's NpzFile does, so a member this package cannot
// decode (a pickled object array) does not stop the others; WriteNPZ and
// WriteNPZCompressed write archives numpy.load reads.
//
// Reading is safe on untrusted files: the header is bounded, a declared
// shape cannot make it allocate more than the data actually present, zip
// members are checked against their CRC-32, and every malformed input
// yields an error that says what is wrong.
package npy
