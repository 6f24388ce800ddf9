package fsm

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
)

// claims are test-local versions of the TCP properties that properties/ will own. They
// show that the ghost data can express each claim, that the RFC table keeps it, and that
// the variant meant to break it does.
type claim struct {
	name string
	bad  func(s SysState) bool
}

func eachSide(f func(x, y Side) bool) bool { return f(A, B) || f(B, A) }

var claims = []claim{
	{"half-open acceptance", func(s SysState) bool {
		return eachSide(func(x, y Side) bool {
			inc := s.Ghost[x].Inc
			return s.Ep[x].State == StateEstablished && (inc == 0 || !s.Ghost[y].HasTaken(inc))
		})
	}},
	{"isn disagreement", func(s SysState) bool {
		return eachSide(func(x, y Side) bool {
			inc := s.Ghost[x].Inc
			return s.Ep[x].State == StateEstablished &&
				(!s.Ghost[y].HasTaken(inc) || s.Ep[x].IRS != s.Ghost[y].ISSOf[inc])
		})
	}},
	{"stale acceptance", func(s SysState) bool {
		return (s.Ghost[A].Stale|s.Ghost[B].Stale)&(StaleMoved|StaleData) != 0
	}},
	{"data lost", func(s SysState) bool {
		return eachSide(func(x, y Side) bool {
			st := s.Ep[x].State
			return (st == StateFinWait2 || st == StateTimeWait) &&
				s.Ghost[x].Inc == s.Ghost[y].Inc && s.Ghost[y].Delivered < s.Ghost[x].Sent &&
				!s.Ghost[x].Told && !s.Ghost[y].Told
		})
	}},
}

// claimProperties turns the claims into checker properties, plus the half-close example
// and freedom from deadlock.
func claimProperties() []checker.Property[SysState] {
	props := []checker.Property[SysState]{checker.NoDeadlock[SysState]("deadlock")}
	for _, c := range claims {
		bad := c.bad
		props = append(props, checker.Always(c.name, func(s SysState) bool { return !bad(s) }))
	}
	return append(props, checker.Sometimes("half-close", func(s SysState) bool {
		return s.Ghost[A].HalfCloseData || s.Ghost[B].HalfCloseData
	}))
}

// claimsConfig is the default configuration, or a lighter one under the race detector
// that still reaches every counterexample.
func claimsConfig() Config {
	cfg := DefaultConfig()
	if raceEnabled || testing.Short() {
		cfg.Units = [2]uint8{0, 1}
	}
	return cfg
}

func TestTheRFCKeepsEveryClaimAndEachVariantBreaksItsOwn(t *testing.T) {
	// What each variant is for; the rest of its verdicts are not pinned.
	breaks := map[string][]string{
		RFC:                       nil,
		"two-way-handshake":       {"half-open acceptance", "isn disagreement", "stale acceptance"},
		"no-time-wait":            {"stale acceptance"},
		"time-wait-assassination": {"stale acceptance"},
		"fin-closes-both":         {"data lost", "half-close"},
		"fixed-isn":               {"isn disagreement", "stale acceptance"},
		"no-retransmission":       {"deadlock"},
		// Without the reset an old SYN leaves the server holding a stale TCB that the
		// client cannot clear; that is a liveness failure, and no safety claim breaks.
		"no-rst-on-bad-ack": nil,
	}
	require.Len(t, breaks, len(Variants), "a variant is missing from the table")
	for _, v := range Variants {
		t.Run(v.Name, func(t *testing.T) {
			sys, err := NewSystem(claimsConfig(), v.Name, claimProperties()...)
			require.NoError(t, err)
			res, err := checker.Run(context.Background(), sys, checker.Config{})
			require.NoError(t, err)
			require.True(t, res.Complete)
			var broken []string
			for _, verdict := range res.Verdicts {
				if verdict.Status == checker.Violated {
					broken = append(broken, verdict.Name)
				}
			}
			if v.Name == RFC || v.Name == "no-rst-on-bad-ack" {
				assert.Empty(t, broken)
				return
			}
			for _, want := range breaks[v.Name] {
				assert.Contains(t, broken, want)
			}
		})
	}
}
