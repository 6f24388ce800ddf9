//go:build !unix

package main

import "os/exec"

// ownGroup is a no-op where process groups do not exist.
func ownGroup(c *exec.Cmd) *exec.Cmd { return c }
