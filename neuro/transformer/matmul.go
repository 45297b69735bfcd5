package transformer

import (
	"runtime"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/neuronb/neuronb/neuro/linalg"
	"github.com/neuronb/neuronb/neuro/parallel"
)

// linear is y = x·W + b on row vectors, with W stored [in, out] (GPT-2's
// Conv1D) or, when outMajor, [out, in] (nn.Linear, so y = x·Wᵀ + b). ld is
// the row stride of W's storage, which lets GPT-2's fused QKV matrix be
// used as three column blocks without copying.
type linear struct {
	w        []float32
	ld       int
	in, out  int
	outMajor bool
	b        []float32 // nil for no bias
}

// parallelGemv tells whether single-row products are split across cores by
// hand: gonum's pure-Go gemv runs on one core, OpenBLAS threads by itself.
var parallelGemv = linalg.BLAS() != "openblas"

// forward computes y[T, out] = x[T, in]·W + b.
func (l *linear) forward(x []float32, rows int, y []float32) {
	y = y[:rows*l.out]
	if l.b != nil {
		for r := 0; r < rows; r++ {
			copy(y[r*l.out:(r+1)*l.out], l.b)
		}
	}
	beta := float32(0)
	if l.b != nil {
		beta = 1
	}
	impl := blas32.Implementation()
	if rows == 1 {
		l.gemv(impl, x[:l.in], y, beta)
		return
	}
	tB := blas.NoTrans
	if l.outMajor {
		tB = blas.Trans
	}
	impl.Sgemm(blas.NoTrans, tB, rows, l.out, l.in, 1, x, l.in, l.w, l.ld, beta, y, l.out)
}

// gemv computes one row, splitting the output columns across workers.
func (l *linear) gemv(impl blas.Float32, x, y []float32, beta float32) {
	part := func(j0, j1 int) {
		if l.outMajor { // y[j] = W[j,:]·x
			impl.Sgemv(blas.NoTrans, j1-j0, l.in, 1, l.w[j0*l.ld:], l.ld, x, 1, beta, y[j0:j1], 1)
		} else { // y[j] = W[:,j]·x
			impl.Sgemv(blas.Trans, l.in, j1-j0, 1, l.w[j0:], l.ld, x, 1, beta, y[j0:j1], 1)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if !parallelGemv || workers == 1 || l.in*l.out < 1<<16 {
		part(0, l.out)
		return
	}
	parallelRange(l.out, workers, 16, part)
}

// parallelRange splits [0, n) into at most workers contiguous chunks whose
// boundaries are multiples of align (except the last) and runs f on each
// with neuro/parallel. Every chunk writes its own outputs, so the result
// does not depend on the number of workers.
func parallelRange(n, workers, align int, f func(lo, hi int)) {
	blocks := (n + align - 1) / align
	chunks := parallel.Chunks(blocks, workers)
	parallel.For(len(chunks), workers, func(_, c int) {
		f(chunks[c][0]*align, min(chunks[c][1]*align, n))
	})
}

// parallelRows runs f over [0, rows) split across cores when the work
// (rows·cost) is large enough to pay for goroutines.
func parallelRows(rows, cost int, f func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers == 1 || rows < 2 || rows*cost < 1<<15 {
		f(0, rows)
		return
	}
	parallelRange(rows, workers, 1, f)
}
