package properties_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

func TestZZSize(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	tweaks := map[string]func(*fsm.Config){
		"default":     func(c *fsm.Config) {},
		"oldA":        func(c *fsm.Config) { c.OldFrom = [2]bool{true, false} },
		"noinject":    func(c *fsm.Config) { c.Faults.Inject = 0 },
		"nokeep":      func(c *fsm.Config) { c.Timing.NoKeepalive = true },
		"nothrottle":  func(c *fsm.Config) { c.Timing.NoThrottle = true },
		"noloss":      func(c *fsm.Config) { c.Faults.Loss = 0 },
		"nodup":       func(c *fsm.Config) { c.Faults.Dup = 0 },
		"inc1":        func(c *fsm.Config) { c.Incarnations = 1 },
		"inc1noinj":   func(c *fsm.Config) { c.Incarnations = 1; c.Faults.Inject = 0 },
		"nofaults":    func(c *fsm.Config) { c.Faults = fsm.Faults{} },
		"nofaultsinc1": func(c *fsm.Config) { c.Faults = fsm.Faults{}; c.Incarnations = 1 },
	}
	tweaks["dup0"] = func(c *fsm.Config) { c.Faults.Dup = 0 }
	tweaks["dup0inc1"] = func(c *fsm.Config) { c.Faults.Dup = 0; c.Incarnations = 1 }
	tweaks["nothrottle"] = func(c *fsm.Config) { c.Timing.NoThrottle = true }
	tweaks["all"] = func(c *fsm.Config) { c.OldKinds = fsm.AllOld; c.OldFrom = [2]bool{true, true} }
	for _, name := range strings.Split(os.Getenv("ZZN"), ",") {
		cfg := fsm.DefaultConfig()
		tweaks[name](&cfg)
		cfg.SeqBits = cfg.MinSeqBits()
		sys, err := fsm.NewSystem(cfg, os.Getenv("ZZ"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := checker.Run(context.Background(), properties.BindChecker(sys, properties.Sanity(sys)...), checker.Config{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-14s %10d states  %v", name, res.States, res.Elapsed)
	}
}
