package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/outdir"
)

// interrupted is the cause of a run's context cancelled by a signal; reports say it as the
// reason the run stopped ("interrupted by SIGTERM").
type interrupted struct{ sig os.Signal }

func (e interrupted) Error() string { return "interrupted by " + signalName(e.sig) }

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// signalExitCode is the shell's convention for a process ended by a signal: 128 plus its
// number (130 for SIGINT, 143 for SIGTERM).
func signalExitCode(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 128 + 2
}

// stopOnSignal is the one stop path of every command. The first SIGINT or SIGTERM cancels
// the returned context with an interrupted cause: the searches stop at the next state and
// the command writes what it has, marked incomplete, and exits 3. A second signal exits at
// once through exit with 130 or 143; files are only ever renamed into place (package
// outdir), so none is left half-written. release stops listening.
func stopOnSignal(parent context.Context, stderr io.Writer, exit func(int)) (ctx context.Context, release func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			fmt.Fprintf(stderr, "verify: %s: stopping at the next state (again to exit at once)\n", signalName(s))
			cancel(interrupted{s})
		case <-done:
			return
		}
		select {
		case s := <-sigs:
			fmt.Fprintf(stderr, "verify: %s again: exiting at once\n", signalName(s))
			exit(signalExitCode(s))
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// interruption is the signal that stopped ctx, nil when none did.
func interruption(ctx context.Context) error {
	var in interrupted
	if err := context.Cause(ctx); errors.As(err, &in) {
		return in
	}
	return nil
}

// stopText says why a search stopped: the signal when the caller's context was cancelled
// by one, else the bound.
func stopText(ctx context.Context, stop error) string {
	if stop == nil {
		return ""
	}
	if in := interruption(ctx); in != nil && errors.Is(stop, checker.ErrCanceled) {
		return in.Error()
	}
	return stop.Error()
}

// foreignNote is the report note for files in the output directory that verify did not
// write.
func foreignNote(d *outdir.Dir) []string {
	f := d.Foreign()
	if len(f) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%s also holds files verify did not write, left alone: %s", d.Target(), strings.Join(f, ", "))}
}
