//go:build unix

package spinrumur

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS is the finished process's peak resident set size in bytes, from the rusage wait4
// returned for it (what /usr/bin/time -v prints as "Maximum resident set size").
func peakRSS(ps *os.ProcessState) uint64 {
	if ps == nil {
		return 0
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru.Maxrss <= 0 {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return uint64(ru.Maxrss) // bytes there, kilobytes elsewhere
	}
	return uint64(ru.Maxrss) * 1024
}
