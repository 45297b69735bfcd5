//go:build unix

package information

import "syscall"

// processCPU returns the process's user and system CPU time in seconds
// (all threads), or −1 when it cannot be read.
func processCPU() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return -1
	}
	return float64(u.Utime.Nano()+u.Stime.Nano()) / 1e9
}
