//go:build !unix

package online

// cpuSeconds is not measured outside unix.
func cpuSeconds() float64 { return 0 }
