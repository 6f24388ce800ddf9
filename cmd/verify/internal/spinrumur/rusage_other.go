//go:build !unix

package spinrumur

import "os"

// peakRSS is unknown where the platform has no rusage.
func peakRSS(*os.ProcessState) uint64 { return 0 }
