// Command mkcorpus records the real capture corpus in
// cmd/verify/internal/capture/testdata/corpus and derives the mutated captures in
// cmd/verify/internal/capture/testdata/mutated.
//
// For each scenario it starts tcpdump on the loopback interface, filtered on
// the scenario's ports, runs the scenario with real sockets on 127.0.0.1 or
// ::1, stops tcpdump with SIGINT and writes NAME.pcap and NAME.expect. The
// expectation holds the abstract segments as the decoder reads them back, the
// state path of each endpoint derived from those segments (see paths.go), and
// the verdict "accepted". A scenario whose capture does not show what the
// scenario is about (say, FINs that did not cross) is retried or reported.
//
// It needs root (tcpdump opens a raw socket) and is never run by go test:
//
//	sudo go run ./cmd/verify/internal/capture/mkcorpus            # all scenarios, then the mutations
//	sudo go run ./cmd/verify/internal/capture/mkcorpus -run abort # one scenario
//	go run ./cmd/verify/internal/capture/mkcorpus -mutate-only    # mutations from the committed corpus
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture/expect"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("mkcorpus: ")
	out := flag.String("out", "cmd/verify/internal/capture/testdata", "testdata directory to write corpus/ and mutated/ into")
	run := flag.String("run", "", "record only the scenarios whose name contains this")
	mutateOnly := flag.Bool("mutate-only", false, "skip recording; derive the mutated captures from the corpus on disk")
	expectOnly := flag.Bool("expect-only", false, "skip recording; rewrite the .expect files (and mutations) from the captures on disk")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: mkcorpus [-out dir] [-run name] [-mutate-only | -expect-only]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	corpus := filepath.Join(*out, "corpus")
	if *expectOnly {
		for _, sc := range scenarios {
			if err := rewriteExpect(sc, corpus); err != nil {
				log.Fatalf("%s: %v", sc.name, err)
			}
		}
		if err := convertToPCAPNG(corpus); err != nil {
			log.Fatal(err)
		}
		*mutateOnly = true
	}
	if !*mutateOnly {
		if os.Geteuid() != 0 {
			log.Fatal("tcpdump needs root: run as root or with sudo")
		}
		if err := os.MkdirAll(corpus, 0o755); err != nil {
			log.Fatal(err)
		}
		for _, sc := range scenarios {
			if !strings.Contains(sc.name, *run) {
				continue
			}
			if err := record(sc, corpus); err != nil {
				log.Fatalf("%s: %v", sc.name, err)
			}
		}
		if strings.Contains(pcapngName, *run) {
			if err := convertToPCAPNG(corpus); err != nil {
				log.Fatal(err)
			}
		}
	}
	if *run != "" && !*mutateOnly {
		return // a partial recording: the mutations' sources may be missing
	}
	if err := mutateAll(corpus, filepath.Join(*out, "mutated")); err != nil {
		log.Fatal(err)
	}
}

// record runs one scenario under tcpdump, retrying while the capture does not
// show what the scenario is about, and writes the capture and expectation.
func record(sc scenario, dir string) error {
	tries := sc.tries
	if tries == 0 {
		tries = 1
	}
	pcap := filepath.Join(dir, sc.name+".pcap")
	var lastErr error
	for try := 0; try < tries; try++ {
		ports := sc.ports(try)
		if err := captureRun(pcap, ports, func() error { return sc.run(ports, sc.v6) }); err != nil {
			lastErr = err
			log.Printf("%s: try %d: %v", sc.name, try+1, err)
			continue
		}
		c, err := readWhole(pcap)
		if err != nil {
			return err
		}
		conns := capture.Split(c.Segments)
		if sc.check != nil {
			if err := sc.check(conns); err != nil {
				lastErr = err
				log.Printf("%s: try %d: capture does not show the scenario: %v", sc.name, try+1, err)
				continue
			}
		}
		log.Printf("%s: %d frames, %d connections", sc.name, c.Frames, len(conns))
		return writeExpect(pcap, conns, sc.about)
	}
	return fmt.Errorf("no usable capture after %d tries: %w", tries, lastErr)
}

// rewriteExpect derives the expectation of an existing capture again.
func rewriteExpect(sc scenario, dir string) error {
	pcap := filepath.Join(dir, sc.name+".pcap")
	c, err := readWhole(pcap)
	if err != nil {
		return err
	}
	conns := capture.Split(c.Segments)
	if sc.check != nil {
		if err := sc.check(conns); err != nil {
			return fmt.Errorf("capture does not show the scenario: %w", err)
		}
	}
	return writeExpect(pcap, conns, sc.about)
}

// writeExpect writes NAME.expect beside the capture: every incarnation
// accepted, with derived state paths.
func writeExpect(pcap string, conns []capture.Connection, about string) error {
	f := &expect.File{Capture: filepath.Base(pcap), Incarnations: expect.FromConnections(conns)}
	i := 0
	for _, c := range conns {
		for _, inc := range c.Incarnations {
			cp, sp, err := derivePaths(inc)
			if err != nil {
				return fmt.Errorf("derive state paths of %s: %w", inc.String(), err)
			}
			e := &f.Incarnations[i]
			e.Accepted, e.ClientPath, e.ServerPath = true, cp, sp
			i++
		}
	}
	return writeFile(strings.TrimSuffix(pcap, filepath.Ext(pcap))+".expect", f, about)
}

func writeFile(path string, f *expect.File, about string) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	header := []string{about, "Written by go run ./cmd/verify/internal/capture/mkcorpus; see ../README.md for the format."}
	if err := f.Write(out, header...); err != nil {
		out.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return out.Close()
}

// readWhole reads a capture and refuses one cut mid-frame: the corpus holds whole
// recordings only, and a cut one means tcpdump was stopped too hard.
func readWhole(path string) (*capture.Capture, error) {
	c, err := capture.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if c.Cut != nil {
		return nil, fmt.Errorf("read capture %s: %s", path, c.Cut)
	}
	return c, nil
}
