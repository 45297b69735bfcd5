//go:build !unix

package information

// processCPU returns −1: the process's CPU time is read on unix only.
func processCPU() float64 { return -1 }
