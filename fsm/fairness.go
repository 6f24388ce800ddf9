package fsm

// StrongFair: every fair action but a delivery is strongly fair, because something the
// model bounds can disable it now and then where real TCP would not be held back:
//   - a timer runs while its rows say so, but a timing assumption can hold its expiry back
//     for a while (2MSL waits for the peer's FIN retransmissions to end, keepalive for the
//     peer's retransmissions); a real timer keeps running and eventually fires;
//   - a user call that sends is refused while the network is full (Config.Capacity, a
//     bound of the model, not of TCP), and a timer's segments can keep it full.
//
// Weak fairness would let such runs starve them forever. A delivery stays enabled until the
// packet leaves the network, so weak fairness is enough for it.
func (sys *System) StrongFair(s SysState, a Action) bool {
	return sys.Fair(s, a) && a.Kind != ActDeliver
}

// Fair: delivery, timers and the user's ordinary calls are fair (see StrongFair); faults,
// ABORT, the user timeout and crashes are not, so liveness never relies on them. Giving
// up after R2 is fair only while nothing is in flight: it is the protocol's own user
// timeout (RFC 9293 §3.8.3), which a liveness claim may count on to release a TCB that
// nothing else will ever reach, but not to end an exchange that could still go on.
func (sys *System) Fair(s SysState, a Action) bool {
	switch a.Kind {
	case ActDeliver:
		return true
	case ActTimer:
		if a.Event == EvGiveUp {
			return s.Net.N == 0 // not Net.Len(), whose value receiver would copy the network
		}
		return a.Event != EvUserTimeout
	case ActCall:
		return a.Event != EvAbort
	}
	return false
}
