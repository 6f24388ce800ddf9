package properties_test

import (
	"context"
	"os"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

func TestZZClaim(t *testing.T) {
	name := os.Getenv("ZZC")
	if name == "" {
		t.Skip()
	}
	c, err := properties.LookupClaim(name)
	if err != nil {
		t.Fatal(err)
	}
	sys, err := fsm.NewSystem(c.Config, os.Getenv("ZZV"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := checker.Run(context.Background(), properties.Bind(sys, []properties.Property{c.Property}), checker.Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	v := res.Verdicts[0]
	t.Logf("%v states=%d", v.Status, res.States)
	if v.Trace != nil {
		for i, st := range v.Trace.Steps {
			acts := sys.Actions(v.Trace.States[i], nil)
			t.Logf("%2d %s", i+1, sys.Story(v.Trace.States[i], acts[st.Index]))
			t.Logf("     => %s", v.Trace.States[i+1])
		}
		t.Logf("loop %d", v.Trace.Loop)
	}
}
