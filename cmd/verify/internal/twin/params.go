package twin

import (
	"errors"
	"fmt"
)

// Limits of the parameters, as tcp.pml states them in its header: the sequence space is 1..32
// (codes must fit tcp.pml's short/int and the FOR_V expansion stops at 32), the network holds
// 1..8 segments (FOR_S stops at 8), and the budgets are Promela bytes.
const (
	MaxSeqN   = 32
	MaxNetCap = 8
	MaxBudget = 255
)

// Params are the anchor model's knobs, named after tcp.pml's macros (SEQ_N, NET_CAP,
// LOSS_BUDGET, DUP_BUDGET, OLDSYN_BUDGET, RTX_BUDGET). The zero value is invalid; start from
// DefaultParams.
type Params struct {
	SeqN   int // SEQ_N: sequence numbers are taken mod SeqN, 1..32
	NetCap int // NET_CAP: segments in flight, 1..8
	Loss   int // LOSS_BUDGET: segments the network may lose
	Dup    int // DUP_BUDGET: segments the network may duplicate
	OldSyn int // OLDSYN_BUDGET: old SYNs the network may inject
	Rtx    int // RTX_BUDGET: retransmission timeouts per endpoint
}

// DefaultParams returns tcp.pml's defaults: SEQ_N=8, NET_CAP=4, every budget 1.
func DefaultParams() Params {
	return Params{SeqN: 8, NetCap: 4, Loss: 1, Dup: 1, OldSyn: 1, Rtx: 1}
}

// Validate reports every parameter outside tcp.pml's ranges, or nil.
func (p Params) Validate() error {
	var errs []error
	if p.SeqN < 1 || p.SeqN > MaxSeqN {
		errs = append(errs, fmt.Errorf("SEQ_N = %d, want 1..%d", p.SeqN, MaxSeqN))
	}
	if p.NetCap < 1 || p.NetCap > MaxNetCap {
		errs = append(errs, fmt.Errorf("NET_CAP = %d, want 1..%d", p.NetCap, MaxNetCap))
	}
	for _, b := range []struct {
		name string
		v    int
	}{{"LOSS_BUDGET", p.Loss}, {"DUP_BUDGET", p.Dup}, {"OLDSYN_BUDGET", p.OldSyn}, {"RTX_BUDGET", p.Rtx}} {
		if b.v < 0 || b.v > MaxBudget {
			errs = append(errs, fmt.Errorf("%s = %d, want 0..%d", b.name, b.v, MaxBudget))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("anchor params: %w", errors.Join(errs...))
	}
	return nil
}

// Name is a short identifier of the setting, used for benchmark and file names: "seq4cap3",
// followed by the budgets that differ from 1 ("seq4cap3-loss2-rtx0").
func (p Params) Name() string {
	s := fmt.Sprintf("seq%dcap%d", p.SeqN, p.NetCap)
	for _, b := range []struct {
		name string
		v    int
	}{{"loss", p.Loss}, {"dup", p.Dup}, {"oldsyn", p.OldSyn}, {"rtx", p.Rtx}} {
		if b.v != 1 {
			s += fmt.Sprintf("-%s%d", b.name, b.v)
		}
	}
	return s
}

// Defines returns the parameters as tcp.pml's macro definitions, in header order, e.g.
// ["SEQ_N=4", "NET_CAP=3", "LOSS_BUDGET=1", ...]; "spin -a" takes each with -D, and tcp.m
// has constants of the same names.
func (p Params) Defines() []string {
	return []string{
		fmt.Sprintf("SEQ_N=%d", p.SeqN),
		fmt.Sprintf("NET_CAP=%d", p.NetCap),
		fmt.Sprintf("LOSS_BUDGET=%d", p.Loss),
		fmt.Sprintf("DUP_BUDGET=%d", p.Dup),
		fmt.Sprintf("OLDSYN_BUDGET=%d", p.OldSyn),
		fmt.Sprintf("RTX_BUDGET=%d", p.Rtx),
	}
}
