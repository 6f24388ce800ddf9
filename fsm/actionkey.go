package fsm

// ActionKey packs what Label prints of a into a number, so that the checker can tell
// actions apart for fairness without building a label per transition
// (checker.ActionKeyer). Like the label it depends on the action alone, and it tells apart
// exactly what the label tells apart: the kind and side; the event of a call or timer; the
// segment of a packet (SEG.ACK only with ACK, as Segment.String shows it) and its TCBs,
// the receiving one only when the packet is not old. ok is false for an action with a field
// too wide for its place (a sequence number above 16 bits, a data length above 8, flags the
// model does not use, an unknown kind); the checker then uses the label.
//
// Layout, from bit 0: kind (4 bits), side (1); then the event (8) of a call or timer, or,
// for a packet, its flags (4), From (8), To (8), length (7), SEG.SEQ (16) and SEG.ACK (16).
func (sys *System) ActionKey(s SysState, a Action) (key uint64, ok bool) { return a.key() }

// key is ActionKey, which depends on the action alone, without copying the state.
func (a *Action) key() (key uint64, ok bool) {
	if a.Kind < ActCall || a.Kind > ActPartition {
		return 0, false
	}
	key = uint64(a.Kind)
	if a.Side != A {
		key |= 1 << 4
	}
	switch a.Kind {
	case ActCall, ActTimer:
		return key | uint64(a.Event)<<5, true
	case ActCrash, ActPartition:
		return key, true
	}
	seg := a.Pkt.Seg
	if seg.Flags > SYN|ACK|FIN|RST || seg.Len > 0x7f || seg.Seq > 0xffff {
		return 0, false
	}
	key |= uint64(seg.Flags)<<5 | uint64(a.Pkt.From)<<9 | uint64(seg.Len)<<25 | uint64(seg.Seq)<<32
	if a.Pkt.From != PreRun {
		key |= uint64(a.Pkt.To) << 17
	}
	if seg.Flags.Has(ACK) {
		if seg.Ack > 0xffff {
			return 0, false
		}
		key |= uint64(seg.Ack) << 48
	}
	return key, true
}
