package twin

// arrive is tcp.pml's segment_arrives(e, v) (RFC 9293 3.10.7): segment fl/sq/ak reaches
// endpoint e, which picks ISS v if the segment takes it out of LISTEN. Like tcp.m, it returns
// where tcp.pml clears h_go.
func (m *Model) arrive(s *State, e int, fl, sq, ak, v uint8) {
	switch s.St[e] {
	case Closed: // RFC 9293 3.10.7.1: a reset for anything but a reset
		switch {
		case fl&FlagRST != 0:
		case fl&FlagACK != 0:
			m.send(s, e, FlagRST, ak, 0)
		default:
			length := uint16(fl&FlagSYN) + uint16(fl&FlagFIN)/FlagFIN
			m.send(s, e, FlagRST|FlagACK, 0, uint8((uint16(sq)+length)%uint16(m.n)))
		}
	case Listen: // RFC 9293 3.10.7.2
		switch {
		case fl&FlagRST != 0:
		case fl&FlagACK != 0:
			m.send(s, e, FlagRST, ak, 0)
		case fl&FlagSYN != 0:
			s.IRS[e], s.RcvNxt[e] = sq, m.inc(sq)
			s.ISS[e], s.SndUna[e], s.SndNxt[e] = v, v, m.inc(v)
			s.St[e] = SynRcvd
			m.send(s, e, FlagSYN|FlagACK, s.ISS[e], s.RcvNxt[e])
		}
	case SynSent:
		m.synSentArrives(s, e, fl, sq, ak)
	default:
		m.otherArrives(s, e, fl, sq, ak)
	}
}

// synSentArrives is syn_sent_arrives(e), RFC 9293 3.10.7.3.
func (m *Model) synSentArrives(s *State, e int, fl, sq, ak uint8) {
	// First, the ACK bit: acceptable iff SND.UNA < SEG.ACK =< SND.NXT, i.e. SEG.ACK = ISS+1.
	ackOK := false
	if fl&FlagACK != 0 {
		if ak != s.SndNxt[e] {
			if fl&FlagRST == 0 {
				m.send(s, e, FlagRST, ak, 0)
			}
			return
		}
		ackOK = true
	}
	// Second, the RST bit: acceptable iff its ACK acknowledges our SYN.
	if fl&FlagRST != 0 {
		if ackOK {
			toClosed(s, e)
		}
		return
	}
	// Fourth, the SYN bit. (Fifth: neither SYN nor RST, drop.)
	if fl&FlagSYN == 0 {
		return
	}
	s.IRS[e], s.RcvNxt[e] = sq, m.inc(sq)
	if ackOK {
		s.SndUna[e] = ak
	}
	if s.SndUna[e] != s.ISS[e] { // our SYN has been acknowledged
		toEstablished(s, e)
		m.send(s, e, FlagACK, s.SndNxt[e], s.RcvNxt[e])
	} else { // simultaneous open
		s.St[e] = SynRcvd
		m.send(s, e, FlagSYN|FlagACK, s.ISS[e], s.RcvNxt[e])
	}
}

// otherArrives is other_arrives(e), RFC 9293 3.10.7.4: SYN-RECEIVED and the synchronized
// states.
func (m *Model) otherArrives(s *State, e int, fl, sq, ak uint8) {
	// First, the sequence number. Abstraction: no data and RCV.WND = 1, so the segment is
	// acceptable iff SEG.SEQ = RCV.NXT.
	if sq != s.RcvNxt[e] {
		if fl&FlagRST == 0 {
			m.send(s, e, FlagACK, s.SndNxt[e], s.RcvNxt[e])
		}
		return
	}
	// Second, the RST bit (its seq is exactly RCV.NXT here).
	if fl&FlagRST != 0 {
		if s.St[e] == SynRcvd && e == B {
			toListen(s, e) // back to the passive OPEN
		} else {
			toClosed(s, e)
		}
		return
	}
	// Fourth, the SYN bit.
	if fl&FlagSYN != 0 {
		if s.St[e] == SynRcvd && e == B {
			toListen(s, e) // back to the passive OPEN
		} else {
			m.send(s, e, FlagACK, s.SndNxt[e], s.RcvNxt[e]) // challenge ACK
		}
		return
	}
	// Fifth, the ACK field.
	if fl&FlagACK == 0 {
		return
	}
	if s.St[e] == SynRcvd {
		if ak != s.SndNxt[e] {
			m.send(s, e, FlagRST, ak, 0)
			return
		}
		s.SndUna[e] = ak
		toEstablished(s, e)
	} else { // synchronized
		switch {
		case s.SndUna[e] != s.SndNxt[e] && ak == s.SndNxt[e]:
			s.SndUna[e] = ak
		case ak == s.SndUna[e]: // duplicate: ignore
		default:
			m.send(s, e, FlagACK, s.SndNxt[e], s.RcvNxt[e])
			return
		}
		switch {
		case s.St[e] == FinWait1 && s.SndUna[e] == s.SndNxt[e]:
			s.St[e] = FinWait2
		case s.St[e] == Closing:
			if s.SndUna[e] != s.SndNxt[e] {
				return
			}
			s.St[e] = TimeWait
		case s.St[e] == LastAck && s.SndUna[e] == s.SndNxt[e]:
			toClosed(s, e)
			return
		}
	}
	// Eighth, the FIN bit.
	if fl&FlagFIN == 0 {
		return
	}
	s.RcvNxt[e] = m.inc(s.RcvNxt[e])
	m.send(s, e, FlagACK, s.SndNxt[e], s.RcvNxt[e])
	switch s.St[e] {
	case SynRcvd, Established:
		s.St[e] = CloseWait
	case FinWait1:
		if s.SndUna[e] == s.SndNxt[e] {
			s.St[e] = TimeWait
		} else {
			s.St[e] = Closing
		}
	case FinWait2:
		s.St[e] = TimeWait
	}
}
