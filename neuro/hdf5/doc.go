// Package hdf5 reads HDF5 files in pure Go (no cgo, no HDF5 library): the
// files h5py 3 and pynwb write, whatever libver they were written with.
//
// Open a file, navigate by path and read typed values:
//
//	f, err := hdf5.Open("recording.nwb")
//	...
//	defer f.Close()
//	ds, err := f.Dataset("/units/spike_times")
//	times, err := ds.ReadFloat64s()            // every element
//	first, err := ds.ReadFloat64sRange(0, 100) // rows 0..99 only
//
// # What it reads
//
// The format as specified by the HDF Group ("HDF5 File Format
// Specification", version 4.0 for HDF5 2.0), for everything h5py writes with
// libver "earliest" (its default), "v108" and "latest":
//
//   - superblock versions 0 to 3 (with a user block in front, too);
//   - object headers version 1 and 2 with continuation blocks, Jenkins
//     lookup3 checksums verified;
//   - groups as symbol tables (v1 B-tree and local heap) and as link
//     messages, compact or dense (fractal heap and v2 B-tree name index);
//     soft links are followed, external links reported;
//   - contiguous, compact and chunked datasets; chunk indexes: v1 B-tree,
//     single chunk, implicit, fixed array (paged or not), extensible array
//     (index, secondary and data blocks) and v2 B-tree;
//   - filters deflate, shuffle, Fletcher-32 (verified) and h5py's LZF;
//     fill values for unwritten storage;
//   - datatypes: integers of 1 to 8 bytes, signed or not, either byte order;
//     IEEE floats of 2, 4 and 8 bytes, either order; fixed-length strings
//     (NUL-terminated, NUL- or space-padded, ASCII or UTF-8);
//     variable-length strings and sequences (global heap); enums (h5py
//     booleans are enums); compounds; arrays; object references; HDF5 2.0
//     complex numbers; committed datatypes;
//   - attributes, compact and dense (including huge heap objects), scalar,
//     array and empty.
//
// Region references, virtual datasets, external storage, szip, n-bit and
// scale-offset filters, and shared object header message tables give an
// error wrapping ErrUnsupported that names the object.
//
// # Reading only what is asked for
//
// Opening a file parses its superblock; navigation parses object headers on
// the way; a Read call reads only the chunks (or the contiguous bytes) its
// selection overlaps and decodes them straight into the result. Chunks of
// numeric reads are decompressed on several goroutines.
//
// # Bad files
//
// Every size read from the file is checked against the file size and
// against limits before anything is allocated; B-tree, heap and header
// continuation cycles are detected; a Read allocates at most
// File.MaxReadBytes. A damaged file gives an *Error naming the object path
// and the structure that failed ("hdf5: /units/spike_times: read: chunked
// storage: chunk index (fixed array): ..."), wrapping ErrFormat,
// ErrChecksum, ErrUnsupported and the like, never a panic.
package hdf5
