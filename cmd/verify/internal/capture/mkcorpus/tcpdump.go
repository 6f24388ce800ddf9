package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// captureRun records the loopback traffic on the given ports into path while
// fn runs. tcpdump is started with -U so each packet is written as it comes,
// waited for until it reports that it listens, and stopped with SIGINT, on
// which it flushes and closes the file.
func captureRun(path string, ports []int, fn func() error) error {
	var filter []string
	for _, p := range ports {
		filter = append(filter, fmt.Sprintf("port %d", p))
	}
	// -Z root: Debian's tcpdump otherwise drops to the tcpdump user, which
	// may not write into the source tree. --immediate-mode: without it
	// packets wait in the kernel ring for a block timeout and those still
	// there at SIGINT are never written.
	cmd := exec.Command("tcpdump", "-i", "lo", "-n", "-U", "--immediate-mode", "-Z", "root", "-w", path,
		"tcp and ("+strings.Join(filter, " or ")+")")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start tcpdump: %w", err)
	}
	var tail bytes.Buffer
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		signalled := false
		for sc.Scan() {
			tail.WriteString(sc.Text() + "\n")
			if !signalled && strings.Contains(sc.Text(), "listening on") {
				close(ready)
				signalled = true
			}
		}
		if !signalled {
			close(ready)
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return errors.New("tcpdump did not start listening within 5s")
	}
	// The "listening" line comes once the socket is bound; a short pause
	// more covers the filter being attached.
	time.Sleep(200 * time.Millisecond)
	runErr := fn()
	// Let the last segments (TIME-WAIT ACKs, RSTs) reach the capture.
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		return fmt.Errorf("stop tcpdump: %w", err)
	}
	<-done
	waitErr := cmd.Wait()
	if runErr != nil {
		return runErr
	}
	if waitErr != nil {
		return fmt.Errorf("tcpdump: %w: %s", waitErr, tail.String())
	}
	if !strings.Contains("\n"+tail.String(), "\n0 packets dropped by kernel") {
		return fmt.Errorf("tcpdump dropped packets: %s", tail.String())
	}
	if st, err := os.Stat(path); err != nil || st.Size() <= 24 {
		return fmt.Errorf("tcpdump wrote no packets: %s", tail.String())
	}
	return nil
}
