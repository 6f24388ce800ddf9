// Package fsmtest is the test harness of package fsm: it parses scenario files, plays each
// case through an fsm.System and checks its expect lines, or rewrites them (Update) so that
// a rule change is reviewed as a diff. It works on text only; the tests that call it read
// and write the files.
package fsmtest

import (
	"bufio"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tcpverify/tcpverify/fsm"
)

// Scenario files (fsm/testdata/*.scn) script the system step by step, in the manner of
// etcd raft's datadriven tests:
//
//	# RFC 9293 §3.5 Figure 6, basic three-way handshake
//	config shape=client-server
//	open A
//	expect A=SYN-SENT B=LISTEN sent=<SEQ=1><CTL=SYN>
//	deliver B <SEQ=1><CTL=SYN>
//	expect B=SYN-RECEIVED sent=<SEQ=64><ACK=2><CTL=SYN,ACK>
//
// A case starts with a config line and ends at a blank line; # starts a comment.
//
// Commands name the side acted on: open, listen, send, close, abort, crash X; timeout X
// rtx|give-up|2msl|keepalive|user; deliver, lose, dup X <segment>; inject X <segment> (one of the
// system's OldSegments, going to X); partition, alone, fails the path for good. A command the system does not offer in the current
// state fails the case.
//
// deliver, lose and dup take the packet to X carrying that segment; when copies from
// several TCBs are in flight, from=k picks the one sent by the sender's TCB k (its serial,
// "old" for the TCB before the run, "-" for none), and otherwise the last in the network's
// order is taken.
//
// expect checks keys after the previous command:
//
//   - A= and B=: the states;
//   - sent=: the segments the command put on the network, in order, or none;
//   - inflight=: how many packets are in flight;
//   - staleinflight=: the segments in flight that are old for the side they go to
//     (fsm.SysState.Stale), in the network's order, or none;
//   - throttled=: the sides whose rate limiter holds back answers to unacceptable
//     segments until a timer expires (fsm.Endpoint.Throttled), A, B, A,B or none;
//   - told=: the sides told of a reset, refusal, timeout or abort (A, B, A,B or none);
//   - stale=: what old segments did to each side, as A:marks,B:marks, the marks opened,
//     reset, moved and data joined by + (cleared: a TCB an old SYN opened was reset by a TCB of the peer), or none;
//   - stalerun=: the sides an old segment of this run synchronized or fed data;
//   - delivered=: the units delivered to A's and B's users, as a,b;
//   - close=: what close-takes-four's count knows of the first connection's close
//     (fsm.SysState.CloseVerdict): none before its first FIN, counting:n with n segments
//     counted so far, then untested (a fault, timer or abrupt end touched the run), three,
//     four or more;
//   - timers=: the timers that may expire now, as A:names,B:names, the names rtx, give-up,
//     2msl, keepalive and user joined by +, or none: what the rows and the timing assumptions
//     allow, so that a script can show an assumption holding a timer back.
//
// The config line's keys are those of Config. Numbers follow the model: A's k-th TCB has
// ISS 1+(k-1)*stride and B's half the sequence space plus as much, the stride being a
// side's data units plus 2 plus the window (1 with drop=isn-clock); the space is the smallest the
// config allows, so budgets and incarnations change it.

// Scenario is one parsed case.
type Scenario struct {
	Line  int // line of its config command
	Steps []Step
}

// Step is one command line.
type Step struct {
	Line int
	Cmd  string
	Args []string
	// Keys holds key=value arguments, in order of appearance for expect.
	Keys [][2]string
}

// Parse reads a scenario file.
func Parse(text string) ([]Scenario, error) {
	var out []Scenario
	var cur *Scenario
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			if strings.TrimSpace(sc.Text()) == "" {
				cur = nil // a blank line ends a case; a comment line does not
			}
			continue
		}
		st := Step{Line: n, Cmd: fields[0]}
		for _, f := range fields[1:] {
			if k, v, ok := strings.Cut(f, "="); ok && !strings.HasPrefix(f, "<") {
				st.Keys = append(st.Keys, [2]string{k, v})
			} else {
				st.Args = append(st.Args, f)
			}
		}
		if st.Cmd == "config" {
			out = append(out, Scenario{Line: n})
			cur = &out[len(out)-1]
		} else if cur == nil {
			return nil, fmt.Errorf("line %d: %q before any config line", n, st.Cmd)
		}
		if err := checkStep(st); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		cur.Steps = append(cur.Steps, st)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read scenarios: %w", err)
	}
	return out, nil
}

var scenarioArity = map[string]int{
	"config": 0, "expect": 0, "open": 1, "listen": 1, "send": 1, "close": 1, "abort": 1,
	"crash": 1, "partition": 0, "timeout": 2, "deliver": 2, "lose": 2, "dup": 2, "inject": 2,
}

func checkStep(st Step) error {
	n, ok := scenarioArity[st.Cmd]
	if !ok {
		return fmt.Errorf("unknown command %q", st.Cmd)
	}
	if len(st.Args) != n {
		return fmt.Errorf("%s takes %d arguments, got %d", st.Cmd, n, len(st.Args))
	}
	if n > 0 {
		if _, err := fsm.ParseSide(st.Args[0]); err != nil {
			return err
		}
	}
	if n == 2 && st.Cmd != "timeout" {
		if _, err := fsm.ParseSegment(st.Args[1]); err != nil {
			return err
		}
	}
	return nil
}

// Config builds the config and variant of a config line. Keys: shape, seqbits,
// window, cap, units (a,b), incs, loss, dup, inject, crash, partition, oldfrom (A, B or A,B),
// oldkinds (a comma list of syn, syn-ack, ack, data, fin, rst, or all), callsA and callsB
// (comma lists of open, listen, send, close, abort, user-timeout), r2, drop (a comma list
// of the timing assumptions dropped, fsm.Assumptions), variant. Budgets default to
// generous values and every old segment kind from either side may be injected, so that a
// script can fault at will; the sequence space defaults to the smallest the config
// allows.
func Config(st Step) (fsm.Config, string, error) {
	cfg, variant, err := config(st)
	if err != nil {
		return cfg, variant, err
	}
	if !st.has("seqbits") {
		cfg.SeqBits = cfg.MinSeqBits()
	}
	return cfg, variant, nil
}

// has reports whether the step sets key.
func (st Step) has(key string) bool {
	for _, kv := range st.Keys {
		if kv[0] == key {
			return true
		}
	}
	return false
}

func config(st Step) (fsm.Config, string, error) {
	cfg := fsm.DefaultConfig()
	cfg.Capacity = 4
	cfg.Incarnations = 2
	cfg.Timing.R2 = 1
	cfg.Faults = fsm.Faults{Loss: 3, Dup: 3, Inject: 3, Crash: 2}
	cfg.OldFrom = [2]bool{true, true}
	cfg.OldKinds = fsm.AllOld
	variant := fsm.RFC
	for _, kv := range st.Keys {
		k, v := kv[0], kv[1]
		var err error
		num := func() uint64 {
			n, e := strconv.ParseUint(v, 10, 8)
			if e != nil && err == nil {
				err = fmt.Errorf("config %s=%q: want a small number", k, v)
			}
			return n
		}
		switch k {
		case "shape":
			cfg.Shape, err = fsm.ParseShape(v)
		case "seqbits":
			cfg.SeqBits = int(num())
		case "window":
			cfg.Window = uint32(num())
		case "cap":
			cfg.Capacity = int(num())
		case "incs":
			cfg.Incarnations = uint8(num())
		case "loss":
			cfg.Faults.Loss = uint8(num())
		case "dup":
			cfg.Faults.Dup = uint8(num())
		case "inject":
			cfg.Faults.Inject = uint8(num())
		case "crash":
			cfg.Faults.Crash = uint8(num())
		case "partition":
			cfg.Faults.Partition = uint8(num())
		case "units":
			a, b, ok := strings.Cut(v, ",")
			ua, ea := strconv.ParseUint(a, 10, 8)
			ub, eb := strconv.ParseUint(b, 10, 8)
			if !ok || ea != nil || eb != nil {
				err = fmt.Errorf("config units=%q: want a,b", v)
			}
			cfg.Units = [2]uint8{uint8(ua), uint8(ub)}
		case "oldfrom":
			cfg.OldFrom = [2]bool{}
			for _, s := range strings.Split(v, ",") {
				side, e := fsm.ParseSide(s)
				if e != nil {
					err = e
					break
				}
				cfg.OldFrom[side] = true
			}
		case "oldkinds":
			cfg.OldKinds, err = fsm.ParseOldKinds(v)
		case "callsA", "callsB":
			var calls fsm.Calls
			for _, name := range strings.Split(v, ",") {
				c, e := parseCall(name)
				if e != nil {
					err = e
					break
				}
				calls |= c
			}
			cfg.Calls[k[len(k)-1]-'A'] = calls
		case "r2":
			cfg.Timing.R2 = uint8(num())
		case "drop":
			for _, name := range strings.Split(v, ",") {
				if e := cfg.Timing.Drop(name); e != nil {
					err = e
					break
				}
			}
		case "variant":
			variant = v
		default:
			err = fmt.Errorf("unknown config key %q", k)
		}
		if err != nil {
			return cfg, "", err
		}
	}
	return cfg, variant, nil
}

func parseCall(name string) (fsm.Calls, error) {
	names := []string{"open", "listen", "send", "close", "abort", "user-timeout"}
	i := slices.Index(names, name)
	if i < 0 {
		return 0, fmt.Errorf("unknown call %q (valid: %s)", name, strings.Join(names, ", "))
	}
	return 1 << i, nil
}
