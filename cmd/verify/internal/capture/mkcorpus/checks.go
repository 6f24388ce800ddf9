package main

import (
	"errors"
	"fmt"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
)

// The checks say whether a capture shows what its scenario is about; a
// recording that fails one is retried (racy scenarios) or reported.

func incarnations(conns []capture.Connection) []capture.Incarnation {
	var out []capture.Incarnation
	for _, c := range conns {
		out = append(out, c.Incarnations...)
	}
	return out
}

func noRST(inc capture.Incarnation) error {
	for _, s := range inc.Segments {
		if s.Flags.Has(capture.RST) {
			return fmt.Errorf("frame %d is a RST", s.Frame)
		}
	}
	return nil
}

func oneIncarnation(conns []capture.Connection) error {
	incs := incarnations(conns)
	if len(incs) != 1 {
		return fmt.Errorf("%d incarnations, want 1", len(incs))
	}
	return noRST(incs[0])
}

func twoIncarnations(conns []capture.Connection) error {
	if len(conns) != 1 || len(conns[0].Incarnations) != 2 {
		return fmt.Errorf("want one 4-tuple with two incarnations")
	}
	return errors.Join(noRST(conns[0].Incarnations[0]), noRST(conns[0].Incarnations[1]))
}

// finsCrossed wants each side's FIN sent before the other's arrived: the
// second FIN in the capture does not acknowledge the first.
func finsCrossed(conns []capture.Connection) error {
	if err := oneIncarnation(conns); err != nil {
		return err
	}
	ab := capture.Abstract(conns[0].Incarnations[0])
	var fins []capture.AbstractSegment
	for _, a := range ab.Segments {
		if a.Flags.Has(capture.FIN) {
			fins = append(fins, a)
		}
	}
	if len(fins) != 2 || fins[0].Dir == fins[1].Dir {
		return fmt.Errorf("want one FIN from each side, got %d", len(fins))
	}
	if int32(fins[1].Ack-(fins[0].Seq+uint32(fins[0].Len)+1)) >= 0 {
		return fmt.Errorf("the FINs did not cross: frame %d acknowledges the FIN of frame %d", fins[1].Frame, fins[0].Frame)
	}
	return nil
}

func refusedShape(conns []capture.Connection) error {
	incs := incarnations(conns)
	if len(incs) != 1 || len(incs[0].Segments) != 2 {
		return fmt.Errorf("want one incarnation of two segments")
	}
	s := incs[0].Segments
	if s[0].Flags.Model() != capture.SYN || s[1].Flags.Model() != capture.RST|capture.ACK {
		return fmt.Errorf("want SYN then RST,ACK, got %s then %s", s[0].Flags, s[1].Flags)
	}
	return nil
}

func hasRST(conns []capture.Connection) error {
	incs := incarnations(conns)
	if len(incs) != 1 {
		return fmt.Errorf("%d incarnations, want 1", len(incs))
	}
	if noRST(incs[0]) == nil {
		return fmt.Errorf("no RST")
	}
	return nil
}

func simOpenShape(conns []capture.Connection) error {
	if err := oneIncarnation(conns); err != nil {
		return err
	}
	if !conns[0].Incarnations[0].SimultaneousOpen {
		return fmt.Errorf("only one side sent a bare SYN")
	}
	return nil
}

// synRetransmitted wants two connections, the second with two bare SYNs
// carrying the same ISN, in one incarnation.
func synRetransmitted(conns []capture.Connection) error {
	if len(conns) != 2 {
		return fmt.Errorf("%d connections, want 2", len(conns))
	}
	for _, c := range conns {
		if len(c.Incarnations) != 1 {
			return fmt.Errorf("%d incarnations, want 1", len(c.Incarnations))
		}
		if err := noRST(c.Incarnations[0]); err != nil {
			return err
		}
	}
	var syns []capture.Segment
	for _, s := range conns[1].Incarnations[0].Segments {
		if s.Flags.Model() == capture.SYN {
			syns = append(syns, s)
		}
	}
	if len(syns) != 2 || syns[0].Seq != syns[1].Seq {
		return fmt.Errorf("want two bare SYNs with one ISN in the second connection, got %d", len(syns))
	}
	return nil
}
