package fsmtest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/fsm/fsmtest"
)

func TestAScenarioWithAWrongExpectationFailsAtItsLine(t *testing.T) {
	cases, err := fsmtest.Parse(`# a wrong ISS
config shape=client-server
open A
expect A=SYN-SENT sent=<SEQ=2><CTL=SYN>
`)
	require.NoError(t, err)
	require.Len(t, cases, 1)
	err = fsmtest.Run(cases[0])
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 4: expect sent=<SEQ=2><CTL=SYN>, got <SEQ=1><CTL=SYN>")
	assert.Contains(t, err.Error(), "A: SYN-SENT iss=1", "the failure shows the system")
}

func TestAScenarioStepThatIsNotEnabledFails(t *testing.T) {
	for text, want := range map[string]string{
		"config\nsend A\n":                                 "A send is not enabled",
		"config\ndeliver B <SEQ=1><CTL=SYN>\n":             "no <SEQ=1><CTL=SYN> to B in flight",
		"config\ninject B <SEQ=3><CTL=SYN>\n":              "is not an old segment",
		"config\ntimeout A later\n":                        "unknown timer",
		"config variant=nope\n":                            "unknown variant",
		"config\nexpect A=CLOSED C=1\n":                    "unknown expect key",
		"config cap=0\n":                                   "capacity 0",
		"config\nopen A\ndeliver B <SEQ=1><CTL=SYN> x=1\n": "unknown key",
	} {
		cases, err := fsmtest.Parse(text)
		require.NoError(t, err, text)
		err = fsmtest.Run(cases[0])
		require.Error(t, err, text)
		assert.Contains(t, err.Error(), want, text)
	}
}

func TestMalformedScenarioFilesAreRejectedWithTheirLine(t *testing.T) {
	for text, want := range map[string]string{
		"open A\n":                      "line 1: \"open\" before any config line",
		"config\nfly A\n":               "line 2: unknown command",
		"config\nopen\n":                "line 2: open takes 1 arguments",
		"config\nopen C\n":              "line 2: unknown side",
		"config\ndeliver B <SEQ=x>\n":   "line 2: parse segment",
		"config\n\ndeliver B <SEQ=1>\n": "line 3: \"deliver\" before any config line",
	} {
		_, err := fsmtest.Parse(text)
		require.Error(t, err, text)
		assert.Contains(t, err.Error(), want, text)
	}
	cases, err := fsmtest.Parse("config # comment\n# only a comment\nopen A # trailing\n\nconfig\n")
	require.NoError(t, err)
	require.Len(t, cases, 2)
	assert.Len(t, cases[0].Steps, 2)
}

func TestScenarioConfigReadsEveryKey(t *testing.T) {
	cases, err := fsmtest.Parse("config shape=both-active seqbits=5 window=3 cap=3 incs=3 " +
		"loss=0 dup=1 inject=2 crash=1 units=2,0 oldfrom=B oldkinds=syn,rst callsA=open,abort callsB=listen " +
		"r2=2 drop=msl,keepalive variant=no-time-wait\n")
	require.NoError(t, err)
	cfg, variant, err := fsmtest.Config(cases[0].Steps[0])
	require.NoError(t, err)
	assert.Equal(t, "no-time-wait", variant)
	want := fsm.Config{Shape: fsm.BothActive, SeqBits: 5, Window: 3, Capacity: 3, Units: [2]uint8{2, 0},
		Incarnations: 3, Faults: fsm.Faults{Dup: 1, Inject: 2, Crash: 1}, OldFrom: [2]bool{false, true},
		OldKinds: fsm.OldSYN | fsm.OldRST, Calls: [2]fsm.Calls{fsm.CallOpen | fsm.CallAbort, fsm.CallListen},
		Timing: fsm.Timing{R2: 2, NoMSL: true, NoKeepalive: true}}
	assert.Equal(t, want, cfg)
	for _, bad := range []string{"config units=1\n", "config callsA=fly\n", "config size=3\n",
		"config oldfrom=C\n", "config loss=many\n", "config oldkinds=urg\n", "config drop=gravity\n",
		"config r2=lots\n"} {
		cases, err := fsmtest.Parse(bad)
		require.NoError(t, err)
		_, _, err = fsmtest.Config(cases[0].Steps[0])
		assert.Error(t, err, bad)
	}
}

func TestScenarioConfigDefaultsToTheSmallestSpaceAndEveryOldKind(t *testing.T) {
	cases, err := fsmtest.Parse("config\n")
	require.NoError(t, err)
	cfg, _, err := fsmtest.Config(cases[0].Steps[0])
	require.NoError(t, err)
	assert.Equal(t, cfg.MinSeqBits(), cfg.SeqBits)
	assert.Equal(t, fsm.AllOld, cfg.OldKinds)
	assert.Equal(t, uint8(1), cfg.Timing.R2)
}

// handshakeThenDups brings A to ESTABLISHED with two duplicates of B's SYN,ACK still in
// flight: unacceptable segments that A answers with an ACK, the first at once, the second
// only after a timer has expired (the rate limiter, RFC 5961 §7).
const handshakeThenDups = `config shape=client-server incs=1 loss=0 dup=2 inject=0 crash=0
open A
deliver B <SEQ=1><CTL=SYN>
dup A <SEQ=32><ACK=2><CTL=SYN,ACK>
dup A <SEQ=32><ACK=2><CTL=SYN,ACK>
deliver A <SEQ=32><ACK=2><CTL=SYN,ACK>
expect A=ESTABLISHED sent=<SEQ=2><ACK=33><CTL=ACK> throttled=none
deliver A <SEQ=32><ACK=2><CTL=SYN,ACK>
expect sent=<SEQ=2><ACK=33><CTL=ACK> throttled=A
`

func TestTheRateLimiterHoldsBackAnswersUntilATimerExpires(t *testing.T) {
	for text, want := range map[string]string{
		"deliver A <SEQ=32><ACK=2><CTL=SYN,ACK>\n":                                   "sent=none throttled=A",
		"timeout B rtx\ndeliver A <SEQ=32><ACK=2><CTL=SYN,ACK>\n":                    "sent=<SEQ=2><ACK=33><CTL=ACK> throttled=A",
		"timeout B rtx\nexpect throttled=none\ndeliver B <SEQ=2><ACK=33><CTL=ACK>\n": "B=ESTABLISHED",
	} {
		cases, err := fsmtest.Parse(handshakeThenDups + text + "expect " + want + "\n")
		require.NoError(t, err, text)
		assert.NoError(t, fsmtest.Run(cases[0]), text)
	}
}

func TestWithoutThrottlingEveryUnacceptableSegmentIsAnswered(t *testing.T) {
	text := strings.Replace(handshakeThenDups, "crash=0", "crash=0 drop=throttle", 1)
	text = strings.ReplaceAll(text, " throttled=A", " throttled=none")
	cases, err := fsmtest.Parse(text + "deliver A <SEQ=32><ACK=2><CTL=SYN,ACK>\nexpect sent=<SEQ=2><ACK=33><CTL=ACK>\n")
	require.NoError(t, err)
	assert.NoError(t, fsmtest.Run(cases[0]))
}

func TestDeliverTakesOnlyFrom(t *testing.T) {
	cases, err := fsmtest.Parse("config\nopen A\ndeliver B <SEQ=1><CTL=SYN> limited=1\n")
	require.NoError(t, err)
	err = fsmtest.Run(cases[0])
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown key "limited"`)
}

func TestExpectTimersListsTheTimersThatMayExpire(t *testing.T) {
	cases, err := fsmtest.Parse(`config shape=client-server incs=1 loss=0 dup=0 inject=0 crash=0
expect timers=A:none,B:none
open A
expect timers=A:rtx,B:none
deliver B <SEQ=1><CTL=SYN>
expect timers=A:rtx,B:rtx
`)
	require.NoError(t, err)
	assert.NoError(t, fsmtest.Run(cases[0]))
	fixed, err := fsmtest.Update("config callsA=open,user-timeout\nopen A\nexpect timers=none\n")
	require.NoError(t, err)
	assert.Equal(t, "config callsA=open,user-timeout\nopen A\nexpect timers=A:rtx+user,B:none\n", fixed)
}

func TestExpectStaleInflightListsTheOldSegmentsInFlight(t *testing.T) {
	cases, err := fsmtest.Parse(`config shape=client-server incs=1 loss=0 dup=0 inject=1 crash=0
open A
inject B <SEQ=60><CTL=SYN>
expect inflight=2 staleinflight=<SEQ=60><CTL=SYN>
`)
	require.NoError(t, err)
	assert.NoError(t, fsmtest.Run(cases[0]))
}

func FuzzParseScenarios(f *testing.F) {
	files, _ := filepath.Glob("../testdata/*.scn")
	for _, name := range files {
		text, err := os.ReadFile(name)
		if err == nil {
			f.Add(string(text))
		}
	}
	f.Add("config\nopen A\nexpect A=SYN-SENT\n")
	f.Fuzz(func(t *testing.T, text string) {
		cases, err := fsmtest.Parse(text)
		if err != nil {
			return
		}
		for _, sc := range cases {
			_ = fsmtest.Run(sc) // may fail, must not panic
		}
	})
}

func TestUpdateRewritesExpectLinesToWhatTheSystemDoes(t *testing.T) {
	text := "config shape=client-server\nopen A\nexpect A=LISTEN sent=none # wrong\n"
	fixed, err := fsmtest.Update(text)
	require.NoError(t, err)
	assert.Equal(t, "config shape=client-server\nopen A\nexpect A=SYN-SENT sent=<SEQ=1><CTL=SYN> # wrong\n", fixed)
	cases, err := fsmtest.Parse(fixed)
	require.NoError(t, err)
	assert.NoError(t, fsmtest.Run(cases[0]))
	_, err = fsmtest.Update("config\nexpect Q=1\n")
	assert.ErrorContains(t, err, "unknown expect key")
}
