package fsm_test

import (
	"fmt"

	"github.com/tcpverify/tcpverify/fsm"
)

func ExampleMachine_Step() {
	m, err := fsm.NewMachine(fsm.RFC, 4, 2)
	if err != nil {
		panic(err)
	}
	out := m.Step(fsm.Endpoint{}, fsm.Open(1))
	fmt.Println(out.Next.State, out.Emit.At(0))
	// Output: SYN-SENT <SEQ=1><CTL=SYN>
}

func ExampleSystem_Story() {
	sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
	if err != nil {
		panic(err)
	}
	s := sys.Init()[0]
	for i := 0; i < 3; i++ {
		// Deliver when something is in flight, else take the first action (A's open).
		acts := sys.Actions(s, nil)
		a := acts[0]
		for _, b := range acts {
			if b.Kind == fsm.ActDeliver {
				a = b
				break
			}
		}
		fmt.Println(sys.Story(s, a))
		s, _ = sys.Next(s, a)
	}
	// Output:
	// A open (CLOSED -> SYN-SENT)
	// B deliver <SEQ=1><CTL=SYN> #1>- (LISTEN -> SYN-RECEIVED)
	// A deliver <SEQ=64><ACK=2><CTL=SYN,ACK> #1>1 (SYN-SENT -> ESTABLISHED)
}

func ExampleDescribe() {
	for _, r := range fsm.Describe(fsm.Rules)[:2] {
		fmt.Println(r)
	}
	// Output:
	// closed/open: CLOSED --open / SYN--> SYN-SENT  (RFC 9293 §3.10.1 OPEN, CLOSED, active)
	// closed/listen: CLOSED --listen--> LISTEN  (RFC 9293 §3.10.1 OPEN, CLOSED, passive)
}
