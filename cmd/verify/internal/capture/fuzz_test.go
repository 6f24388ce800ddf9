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
// panicking either. A capture it reads as cut must say the cut is at the end
// of the input, after the frames it kept. Seeds: the real corpus, some synthetic link types, and
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
		if cut := c.Cut; cut != nil {
			if cut.Byte != int64(len(data)) {
				t.Fatalf("%s, but the input has %d bytes", cut, len(data))
			}
			if cut.Complete != c.Frames || (cut.Frame != 0 && cut.Frame != c.Frames+1) {
				t.Fatalf("%s with %d whole frames read", cut, c.Frames)
			}
			if last := c.Segments[len(c.Segments)-1].Frame; last > cut.Complete {
				t.Fatalf("%s, but frame %d was kept", cut, last)
			}
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
