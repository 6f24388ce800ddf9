package fsm

// StrongFair: the timers are strongly fair. The model lets a timer fire only while nothing
// is in flight (timers are slower than the network), so on a run where segments keep
// flowing a timer is enabled only now and then; a real timer keeps running through that
// traffic and eventually fires. Weak fairness would let such a run starve it forever.
func (sys System) StrongFair(s SysState, a Action) bool {
	return a.Kind == ActTimer && sys.Fair(s, a)
}
