//go:build openblas && cgo

// Command blasprobe times one double-precision matrix product (DGEMM) with
// OpenBLAS and checks its result against gonum's pure-Go BLAS. The kernel
// command runs it once per OpenBLAS core type (OPENBLAS_CORETYPE) to choose
// the one the kernelspec sets; see kernelspec.ProbeOpenBLAS. It prints one
// JSON object.
package main

/*
#cgo LDFLAGS: -lopenblas
extern char* openblas_get_corename(void);
extern char* openblas_get_config(void);
*/
import "C"

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/netlib/blas/netlib"
)

type result struct {
	Core      string  `json:"core"`
	Config    string  `json:"config"`
	N         int     `json:"n"`
	GFLOPS    float64 `json:"gflops"`
	GoGFLOPS  float64 `json:"go_gflops"`
	MaxRelErr float64 `json:"max_rel_err"`
}

func main() {
	n := flag.Int("n", 768, "matrix size")
	minTime := flag.Duration("time", 300*time.Millisecond, "time to spend on the OpenBLAS product")
	goTime := flag.Duration("gotime", 0, "time to spend on the pure-Go product (0: one product, for the check)")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "blasprobe: -n must be positive")
		os.Exit(2)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func() []float64 {
		x := make([]float64, *n**n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return x
	}
	a, b := fill(), fill()
	ref, got := make([]float64, *n**n), make([]float64, *n**n)
	gemm := func(impl blas.Float64Level3, c []float64) {
		impl.Dgemm(blas.NoTrans, blas.NoTrans, *n, *n, *n, 1, a, *n, b, *n, 0, c, *n)
	}
	timeIt := func(impl blas.Float64Level3, c []float64, budget time.Duration) float64 {
		start := time.Now()
		reps := 0
		for reps == 0 || time.Since(start) < budget {
			gemm(impl, c)
			reps++
		}
		return 2 * float64(*n) * float64(*n) * float64(*n) * float64(reps) / time.Since(start).Seconds() / 1e9
	}
	res := result{N: *n, Core: C.GoString(C.openblas_get_corename()), Config: C.GoString(C.openblas_get_config())}
	res.GoGFLOPS = timeIt(gonum.Implementation{}, ref, *goTime)
	gemm(netlib.Implementation{}, got) // warm-up: threads, pages
	res.GFLOPS = timeIt(netlib.Implementation{}, got, *minTime)
	var scale, diff float64
	for i := range ref {
		scale = math.Max(scale, math.Abs(ref[i]))
		d := math.Abs(got[i] - ref[i])
		if math.IsNaN(got[i]) {
			d = math.Inf(1)
		}
		diff = math.Max(diff, d)
	}
	res.MaxRelErr = diff / scale
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "blasprobe:", err)
		os.Exit(1)
	}
}
