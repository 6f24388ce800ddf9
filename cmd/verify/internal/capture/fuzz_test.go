package capture

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// FuzzRead feeds the decoder arbitrary bytes. Read may reject them, but it
// must not panic, and what it accepts must split and abstract without
// panicking either. Seeds: the real corpus, some synthetic link types, and
// truncated and garbled variants of each.
//
//	go test -run '^$' -fuzz FuzzRead -fuzztime 10m ./cmd/verify/internal/capture
func FuzzRead(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/*.pcap*")
	var seeds [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	for _, lt := range []layers.LinkType{layers.LinkTypeLinuxSLL2, layers.LinkTypeNull, layers.LinkTypeRaw} {
		fr := frames(f, lt, false, handshake(true))
		seeds = append(seeds, writePCAP(f, lt, true, fr...), writePCAPNG(f, lt, fr...))
	}
	for _, s := range seeds {
		f.Add(s)
		f.Add(s[:len(s)/2])
		f.Add(s[:len(s)-3])
		g := bytes.Clone(s)
		for i := 30; i < len(g); i += 37 {
			g[i] ^= 0x5a
		}
		f.Add(g)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Read(bytes.NewReader(data))
		if err != nil {
			if c != nil {
				t.Fatal("capture and error together")
			}
			return
		}
		if len(c.Segments) == 0 {
			t.Fatal("accepted a capture without segments")
		}
		for _, conn := range Split(c.Segments) {
			for _, inc := range conn.Incarnations {
				for _, a := range Abstract(inc).Segments {
					_ = a.Text() + a.NoteText()
				}
			}
		}
	})
}
