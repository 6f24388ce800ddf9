//go:build unix

package outdir

import (
	"errors"
	"syscall"
)

// alive says whether a process with this id runs (signal 0 probes without sending).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
