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
