package twin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/spinrumur"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/twin"
)

func params(seqN, netCap int) twin.Params {
	p := twin.DefaultParams()
	p.SeqN, p.NetCap = seqN, netCap
	return p
}

// The point of the port: the engine's counts equal SPIN's, SPIN run here and now on the
// embedded tcp.pml. A missing spin is a failure, not a skip: CI installs it.
func TestGoPortCountsEqualSPINsRunNow(t *testing.T) {
	if err := spinrumur.Available(spinrumur.SPIN); err != nil {
		t.Fatalf("%v\nSPIN is needed to check the port: run .ci/setup --tests (it installs spin and rumur)", err)
	}
	for _, p := range []twin.Params{params(2, 2), params(3, 2)} {
		t.Run(p.Name(), func(t *testing.T) {
			spin, err := spinrumur.RunSPIN(context.Background(), p, spinrumur.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res := explore(t, p, checker.Config{})
			t.Logf("engine %d states, %d transitions; SPIN %d states, %d transitions",
				res.States, res.Transitions, spin.States, spin.Transitions)
			if err := sameCounts(res, spin.States, spin.Transitions); err != nil {
				t.Error(err)
			}
		})
	}
}

// SPIN at SEQ_N=2 NET_CAP=2: with -DNO_P2 it reports P1's assert violated, with -DNO_P1 no
// error, and with -c0 324 invalid end states. The engine must agree, and its traces must
// replay through the model to a state that shows the violation.
func TestVerdictsAgreeWithSPINAndTracesReplay(t *testing.T) {
	p := params(2, 2)
	m, err := twin.New(p)
	if err != nil {
		t.Fatal(err)
	}
	res := explore(t, p, checker.Config{})
	want := map[string]checker.Status{
		twin.P1Name: checker.Violated,
		twin.P2Name: checker.Holds,
		twin.P3Name: checker.Violated,
	}
	if len(res.Verdicts) != len(want) {
		t.Fatalf("%d verdicts, want %d", len(res.Verdicts), len(want))
	}
	for _, v := range res.Verdicts {
		if v.Status != want[v.Name] {
			t.Errorf("%s: %v, want %v", v.Name, v.Status, want[v.Name])
		}
		if v.Status != checker.Violated {
			continue
		}
		if v.Trace == nil {
			t.Fatalf("%s: violated with no trace", v.Name)
		}
		last := replay(t, m, v.Trace)
		switch v.Name {
		case twin.P1Name:
			if twin.P1(last) {
				t.Errorf("P1 trace ends in %v, where P1 holds", last)
			}
		case twin.P3Name:
			if m.Terminal(last) || len(m.Actions(last, nil)) != 0 {
				t.Errorf("P3 trace ends in %v, which is terminal or has actions", last)
			}
		}
	}
}

// replay follows a trace's action indexes through Actions and Next, checks each step's
// state and label, and returns the last state.
func replay(t *testing.T, m *twin.Model, tr *checker.Trace[twin.State]) twin.State {
	t.Helper()
	s := m.Init()[0]
	if s != tr.States[0] {
		t.Fatalf("trace starts in %v, want the initial state %v", tr.States[0], s)
	}
	for i, st := range tr.Steps {
		acts := m.Actions(s, nil)
		if st.Index >= len(acts) {
			t.Fatalf("step %d: action index %d of %d", i+1, st.Index, len(acts))
		}
		a := acts[st.Index]
		if got := m.Label(s, a); got != st.Action {
			t.Errorf("step %d: label %q, trace says %q", i+1, got, st.Action)
		}
		next, ok := m.Next(s, a)
		if !ok || next != tr.States[i+1] {
			t.Fatalf("step %d (%s): Next = %v, %v; trace says %v", i+1, st.Action, next, ok, tr.States[i+1])
		}
		s = next
	}
	return s
}

func TestInvalidParamsAreRejectedByName(t *testing.T) {
	for _, c := range []struct {
		mut  func(*twin.Params)
		want string
	}{
		{func(p *twin.Params) { p.SeqN = 0 }, "SEQ_N = 0"},
		{func(p *twin.Params) { p.SeqN = 33 }, "SEQ_N = 33"},
		{func(p *twin.Params) { p.NetCap = 0 }, "NET_CAP = 0"},
		{func(p *twin.Params) { p.NetCap = 9 }, "NET_CAP = 9"},
		{func(p *twin.Params) { p.Loss = -1 }, "LOSS_BUDGET = -1"},
		{func(p *twin.Params) { p.Dup = 256 }, "DUP_BUDGET = 256"},
		{func(p *twin.Params) { p.OldSyn = -2 }, "OLDSYN_BUDGET = -2"},
		{func(p *twin.Params) { p.Rtx = 1000 }, "RTX_BUDGET = 1000"},
	} {
		p := twin.DefaultParams()
		c.mut(&p)
		_, err := twin.New(p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) error = %v, want one containing %q", p, err, c.want)
		}
	}
	for _, p := range []twin.Params{twin.DefaultParams(), {SeqN: 1, NetCap: 1},
		{SeqN: 32, NetCap: 8, Loss: 255, Dup: 255, OldSyn: 255, Rtx: 255}} {
		if _, err := twin.New(p); err != nil {
			t.Errorf("New(%+v) = %v, want no error", p, err)
		}
	}
}

func TestDefaultsAreTCPPMLs(t *testing.T) {
	want := []string{"SEQ_N=8", "NET_CAP=4", "LOSS_BUDGET=1", "DUP_BUDGET=1", "OLDSYN_BUDGET=1", "RTX_BUDGET=1"}
	got := twin.DefaultParams().Defines()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("defaults %v, want %v", got, want)
	}
	// Each default also appears as tcp.pml's #define fallback.
	pml := string(twin.Promela())
	for _, d := range want {
		name, val, _ := strings.Cut(d, "=")
		if !strings.Contains(pml, "#define "+name+" "+val+"\n") {
			t.Errorf("tcp.pml has no \"#define %s %s\"", name, val)
		}
	}
}

// The properties can fail: hand-built states that break each.
func TestPropertiesFailOnHandBuiltStates(t *testing.T) {
	m, err := twin.New(params(4, 3))
	if err != nil {
		t.Fatal(err)
	}
	init := m.Init()[0]
	if !twin.P1(init) || !twin.P2(init) || !m.Terminal(init) {
		t.Fatalf("initial state %v: P1 %v, P2 %v, terminal %v; want all true",
			init, twin.P1(init), twin.P2(init), m.Terminal(init))
	}
	halfOpen := init
	halfOpen.St[twin.B] = twin.Established // B accepted, A never opened
	if twin.P1(halfOpen) {
		t.Errorf("P1 holds in %v", halfOpen)
	}
	disagree := init
	disagree.St = [2]twin.TCPState{twin.Established, twin.Established}
	disagree.SndNxt = [2]uint8{1, 2}
	disagree.RcvNxt = [2]uint8{2, 3}
	if twin.P2(disagree) {
		t.Errorf("P2 holds in %v", disagree)
	}
	disagree.RcvNxt[twin.B] = 1
	if !twin.P2(disagree) {
		t.Errorf("P2 fails in %v", disagree)
	}
}

// The encoding is as small as encode.go says: a handful of bytes, well under SPIN's state
// vector, and within 24 bytes at NET_CAP=4 whatever the sequence space.
func TestEncodingsAreSmall(t *testing.T) {
	for _, c := range []struct {
		p    twin.Params
		want int
	}{{params(4, 3), 8}, {twin.DefaultParams(), 11}, {params(32, 4), 16}} {
		m, err := twin.New(c.p)
		if err != nil {
			t.Fatal(err)
		}
		b := m.Encode(nil, m.Init()[0])
		if m.EncodedSize() != c.want || len(b) != c.want {
			t.Errorf("%s: EncodedSize %d, Encode gives %d bytes; want %d", c.p.Name(), m.EncodedSize(), len(b), c.want)
		}
	}
}
