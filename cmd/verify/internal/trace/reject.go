package trace

import (
	"fmt"
	"math/bits"

	"github.com/tcpverify/tcpverify/fsm"
)

// maxExplain is how many configurations of the last layer are asked what they could have
// sent, for the "closest" part of a rejection.
const maxExplain = 16

// reject reports segment i as the first no run explains. The paths and run are those of
// the preferred configuration before it.
func (c *checker) reject(layers [][]node, i int, bounded bool) Result {
	res := c.trace(layers, i, 0)
	res.Client, res.Server = res.paths()
	res.RejectFrame = c.obs[i].frame
	res.Reason = c.why(layers[i], i)
	if bounded {
		res.Reason += fmt.Sprintf(" (the search kept at most %d configurations per segment)", MaxLayer)
	}
	return res
}

// why explains segment i: the states of both endpoints, what is wrong with the segment
// when a simple check says so, and the closest segment the sender's model could send.
func (c *checker) why(layer []node, i int) string {
	o := c.obs[i]
	side, peer := o.from, 1-o.from
	k := layer[0].key
	me, them := k.ep[side], k.ep[peer]
	msg := fmt.Sprintf("the %s in %s (the %s in %s) cannot send %s", sideNames[side], me.State,
		sideNames[peer], them.State, o.text)
	if d := c.defect(me, them, o); d != "" {
		msg += ": " + d
	}
	best, score := fsm.Segment{}, -1
	for _, n := range layer[:min(len(layer), maxExplain)] {
		c.explore(n.key, i, func(success) {}, func(s fsm.Segment) {
			if sc := closeness(s, o.seg); sc > score {
				best, score = s, sc
			}
		})
	}
	if score < 0 {
		return msg + "; the model lets it send nothing here"
	}
	return msg + "; the closest the model lets it send is " + c.relText(best, side, i)
}

// defect names what is wrong with o on its face, given the peer's state: an ACK of
// numbers the peer never sent, or a missing ACK bit after the handshake.
func (c *checker) defect(me, them fsm.Endpoint, o observed) string {
	sp := c.m.Space
	side, peer := o.from, 1-o.from
	s := o.seg
	if s.Flags.Has(fsm.ACK) && !s.Flags.Has(fsm.RST) {
		rel := uint32(s.Ack - c.isns[o.inc][peer])
		if !them.State.HasTCB() {
			return fmt.Sprintf("ACK=%d acknowledges %s sequence number %d, but the %s has sent nothing",
				rel, sideNames[peer], rel-1, sideNames[peer])
		}
		if sp.Lt(them.SndNxt, s.Ack) {
			last := sp.Add(them.SndNxt, ^uint32(0))
			what := ""
			switch {
			case last == them.ISS:
				what = " (its SYN)"
			case them.State.FinSent():
				what = " (its FIN)"
			}
			return fmt.Sprintf("ACK=%d acknowledges %s sequence number %d, but the %s has sent only up to %d%s",
				rel, sideNames[peer], rel-1, sideNames[peer], uint32(last-c.isns[o.inc][peer]), what)
		}
	}
	if me.State.Synchronized() && !s.Flags.Has(fsm.ACK) && !s.Flags.Has(fsm.RST) {
		return fmt.Sprintf("the %s is synchronized, and then every segment carries ACK (RFC 9293 §3.1)",
			sideNames[side])
	}
	return ""
}

// closeness scores how near s is to o: control bits first, then SEQ, ACK and whether
// both carry data.
func closeness(s, o fsm.Segment) int {
	score := 2 * (4 - bits.OnesCount8(uint8(s.Flags^o.Flags)))
	if s.Seq == o.Seq {
		score += 4
	}
	if s.Flags.Has(fsm.ACK) && o.Flags.Has(fsm.ACK) && s.Ack == o.Ack {
		score += 2
	}
	if (s.Len > 0) == (o.Len > 0) {
		score += 2
	}
	if s.Len == o.Len {
		score++
	}
	return score
}
