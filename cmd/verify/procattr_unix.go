//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// ownGroup runs a helper (Graphviz) in a process group of its own, so that a Ctrl-C at
// the terminal reaches verify alone, which then finishes what it writes.
func ownGroup(c *exec.Cmd) *exec.Cmd {
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return c
}
