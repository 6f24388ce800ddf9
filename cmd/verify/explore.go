package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/explore"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/report"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// maxReport bounds the report.json that --trace reads.
const maxReport = 64 << 20

// runExplore serves the explorer until a signal stops it: exit 0, or 2 for bad input (a
// flag, an address that is not loopback without --allow-remote, a report that cannot be
// read or replayed).
func runExplore(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("explore")
	mf := addModelFlags(fs)
	addr := fs.String("addr", "127.0.0.1:0", "`host:port` to serve on (port 0: any free port); loopback only unless --allow-remote")
	allowRemote := fs.Bool("allow-remote", false, "serve on an address other machines can reach: anyone who reaches it can make the machine search and check")
	open := fs.Bool("open", false, "open the page in a browser (xdg-open) when one is there")
	tracePath := fs.String("trace", "", "a report.json (verify check --out) whose counterexample to open: the model is the report's")
	traceProp := fs.String("property", "", "with --trace: the property whose trace to open (default: the first with one)")
	claim := fs.String("claim", "", "open a claim's counterexample: the claim's config and property, under --variant (default: its first refuter; verify list shows the claims)")
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := checkAddr(*addr, *allowRemote); err != nil {
		return exitBadInput, fmt.Errorf("explore: --addr: %w", err)
	}
	var (
		cfg     fsm.Config
		variant string
		props   []properties.Property
		steps   []explore.TraceStep
	)
	if *claim != "" && *tracePath != "" {
		return exitBadInput, errors.New("explore: --claim and --trace: give one")
	}
	if *claim != "" {
		c, err := properties.LookupClaim(*claim)
		if err != nil {
			return exitBadInput, fmt.Errorf("explore: --claim: %w", err)
		}
		for name := range set {
			if isModelFlag(name) && name != "variant" && name != "claim" {
				return exitBadInput, fmt.Errorf("explore: --%s: --claim takes the model from the claim (all but --variant)", name)
			}
		}
		variant = c.Refuters[0]
		if set["variant"] {
			variant = mf.variant
			if variant != fsm.RFC && !slices.Contains(c.Refuters, variant) {
				return exitBadInput, fmt.Errorf("explore: --variant %s: claim %s is checked under %s and %s", variant, c.Name, fsm.RFC, strings.Join(c.Refuters, ", "))
			}
		}
		cfg, props = c.Config, []properties.Property{c.Property}
	} else if *tracePath != "" {
		for name := range set {
			if fs.Lookup(name) != nil && isModelFlag(name) {
				return exitBadInput, fmt.Errorf("explore: --%s: --trace takes the model from the report", name)
			}
		}
		rep, names, trace, err := readTrace(*tracePath, *traceProp)
		if err != nil {
			return exitBadInput, fmt.Errorf("explore: --trace: %w", err)
		}
		// The report's model, as a config file spells it.
		mf.config, mf.configData, mf.variant = *tracePath+" (model)", rep.Model.Config, rep.Model.Variant
		m, err := mf.resolve(fs)
		if err != nil {
			return exitBadInput, err
		}
		if props, err = properties.Lookup(names...); err != nil {
			return exitBadInput, fmt.Errorf("explore: --trace %s: %w", *tracePath, err)
		}
		cfg, variant, steps = m.cfg, m.variant, trace
	} else {
		if *traceProp != "" {
			return exitBadInput, errors.New("explore: --property needs --trace")
		}
		m, err := mf.resolve(fs)
		if err != nil {
			return exitBadInput, err
		}
		cfg, variant, props = m.cfg, m.variant, m.props
	}
	sys, err := fsm.NewSystem(cfg, variant)
	if err != nil {
		return exitBadInput, fmt.Errorf("explore: %w", err)
	}
	e, err := explore.New(properties.Bind(sys, props), variant, props, explore.Limits{})
	if err != nil {
		return exitInternal, err
	}
	start := ""
	if *claim != "" {
		path, err := e.Counterexample(ctx, explore.Limits{})
		if err != nil {
			return exitInternal, fmt.Errorf("explore: --claim %s: %w", *claim, err)
		}
		if path == nil {
			fmt.Fprintf(stderr, "verify: explore: claim %s: %s holds under %s: no trace; starting at the initial state\n", *claim, props[0].Name, variant)
		}
		start = pathHash(path)
	}
	if steps != nil {
		path, err := e.Replay(steps)
		if err != nil {
			return exitBadInput, fmt.Errorf("explore: --trace %s: %w", *tracePath, err)
		}
		start = pathHash(path)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return exitBadInput, fmt.Errorf("explore: --addr: %w", err)
	}
	url := "http://" + ln.Addr().String() + "/" + start
	fmt.Fprintf(stdout, "explore: %s\n", url)
	if *open {
		if browser, err := exec.LookPath("xdg-open"); err == nil {
			_ = exec.Command(browser, url).Start()
		} else {
			fmt.Fprintln(stderr, "verify: explore: --open: no xdg-open on PATH; open the address above")
		}
	}
	srv := &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return exitInternal, fmt.Errorf("explore: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	return exitOK, nil
}

// pathHash is the page's fragment for a path: "#/path/i,j,k" ("" for none).
func pathHash(path []int) string {
	if len(path) == 0 {
		return ""
	}
	parts := make([]string, len(path))
	for i, n := range path {
		parts[i] = strconv.Itoa(n)
	}
	return "#/path/" + strings.Join(parts, ",")
}

// checkAddr refuses an address other machines could reach, unless allowed.
func checkAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q: want host:port, e.g. 127.0.0.1:8080 (%v)", addr, err)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback address: give --allow-remote to serve it to other machines", addr)
	}
	return nil
}

// isModelFlag says whether a flag of explore chooses the model.
func isModelFlag(name string) bool {
	switch name {
	case "addr", "allow-remote", "open", "trace", "property", "claim":
		return false
	}
	return true
}

// readTrace reads a report.json: the report, its properties' names and the steps of one
// property's trace.
func readTrace(path, property string) (report.Report, []string, []explore.TraceStep, error) {
	var rep report.Report
	f, err := os.Open(path)
	if err != nil {
		return rep, nil, nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, maxReport))
	if err := dec.Decode(&rep); err != nil {
		return rep, nil, nil, fmt.Errorf("%s: not a report.json: %v", path, err)
	}
	var names []string
	var steps []explore.TraceStep
	for _, p := range rep.Properties {
		names = append(names, p.Name)
		if steps != nil || p.Trace == nil || (property != "" && p.Name != property) {
			continue
		}
		steps = []explore.TraceStep{}
		for _, s := range p.Trace.Steps {
			steps = append(steps, explore.TraceStep{Label: s.Action, State: s.State})
		}
	}
	switch {
	case steps != nil:
		return rep, names, steps, nil
	case property != "":
		return rep, nil, nil, fmt.Errorf("%s: no trace of property %q", path, property)
	}
	return rep, nil, nil, fmt.Errorf("%s: no property has a trace", path)
}
