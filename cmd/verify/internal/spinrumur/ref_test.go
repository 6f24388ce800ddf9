package spinrumur_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/spinrumur"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/twin"
)

func small() twin.Params {
	p := twin.DefaultParams()
	p.SeqN, p.NetCap = 2, 2
	return p
}

func TestMurphiForSetsTheConstantsAndDeletesTheInvariants(t *testing.T) {
	p := twin.Params{SeqN: 5, NetCap: 3, Loss: 2, Dup: 0, OldSyn: 3, Rtx: 4}
	src, err := spinrumur.MurphiFor(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for _, want := range []string{"SEQ_N         : 5;", "NET_CAP       : 3;", "LOSS_BUDGET   : 2;",
		"DUP_BUDGET    : 0;", "OLDSYN_BUDGET : 3;", "RTX_BUDGET    : 4;", `rule "idle"`} {
		if !strings.Contains(s, want) {
			t.Errorf("tcp.m for %s lacks %q", p.Name(), want)
		}
	}
	for _, gone := range []string{"-- BEGIN P1", "invariant \"P1", "invariant \"P2", "-- END P2"} {
		if strings.Contains(s, gone) {
			t.Errorf("tcp.m for %s still has %q", p.Name(), gone)
		}
	}
}

func TestRunRejectsInvalidParams(t *testing.T) {
	p := small()
	p.SeqN = 33
	for _, tool := range spinrumur.Tools() {
		if _, err := spinrumur.Run(context.Background(), tool, p, spinrumur.Options{}); err == nil ||
			!strings.Contains(err.Error(), "SEQ_N") {
			t.Errorf("%s with SEQ_N=33: err = %v, want one naming SEQ_N", tool, err)
		}
	}
}

func TestAMissingToolIsErrNotInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, tool := range spinrumur.Tools() {
		_, err := spinrumur.Run(context.Background(), tool, small(), spinrumur.Options{})
		if !errors.Is(err, spinrumur.ErrNotInstalled) || !strings.Contains(err.Error(), ".ci/setup") {
			t.Errorf("%s with an empty PATH: err = %v, want ErrNotInstalled naming .ci/setup", tool, err)
		}
	}
}

func TestParseTool(t *testing.T) {
	for _, c := range []struct {
		in   string
		want spinrumur.Tool
		ok   bool
	}{{"spin", spinrumur.SPIN, true}, {" Rumur ", spinrumur.Rumur, true}, {"nusmv", "", false}} {
		got, err := spinrumur.ParseTool(c.in)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("ParseTool(%q) = %q, %v; want %q, ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

// The two tools must agree with each other, as the anchor README says: same states, and
// Rumur's rules fired = SPIN's transitions - 1.
func TestSPINAndRumurAgreeOnASmallSetting(t *testing.T) {
	need(t, spinrumur.SPIN)
	need(t, spinrumur.Rumur)
	ctx := context.Background()
	p := small()
	s, err := spinrumur.RunSPIN(ctx, p, spinrumur.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := spinrumur.RunRumur(ctx, p, spinrumur.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("spin:  %d states, %d transitions, %d errors, %v (wall %v), %d bytes (%s), rss %d",
		s.States, s.Transitions, s.Errors, s.Elapsed, s.Wall, s.Memory, s.MemorySource, s.PeakRSS)
	t.Logf("rumur: %d states, %d rules fired, %d errors, %v (wall %v), %d bytes (%s)",
		r.States, r.Transitions, r.Errors, r.Elapsed, r.Wall, r.Memory, r.MemorySource)
	if s.States == 0 || s.States != r.States {
		t.Errorf("states: spin %d, rumur %d; want equal and nonzero", s.States, r.States)
	}
	if s.Transitions != r.Transitions+1 || s.Firings != r.Firings {
		t.Errorf("spin transitions %d (firings %d), rumur rules fired %d (firings %d); want spin = rumur + 1",
			s.Transitions, s.Firings, r.Transitions, r.Firings)
	}
	if s.Errors == 0 || s.Errors != r.Errors {
		t.Errorf("deadlocks: spin %d, rumur %d; want equal and nonzero", s.Errors, r.Errors)
	}
	if s.StatesPerSecond() <= 0 || r.StatesPerSecond() <= 0 || s.BytesPerState() <= 0 {
		t.Errorf("rates: spin %.0f states/s, %.1f bytes/state; rumur %.0f states/s",
			s.StatesPerSecond(), s.BytesPerState(), r.StatesPerSecond())
	}
	if s.Memory == 0 || s.PeakRSS == 0 || r.Memory == 0 {
		t.Errorf("memory: spin %d (rss %d), rumur %d; want nonzero", s.Memory, s.PeakRSS, r.Memory)
	}
}

// need fails, rather than skips, when a tool is missing: CI installs both.
func need(t *testing.T, tool spinrumur.Tool) {
	t.Helper()
	if err := spinrumur.Available(tool); err != nil {
		t.Fatalf("%v; PATH=%s", err, os.Getenv("PATH"))
	}
}
