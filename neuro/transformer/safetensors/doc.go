// Package safetensors reads and writes the Hugging Face safetensors format,
// the file format of model weights on the Hugging Face hub.
//
// A file is laid out as
//
//	bytes 0..7      N, the header length, unsigned 64-bit little-endian
//	bytes 8..8+N-1  a UTF-8 JSON object
//	                  {"__metadata__": {"key": "value", ...},          (optional)
//	                   "name": {"dtype": "F32", "shape": [d0, d1, ...],
//	                            "data_offsets": [BEGIN, END]}, ...}
//	bytes 8+N..     the data buffer
//
// Offsets are relative to the data buffer, END is exclusive, and
// END − BEGIN = d0·d1·…·(bytes per element). Tensors are row-major and
// little-endian with no strides. Writers pad the header with spaces to a
// multiple of 8 bytes.
//
// Reading is defensive, as in the reference Rust crate: Open rejects a header
// length over MaxHeaderSize (100 MB) or beyond the end of the file, header
// bytes that are not UTF-8 JSON, duplicate names, unknown dtypes, negative or
// overflowing shapes, a shape whose byte size disagrees with its
// data_offsets, and tensors that overlap, leave gaps, or do not end exactly at
// the end of the file. Every error names the offending tensor. Only the
// header is read by Open (its size is bounded by both the limit and the file
// size, so a forged length cannot trigger a large allocation); tensor data is
// streamed from the file into the caller's buffer on demand with positioned
// reads, so loading a model costs the memory of its float32 weights and
// nothing more.
//
// Float16 (IEEE 754 binary16) and bfloat16 values are converted to and from
// float32 exactly as the hardware formats define: decoding is exact, and
// encoding rounds to nearest with ties to even, overflows to ±Inf and keeps
// NaNs as quiet NaNs.
package safetensors
