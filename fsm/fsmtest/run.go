package fsmtest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tcpverify/tcpverify/fsm"
)

// Run plays one case through a System built from its config line, checking its
// expect lines. The error names the failing line and shows the whole system as it was
// after the last command.
func Run(sc Scenario) error { return run(sc, nil) }

// Update replays every case of a scenario file and returns the file with each
// expect line's values replaced by what the system actually shows (keys, order and
// comments kept), for reviewing a rule change as a diff. Errors other than failed
// expectations are returned.
func Update(text string) (string, error) {
	cases, err := Parse(text)
	if err != nil {
		return "", err
	}
	fixed := map[int]string{}
	for _, sc := range cases {
		err := run(sc, func(st Step, got [][2]string) {
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

// run runs sc; with fix set, expect lines report the actual values to it instead
// of failing.
func run(sc Scenario, fix func(Step, [][2]string)) error {
	if len(sc.Steps) == 0 || sc.Steps[0].Cmd != "config" {
		return fmt.Errorf("line %d: a case must start with config", sc.Line)
	}
	cfg, variant, err := Config(sc.Steps[0])
	if err != nil {
		return fmt.Errorf("line %d: %w", sc.Line, err)
	}
	sys, err := fsm.NewSystem(cfg, variant)
	if err != nil {
		return fmt.Errorf("line %d: %w", sc.Line, err)
	}
	s := sys.Init()[0]
	var sent []fsm.Packet
	for _, st := range sc.Steps[1:] {
		if st.Cmd == "expect" {
			got, err := expect(sys, s, sent, st)
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
		sent = next.Net.Minus(s.Net)
		s = next
	}
	return nil
}

func scenarioAction(sys fsm.System, s fsm.SysState, st Step) (fsm.Action, error) {
	if st.Cmd == "partition" {
		return fsm.Action{Kind: fsm.ActPartition}, nil
	}
	side, err := fsm.ParseSide(st.Args[0])
	if err != nil {
		return fsm.Action{}, err
	}
	calls := map[string]fsm.EventKind{"open": fsm.EvOpen, "listen": fsm.EvListen, "send": fsm.EvSend,
		"close": fsm.EvClose, "abort": fsm.EvAbort}
	if ev, ok := calls[st.Cmd]; ok {
		return fsm.Action{Kind: fsm.ActCall, Side: side, Event: ev}, nil
	}
	switch st.Cmd {
	case "crash":
		return fsm.Action{Kind: fsm.ActCrash, Side: side}, nil
	case "timeout":
		i := slices.IndexFunc(timerNames, func(t timerName) bool { return t.name == st.Args[1] })
		if i < 0 {
			return fsm.Action{}, fmt.Errorf("unknown timer %q (valid: rtx, give-up, 2msl, keepalive, user)", st.Args[1])
		}
		return fsm.Action{Kind: fsm.ActTimer, Side: side, Event: timerNames[i].ev}, nil
	}
	seg, err := fsm.ParseSegment(st.Args[1])
	if err != nil {
		return fsm.Action{}, err
	}
	if st.Cmd == "inject" {
		for _, p := range sys.OldSegments() {
			if p.Dst() == side && p.Seg == seg {
				return fsm.Action{Kind: fsm.ActInject, Side: side, Pkt: p}, nil
			}
		}
		return fsm.Action{}, fmt.Errorf("%s is not an old segment to %s (have %v)", seg, side,
			sys.OldSegments())
	}
	// deliver, lose, dup: the packet to side with this segment; with copies from several
	// TCBs in flight, the last in the network's order unless from= names the sending TCB.
	want := ""
	for _, kv := range st.Keys {
		if kv[0] != "from" {
			return fsm.Action{}, fmt.Errorf("unknown key %q", kv[0])
		}
		want = kv[1]
	}
	var found *fsm.Packet
	for _, p := range s.Net.Packets() {
		if p.Dst() == side && p.Seg == seg && (want == "" || p.From.String() == want) {
			found = &p
		}
	}
	if found == nil {
		return fsm.Action{}, fmt.Errorf("no %s to %s in flight", seg, side)
	}
	kind := map[string]fsm.ActionKind{"deliver": fsm.ActDeliver, "lose": fsm.ActLose, "dup": fsm.ActDup}[st.Cmd]
	return fsm.Action{Kind: kind, Side: side, Pkt: *found}, nil
}

// expect checks an expect line. It returns the actual value of every key (nil when a key
// is unknown) and an error for the first mismatch.
func expect(sys fsm.System, s fsm.SysState, sent []fsm.Packet, st Step) ([][2]string, error) {
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
			got = sidesWhere(func(x fsm.Side) bool { return s.Ghost[x].Told })
		case "stalerun":
			got = sidesWhere(func(x fsm.Side) bool { return s.Ghost[x].StaleRun })
		case "stale":
			got = staleMarks(s)
		case "delivered":
			got = fmt.Sprintf("%d,%d", s.Ghost[fsm.A].Delivered, s.Ghost[fsm.B].Delivered)
		case "timers":
			got = timers(sys, s)
		case "throttled":
			got = sidesWhere(func(x fsm.Side) bool { return s.Ep[x].Throttled })
		case "close":
			got = closeVerdict(s)
		case "staleinflight":
			var old []fsm.Packet
			for _, p := range s.Net.Packets() {
				if s.Stale(p) {
					old = append(old, p)
				}
			}
			got = segmentList(old)
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

// closeVerdict names what the thesis of the close knows of the first connection's close
// (fsm.SysState.CloseVerdict): none before its first FIN, counting and the segments so far
// (counting:2) until both FINs are acknowledged, then untested, three, four or more.
func closeVerdict(s fsm.SysState) string {
	if v, ok := s.CloseVerdict(); ok {
		return map[uint8]string{fsm.CloseUntested: "untested", fsm.CloseInThree: "three",
			fsm.CloseInFour: "four", fsm.CloseInMore: "more"}[v]
	}
	if !s.Closing {
		return "none"
	}
	return "counting:" + strconv.Itoa(int(s.CloseSegs)+1)
}

// timerName is a timer as scenarios name it.
type timerName struct {
	name string
	ev   fsm.EventKind
}

// timerNames lists the timers in the order fsm.System.Actions offers them.
var timerNames = []timerName{{"rtx", fsm.EvRetransmit}, {"give-up", fsm.EvGiveUp},
	{"2msl", fsm.EvTimeWait}, {"keepalive", fsm.EvKeepalive}, {"user", fsm.EvUserTimeout},
	{"delack", fsm.EvDelayedAck}}

// timers lists the timers that may expire now on each side, e.g. "A:rtx,B:none": what
// the rows and the timing assumptions allow.
func timers(sys fsm.System, s fsm.SysState) string {
	var parts []string
	for side := fsm.A; side <= fsm.B; side++ {
		var names []string
		for _, t := range timerNames {
			if _, ok := sys.Next(s, fsm.Action{Kind: fsm.ActTimer, Side: side, Event: t.ev}); ok {
				names = append(names, t.name)
			}
		}
		if len(names) == 0 {
			names = []string{"none"}
		}
		parts = append(parts, side.String()+":"+strings.Join(names, "+"))
	}
	return strings.Join(parts, ",")
}

// staleMarks says what old segments did to each side, e.g. "A:none,B:opened+reset".
func staleMarks(s fsm.SysState) string {
	var parts []string
	for side := fsm.A; side <= fsm.B; side++ {
		m := strings.ReplaceAll(s.Ghost[side].Stale.String(), ",", "+")
		if m == "" {
			m = "none"
		}
		parts = append(parts, side.String()+":"+m)
	}
	return strings.Join(parts, ",")
}

// sidesWhere lists the sides for which pred holds, as "A", "B", "A,B" or "none".
func sidesWhere(pred func(fsm.Side) bool) string {
	var sides []string
	for side := fsm.A; side <= fsm.B; side++ {
		if pred(side) {
			sides = append(sides, side.String())
		}
	}
	if len(sides) == 0 {
		return "none"
	}
	return strings.Join(sides, ",")
}

// segmentList renders segments back to back, "none" for no segment.
func segmentList(ps []fsm.Packet) string {
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
