package fsm

import "fmt"

// Check returns the first TCB or system invariant that s breaks, nil if none. It is the
// predicate of the "tcb invariants" property and of the rule-preservation tests.
//
// Per endpoint: without a TCB every sequence variable is zero; with one,
// ISS =< SND.UNA =< SND.NXT in the modular sense of RFC 9293 §3.4, SND.NXT is past ISS,
// and no more numbers are used than a SYN, the data units and a FIN; past SYN-SENT,
// RCV.NXT is past IRS; a state that has sent its FIN has used a number for it, and one
// that received the peer's FIN has counted it. System-wide: the network is within its
// capacity, the budgets within the configured ones, and no host has made more TCBs than
// Config.MaxTCBs, by which the sequence space is sized.
func (sys *System) Check(s SysState) error {
	sp := sys.Machine.Space
	for side := A; side <= B; side++ {
		e := s.Ep[side]
		units := [2]uint32{uint32(sys.Config.Units[side]), uint32(sys.Config.Units[side.Peer()])}
		if err := checkEndpoint(sp, e, units[0], units[1]); err != nil {
			return fmt.Errorf("%s: %w", side, err)
		}
		if e.Host != uint8(side) {
			return fmt.Errorf("%s: host %d", side, e.Host)
		}
		if n := int(s.Clock[side]); n > sys.Config.MaxTCBs(side) {
			return fmt.Errorf("%s: %d TCBs, more than Config.MaxTCBs %d (the sequence space is sized by it)",
				side, n, sys.Config.MaxTCBs(side))
		}
		if e.Retries > sys.Config.R2() {
			return fmt.Errorf("%s: %d retries, more than R2 %d", side, e.Retries, sys.Config.R2())
		}
		if s.Ghost[side].Opens > sys.Config.Incarnations {
			return fmt.Errorf("%s: %d opens, more than %d incarnations", side,
				s.Ghost[side].Opens, sys.Config.Incarnations)
		}
	}
	if s.Net.Len() > sys.Config.Capacity {
		return fmt.Errorf("network holds %d packets, capacity %d", s.Net.Len(), sys.Config.Capacity)
	}
	f := sys.Config.Faults
	if s.Left.Loss > f.Loss || s.Left.Dup > f.Dup || s.Left.Inject > f.Inject || s.Left.Crash > f.Crash || s.Left.Partition > f.Partition {
		return fmt.Errorf("budgets left %+v exceed configured %+v", s.Left, f)
	}
	return nil
}

// CheckEndpoint is the per-endpoint part of Check, for callers that drive Step directly
// (e.g. trace checking) with at most units data units per connection.
func CheckEndpoint(sp Space, e Endpoint, units uint32) error {
	return checkEndpoint(sp, e, units, units)
}

// checkEndpoint checks e, which may send units data units and receive peerUnits.
func checkEndpoint(sp Space, e Endpoint, units, peerUnits uint32) error {
	if e.FinPending && e.State != StateSynReceived {
		return fmt.Errorf("a CLOSE pending in %s: only SYN-RECEIVED queues one", e.State)
	}
	if !e.State.HasTCB() {
		if e.ISS != 0 || e.IRS != 0 || e.SndUna != 0 || e.SndNxt != 0 || e.RcvNxt != 0 {
			return fmt.Errorf("%s with sequence variables %v", e.State, e)
		}
		if e.State == StateListen && !e.Passive {
			return fmt.Errorf("LISTEN not marked passive")
		}
		return nil
	}
	if !sp.Leq(e.ISS, e.SndUna) || !sp.Leq(e.SndUna, e.SndNxt) {
		return fmt.Errorf("want ISS =< SND.UNA =< SND.NXT, have %v", e)
	}
	used := sp.Dist(e.ISS, e.SndNxt)
	if used == 0 || used > units+2 {
		return fmt.Errorf("SND.NXT - ISS = %d, want 1 to %d: %v", used, units+2, e)
	}
	if e.State.FinSent() && used < 2 {
		return fmt.Errorf("%s but no number used for the FIN: %v", e.State, e)
	}
	// SYN-SENT has sent its SYN and, when data rides on it (variant syn-data), one unit.
	if e.State == StateSynSent && (e.SndUna != e.ISS || used > 2 || e.RcvNxt != 0 || e.IRS != 0) {
		return fmt.Errorf("SYN-SENT with more than its SYN and a data unit: %v", e)
	}
	if e.State != StateSynSent {
		got := sp.Dist(e.IRS, e.RcvNxt)
		if got == 0 || got > peerUnits+2 {
			return fmt.Errorf("RCV.NXT - IRS = %d, want 1 to %d: %v", got, peerUnits+2, e)
		}
		if e.State.FinReceived() && got < 2 {
			return fmt.Errorf("%s but the peer's FIN is not counted: %v", e.State, e)
		}
	}
	return nil
}
