//go:build !unix

package outdir

// alive cannot tell elsewhere: every lock is taken to be held.
func alive(pid int) bool { return true }
