package fsm

// StrongFair: the timers are strongly fair. A timer runs while its rows say so, but a
// timing assumption can hold its expiry back for a while (2MSL waits for the peer's FIN
// retransmissions to end, keepalive for the peer's retransmissions), so on some runs a
// timer is enabled only now and then; a real timer keeps running and eventually fires.
// Weak fairness would let such a run starve it forever.
func (sys System) StrongFair(s SysState, a Action) bool {
	return a.Kind == ActTimer && sys.Fair(s, a)
}
