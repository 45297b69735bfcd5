package hdf5

import (
	"fmt"
	"math/bits"
)

// sink receives whole elements of raw (file-format) bytes for consecutive
// positions of a read's output, starting at element index dst.
type sink func(dst uint64, raw []byte) error

// boxRuns calls fn for each run of elements that is contiguous both in a
// source array of shape srcDims and in a destination array of shape
// dstDims, for the box of shape box placed at srcStart and dstStart;
// src and dst are element offsets (row-major) and n the run's length.
func boxRuns(box, srcDims, srcStart, dstDims, dstStart []uint64, fn func(src, dst, n uint64) error) error {
	rank := len(box)
	if rank == 0 {
		return fn(0, 0, 1)
	}
	for _, b := range box {
		if b == 0 {
			return nil
		}
	}
	k := rank - 1
	for k > 0 && box[k] == srcDims[k] && box[k] == dstDims[k] {
		k--
	}
	srcStride := make([]uint64, rank)
	dstStride := make([]uint64, rank)
	s, t := uint64(1), uint64(1)
	for i := rank - 1; i >= 0; i-- {
		srcStride[i], dstStride[i] = s, t
		s *= srcDims[i]
		t *= dstDims[i]
	}
	run := box[k] * srcStride[k]
	idx := make([]uint64, k)
	for {
		src := srcStart[k] * srcStride[k]
		dst := dstStart[k] * dstStride[k]
		for j := 0; j < k; j++ {
			src += (srcStart[j] + idx[j]) * srcStride[j]
			dst += (dstStart[j] + idx[j]) * dstStride[j]
		}
		if err := fn(src, dst, run); err != nil {
			return err
		}
		j := k - 1
		for ; j >= 0; j-- {
			idx[j]++
			if idx[j] < box[j] {
				break
			}
			idx[j] = 0
		}
		if j < 0 {
			return nil
		}
	}
}

// volume returns the product of dims and whether it overflowed 2^62.
func volume(dims []uint64) (uint64, bool) {
	n := uint64(1)
	for _, d := range dims {
		hi, lo := bits.Mul64(n, d)
		if hi != 0 || lo > 1<<62 {
			return 0, false
		}
		n = lo
	}
	return n, true
}

// array is what datasets and attributes share: a datatype, a shape and a
// way to deliver the raw bytes of any box of elements.
type array struct {
	f     *File
	path  string
	dtype *Datatype
	shape []uint64 // nil for a scalar
	null  bool
	// read delivers the raw elements of the box at start of shape count;
	// parallel says put may be called from several goroutines at once
	// (for disjoint output ranges).
	read func(start, count []uint64, put sink, parallel bool) error
}

// box validates a hyperslab request and returns its element count.
func (a *array) box(start, count []uint64) (uint64, error) {
	if a.null {
		return 0, nil
	}
	if len(start) != len(a.shape) || len(count) != len(a.shape) {
		return 0, fmt.Errorf("%w: hyperslab of rank %d (start) and %d (count) in a dataspace of rank %d", ErrRange, len(start), len(count), len(a.shape))
	}
	for i := range a.shape {
		if start[i] > a.shape[i] || count[i] > a.shape[i]-start[i] {
			return 0, fmt.Errorf("%w: dimension %d: start %d count %d in extent %d", ErrRange, i, start[i], count[i], a.shape[i])
		}
	}
	n, ok := volume(count)
	if !ok {
		return 0, fmt.Errorf("%w: hyperslab of more than 2^62 elements", ErrLimit)
	}
	return n, nil
}

func (a *array) checkLimit(n uint64, size int) error {
	if hi, lo := bits.Mul64(n, uint64(size)); hi != 0 || lo > uint64(a.f.MaxReadBytes) {
		return fmt.Errorf("%w: reading %d elements of %d bytes exceeds MaxReadBytes (%d)", ErrLimit, n, size, a.f.MaxReadBytes)
	}
	return nil
}

func (a *array) all() (start, count []uint64) {
	return make([]uint64, len(a.shape)), append([]uint64(nil), a.shape...)
}

// readAs reads the hyperslab (start, count) into a new slice of its n
// elements. size is the memory one element takes (checked against
// MaxReadBytes before anything is allocated); conv converts the whole
// stored elements in raw into dst, whose first element is element first of
// the slice; parallel lets chunks be decoded concurrently.
func readAs[T any](a *array, start, count []uint64, size int, parallel bool, conv func(dst []T, raw []byte, first uint64) error) ([]T, error) {
	n, err := a.box(start, count)
	if err != nil {
		return nil, err
	}
	if err := a.checkLimit(n, size); err != nil {
		return nil, err
	}
	out := make([]T, n)
	if n == 0 {
		return out, nil
	}
	es := uint64(a.dtype.Size)
	err = a.read(start, count, func(dst uint64, raw []byte) error {
		k := uint64(len(raw)) / es
		if dst > n || k > n-dst {
			return formatError("element %d beyond the %d requested", dst+k, n)
		}
		return conv(out[dst:dst+k], raw, dst)
	}, parallel)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (a *array) floats(start, count []uint64) ([]float64, error) {
	conv, err := a.dtype.floatConverter()
	if err != nil {
		return nil, err
	}
	return readAs(a, start, count, max(8, a.dtype.Size), true, func(dst []float64, raw []byte, _ uint64) error {
		conv(dst, raw)
		return nil
	})
}

func (a *array) ints(start, count []uint64) ([]int64, error) {
	conv, err := a.dtype.intConverter()
	if err != nil {
		return nil, err
	}
	return readAs(a, start, count, max(8, a.dtype.Size), true, func(dst []int64, raw []byte, first uint64) error {
		if err := conv(dst, raw); err != nil {
			return fmt.Errorf("element %d: %w", first, err)
		}
		return nil
	})
}

func (a *array) strings(start, count []uint64) ([]string, error) {
	conv, err := a.f.stringConverter(a.dtype, a.f.newHeapCache())
	if err != nil {
		return nil, err
	}
	return readAs(a, start, count, max(16, a.dtype.Size), false, func(dst []string, raw []byte, first uint64) error {
		if err := conv(dst, raw); err != nil {
			return fmt.Errorf("element %d: %w", first, err)
		}
		return nil
	})
}

func (a *array) values(start, count []uint64) ([]any, error) {
	cache := a.f.newHeapCache()
	es := a.dtype.Size
	return readAs(a, start, count, max(16, 2*a.dtype.Size), false, func(dst []any, raw []byte, first uint64) error {
		for i := range dst {
			v, err := a.f.value(a.dtype, raw[i*es:(i+1)*es], cache, 0)
			if err != nil {
				return fmt.Errorf("element %d: %w", first+uint64(i), err)
			}
			dst[i] = v
		}
		return nil
	})
}

func (a *array) references(start, count []uint64) ([]Reference, error) {
	t := a.dtype
	if t.Class != ClassReference {
		return nil, fmt.Errorf("%w: cannot read %v as object references", ErrType, t)
	}
	if t.refV4 {
		return nil, unsupported("HDF5 1.12 references")
	}
	if t.RefKind != RefObject {
		return nil, unsupported("dataset region references")
	}
	es := t.Size
	return readAs(a, start, count, 8, false, func(dst []Reference, raw []byte, _ uint64) error {
		for i := range dst {
			dst[i] = Reference(a.f.decoder(raw[i*es : (i+1)*es]).addr())
		}
		return nil
	})
}

// rows converts a row range (along the first dimension) to a hyperslab.
func (a *array) rows(start, count int) ([]uint64, []uint64, error) {
	if len(a.shape) == 0 {
		return nil, nil, fmt.Errorf("%w: row range of a scalar", ErrRange)
	}
	if start < 0 || count < 0 {
		return nil, nil, fmt.Errorf("%w: row range start %d count %d", ErrRange, start, count)
	}
	s, c := a.all()
	s[0], c[0] = uint64(start), uint64(count)
	return s, c, nil
}

func slab(start, count []int) ([]uint64, []uint64, error) {
	if len(start) != len(count) {
		return nil, nil, fmt.Errorf("%w: start of rank %d, count of rank %d", ErrRange, len(start), len(count))
	}
	s := make([]uint64, len(start))
	c := make([]uint64, len(count))
	for i := range start {
		if start[i] < 0 || count[i] < 0 {
			return nil, nil, fmt.Errorf("%w: dimension %d: start %d count %d", ErrRange, i, start[i], count[i])
		}
		s[i], c[i] = uint64(start[i]), uint64(count[i])
	}
	return s, c, nil
}

func (a *array) shapeInts() []int {
	s := make([]int, len(a.shape))
	for i, d := range a.shape {
		s[i] = int(d)
	}
	return s
}

// memoryRead returns a read function over in-memory elements of shape
// shape (an attribute's data, a compact dataset).
func memoryRead(data []byte, shape []uint64, es int) func(start, count []uint64, put sink, parallel bool) error {
	return func(start, count []uint64, put sink, _ bool) error {
		return boxRuns(count, shape, start, count, make([]uint64, len(count)), func(src, dst, n uint64) error {
			lo, hi := src*uint64(es), (src+n)*uint64(es)
			if hi > uint64(len(data)) {
				return formatError("elements %d to %d beyond the %d stored bytes", src, src+n, len(data))
			}
			return put(dst, data[lo:hi])
		})
	}
}
