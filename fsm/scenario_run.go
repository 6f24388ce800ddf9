package fsm

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// RunScenario plays one case through a System built from its config line, checking its
// expect lines. The error names the failing line and shows the whole system as it was
// after the last command.
func RunScenario(sc Scenario) error { return runScenario(sc, nil) }

// UpdateScenarios replays every case of a scenario file and returns the file with each
// expect line's values replaced by what the system actually shows (keys, order and
// comments kept), for reviewing a rule change as a diff. Errors other than failed
// expectations are returned.
func UpdateScenarios(text string) (string, error) {
	cases, err := ParseScenarios(text)
	if err != nil {
		return "", err
	}
	fixed := map[int]string{}
	for _, sc := range cases {
		err := runScenario(sc, func(st ScenarioStep, got [][2]string) {
			parts := []string{"expect"}
			for _, kv := range got {
				parts = append(parts, kv[0]+"="+kv[1])
			}
			fixed[st.Line] = strings.Join(parts, " ")
		})
		if err != nil {
			return "", err
		}
	}
	lines := strings.Split(text, "\n")
	for n, line := range fixed {
		if i := strings.IndexByte(lines[n-1], '#'); i >= 0 {
			line += " " + lines[n-1][i:]
		}
		lines[n-1] = line
	}
	return strings.Join(lines, "\n"), nil
}

// runScenario runs sc; with fix set, expect lines report the actual values to it instead
// of failing.
func runScenario(sc Scenario, fix func(ScenarioStep, [][2]string)) error {
	if len(sc.Steps) == 0 || sc.Steps[0].Cmd != "config" {
		return fmt.Errorf("line %d: a case must start with config", sc.Line)
	}
	cfg, variant, err := ScenarioConfig(sc.Steps[0])
	if err != nil {
		return fmt.Errorf("line %d: %w", sc.Line, err)
	}
	sys, err := NewSystem(cfg, variant)
	if err != nil {
		return fmt.Errorf("line %d: %w", sc.Line, err)
	}
	s := sys.Init()[0]
	var sent []Packet
	for _, st := range sc.Steps[1:] {
		if st.Cmd == "expect" {
			got, err := expect(s, sent, st)
			if err != nil && fix == nil {
				return fmt.Errorf("line %d: %w\nsystem:\n%s", st.Line, err, s.Detail())
			}
			if fix != nil {
				if got == nil {
					return fmt.Errorf("line %d: %w", st.Line, err)
				}
				fix(st, got)
			}
			continue
		}
		a, err := scenarioAction(sys, s, st)
		if err != nil {
			return fmt.Errorf("line %d: %w\nsystem:\n%s", st.Line, err, s.Detail())
		}
		next, ok := sys.Next(s, a)
		if !ok {
			return fmt.Errorf("line %d: %s is not enabled\nsystem:\n%s", st.Line,
				sys.Label(s, a), s.Detail())
		}
		sent = added(s.Net, next.Net)
		s = next
	}
	return nil
}

// added lists the packets in after that were not in before (as a multiset), in order.
func added(before, after Network) []Packet {
	rest := before.Packets()
	var out []Packet
	for _, p := range after.Packets() {
		if i := slices.Index(rest, p); i >= 0 {
			rest = slices.Delete(rest, i, i+1)
			continue
		}
		out = append(out, p)
	}
	return out
}

func scenarioAction(sys System, s SysState, st ScenarioStep) (Action, error) {
	side, err := ParseSide(st.Args[0])
	if err != nil {
		return Action{}, err
	}
	calls := map[string]EventKind{"open": EvOpen, "listen": EvListen, "send": EvSend,
		"close": EvClose, "abort": EvAbort}
	if ev, ok := calls[st.Cmd]; ok {
		return Action{Kind: ActCall, Side: side, Event: ev}, nil
	}
	switch st.Cmd {
	case "crash":
		return Action{Kind: ActCrash, Side: side}, nil
	case "timeout":
		timers := map[string]EventKind{"rtx": EvRetransmit, "2msl": EvTimeWait,
			"user": EvUserTimeout}
		ev, ok := timers[st.Args[1]]
		if !ok {
			return Action{}, fmt.Errorf("unknown timer %q (valid: rtx, 2msl, user)", st.Args[1])
		}
		return Action{Kind: ActTimer, Side: side, Event: ev}, nil
	}
	seg, err := ParseSegment(st.Args[1])
	if err != nil {
		return Action{}, err
	}
	if st.Cmd == "inject" {
		for _, p := range sys.OldSegments() {
			if p.Dst() == side && p.Seg == seg {
				return Action{Kind: ActInject, Side: side, Pkt: p}, nil
			}
		}
		return Action{}, fmt.Errorf("%s is not an old segment to %s (have %v)", seg, side,
			sys.OldSegments())
	}
	// deliver, lose, dup: the packet to side with this segment; with several
	// incarnations in flight, the newest unless inc= picks one.
	want := -1
	for _, kv := range st.Keys {
		if kv[0] != "inc" {
			return Action{}, fmt.Errorf("unknown key %q", kv[0])
		}
		n, err := strconv.Atoi(kv[1])
		if err != nil {
			return Action{}, fmt.Errorf("bad inc %q", kv[1])
		}
		want = n
	}
	var found *Packet
	for _, p := range s.Net.Packets() {
		if p.Dst() == side && p.Seg == seg && (want < 0 || int(p.Inc) == want) {
			found = &p
		}
	}
	if found == nil {
		return Action{}, fmt.Errorf("no %s to %s in flight", seg, side)
	}
	kind := map[string]ActionKind{"deliver": ActDeliver, "lose": ActLose, "dup": ActDup}[st.Cmd]
	return Action{Kind: kind, Side: side, Pkt: *found}, nil
}

// expect checks an expect line. It returns the actual value of every key (nil when a key
// is unknown) and an error for the first mismatch.
func expect(s SysState, sent []Packet, st ScenarioStep) ([][2]string, error) {
	if len(st.Args) > 0 {
		return nil, fmt.Errorf("expect takes key=value arguments only, got %q", st.Args)
	}
	var actual [][2]string
	var mismatch error
	for _, kv := range st.Keys {
		k, v := kv[0], kv[1]
		var got string
		switch k {
		case "A", "B":
			got = s.Ep[k[0]-'A'].State.String()
		case "sent":
			got = segmentList(sent)
		case "inflight":
			got = strconv.Itoa(s.Net.Len())
		case "told":
			got = sidesWhere(s, func(g Ghost) bool { return g.Told })
		case "stalerun":
			got = sidesWhere(s, func(g Ghost) bool { return g.StaleRun })
		case "delivered":
			got = fmt.Sprintf("%d,%d", s.Ghost[A].Delivered, s.Ghost[B].Delivered)
		default:
			return nil, fmt.Errorf("unknown expect key %q", k)
		}
		actual = append(actual, [2]string{k, got})
		if got != v && mismatch == nil {
			mismatch = fmt.Errorf("expect %s=%s, got %s", k, v, got)
		}
	}
	return actual, mismatch
}

// sidesWhere lists the sides whose ghost data satisfy pred, as "A", "B", "A,B" or
// "none".
func sidesWhere(s SysState, pred func(Ghost) bool) string {
	var sides []string
	for side := A; side <= B; side++ {
		if pred(s.Ghost[side]) {
			sides = append(sides, side.String())
		}
	}
	if len(sides) == 0 {
		return "none"
	}
	return strings.Join(sides, ",")
}

// segmentList renders segments back to back, "none" for no segment.
func segmentList(ps []Packet) string {
	if len(ps) == 0 {
		return "none"
	}
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p.Seg.String())
	}
	return b.String()
}
