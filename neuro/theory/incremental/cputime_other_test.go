//go:build !unix

package incremental

// cpuSeconds is not measured outside unix.
func cpuSeconds() float64 { return 0 }
