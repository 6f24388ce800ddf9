package fsm

import (
	"os"
	"testing"
)

func TestSizes(t *testing.T) {
	if os.Getenv("FSM_SIZES") == "" {
		t.Skip()
	}
	base := DefaultConfig()
	cases := map[string]func(c *Config){
		"cap2":      func(c *Config) { c.Capacity = 2 },
		"cap2-inj2": func(c *Config) { c.Capacity = 2; c.OldFrom = [2]bool{true, true} },
	}
	for name, f := range cases {
		c := base
		f(&c)
		sys, err := NewSystem(c, RFC)
		if err != nil {
			t.Fatal(err)
		}
		n, _, _ := explore(t, sys, 4_000_000, nil)
		t.Logf("%s: %d", name, n)
	}
}
