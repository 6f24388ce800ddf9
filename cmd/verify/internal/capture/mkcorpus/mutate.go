package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture/expect"
)

// frame is one record of a pcap file.
type frame struct {
	ci   gopacket.CaptureInfo
	data []byte
}

func readFrames(path string) (layers.LinkType, []frame, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		return 0, nil, fmt.Errorf("read %s: %w", path, err)
	}
	var out []frame
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return r.LinkType(), out, nil
		}
		if err != nil {
			return 0, nil, fmt.Errorf("read %s: %w", path, err)
		}
		out = append(out, frame{ci, data})
	}
}

func writeFrames(path string, lt layers.LinkType, frames []frame, ng bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	var werr error
	if ng {
		w, err := pcapgo.NewNgWriter(f, lt)
		if err != nil {
			f.Close()
			return err
		}
		for _, fr := range frames {
			werr = errors.Join(werr, w.WritePacket(fr.ci, fr.data))
		}
		werr = errors.Join(werr, w.Flush())
	} else {
		w := pcapgo.NewWriter(f)
		werr = w.WriteFileHeader(262144, lt)
		for _, fr := range frames {
			werr = errors.Join(werr, w.WritePacket(fr.ci, fr.data))
		}
	}
	return errors.Join(werr, f.Close())
}

// convertToPCAPNG writes the pcapng twin of one corpus capture. tcpdump
// 4.99 (Debian 12) cannot write pcapng, so pcapgo converts the frames as
// they are; the twin must decode to exactly the same segments.
func convertToPCAPNG(dir string) error {
	src := filepath.Join(dir, pcapngName+".pcap")
	lt, frames, err := readFrames(src)
	if err != nil {
		return err
	}
	dst := filepath.Join(dir, pcapngName+"-ng.pcapng")
	if err := writeFrames(dst, lt, frames, true); err != nil {
		return err
	}
	c, err := readWhole(dst)
	if err != nil {
		return err
	}
	return writeExpect(dst, capture.Split(c.Segments), "the half-close capture converted to pcapng by pcapgo (tcpdump 4.99 writes only pcap)")
}

// tcpOffset finds where the TCP header starts in a frame.
func tcpOffset(lt layers.LinkType, data []byte) (int, error) {
	p := gopacket.NewPacket(data, lt, gopacket.Default)
	t, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
	if !ok {
		return 0, errors.New("no TCP header")
	}
	return len(data) - len(t.Contents) - len(t.Payload), nil
}

// mutation changes one corpus capture so that a faithful model must reject
// it at a known frame.
type mutation struct {
	name, source, about string
	// apply changes the frames and returns the 1-based frame, in the
	// mutated file, of the first segment no run of the model explains, and
	// why.
	apply func(lt layers.LinkType, fr []frame, segs []capture.AbstractSegment) ([]frame, int, string, error)
}

var mutations = []mutation{
	{name: "handshake-ack-plus-one", source: "normal-client-close",
		about: "the client's handshake ACK acknowledges one byte more than the server's SYN",
		apply: func(lt layers.LinkType, fr []frame, segs []capture.AbstractSegment) ([]frame, int, string, error) {
			i := find(segs, func(a capture.AbstractSegment) bool {
				return a.Dir == capture.ClientToServer && a.Flags == capture.ACK
			})
			if i < 0 {
				return nil, 0, "", errors.New("no client ACK")
			}
			err := patch(lt, fr, segs[i].Frame, func(h []byte) {
				binary.BigEndian.PutUint32(h[8:], binary.BigEndian.Uint32(h[8:])+1)
			})
			return fr, segs[i].Frame, fmt.Sprintf("the client's ACK=%d acknowledges server sequence number %d, "+
				"but the server has sent only its SYN (SEQ=0, so SND.NXT=1): an endpoint cannot acknowledge what it never received", segs[i].Ack+1, segs[i].Ack), err
		}},
	{name: "ack-beyond-fin", source: "normal-server-close",
		about: "the final ACK (from the server, which closed first) acknowledges one more than the client's FIN",
		apply: func(lt layers.LinkType, fr []frame, segs []capture.AbstractSegment) ([]frame, int, string, error) {
			last := segs[len(segs)-1]
			if last.Dir != capture.ServerToClient || last.Flags != capture.ACK {
				return nil, 0, "", fmt.Errorf("last segment %s is not the server's final ACK", last.Text())
			}
			err := patch(lt, fr, last.Frame, func(h []byte) {
				binary.BigEndian.PutUint32(h[8:], binary.BigEndian.Uint32(h[8:])+1)
			})
			return fr, last.Frame, fmt.Sprintf("the server's ACK=%d acknowledges sequence number %d, past the client's FIN (SEQ=%d): "+
				"nothing follows a FIN in sequence space", last.Ack+1, last.Ack, last.Ack-1), err
		}},
	{name: "fin-flag-removed", source: "normal-server-close",
		about: "the FIN bit is cleared on the client's FIN,ACK, which also acknowledges the server's FIN",
		apply: func(lt layers.LinkType, fr []frame, segs []capture.AbstractSegment) ([]frame, int, string, error) {
			i := find(segs, func(a capture.AbstractSegment) bool {
				return a.Dir == capture.ClientToServer && a.Flags.Has(capture.FIN)
			})
			if i < 0 {
				return nil, 0, "", errors.New("no client FIN")
			}
			fin := segs[i]
			// Without its FIN the segment must still be one a client sends
			// for a reason, here the first ACK of the server's FIN; a bare
			// repeat of the previous ACK could pass for a network duplicate
			// and blur the rejection frame.
			var prev capture.AbstractSegment
			for _, a := range segs[:i] {
				if a.Dir == capture.ClientToServer && a.Flags.Has(capture.ACK) {
					prev = a
				}
			}
			if int32(fin.Ack-prev.Ack) <= 0 {
				return nil, 0, "", fmt.Errorf("frame %d acknowledges nothing new without its FIN", fin.Frame)
			}
			if err := patch(lt, fr, fin.Frame, func(h []byte) { h[13] &^= 0x01 }); err != nil {
				return nil, 0, "", err
			}
			end := fin.Seq + uint32(fin.Len) // without the FIN the client has sent up to end-1
			j := find(segs[i+1:], func(a capture.AbstractSegment) bool {
				return a.Dir == capture.ServerToClient && a.Flags.Has(capture.ACK) && int32(a.Ack-end) > 0
			})
			if j < 0 {
				return nil, 0, "", errors.New("no server ACK of the FIN")
			}
			ack := segs[i+1+j]
			return fr, ack.Frame, fmt.Sprintf("the server's ACK=%d acknowledges client sequence number %d, "+
				"but the client has sent only up to %d: frame %d, now a plain ACK of the server's FIN, carries no FIN", ack.Ack, ack.Ack-1, end-1, fin.Frame), nil
		}},
	{name: "ack-flag-removed", source: "half-close",
		about: "the ACK bit is cleared on the client's data segment",
		apply: func(lt layers.LinkType, fr []frame, segs []capture.AbstractSegment) ([]frame, int, string, error) {
			i := find(segs, func(a capture.AbstractSegment) bool {
				return a.Dir == capture.ClientToServer && a.Len > 0
			})
			if i < 0 || segs[i].Seq != 1 {
				return nil, 0, "", errors.New("no client data right after the handshake")
			}
			err := patch(lt, fr, segs[i].Frame, func(h []byte) { h[13] &^= 0x10 })
			return fr, segs[i].Frame, "the client, ESTABLISHED since its handshake ACK, sends data without the ACK bit: " +
				"once a connection is established every segment carries ACK (RFC 9293 §3.1)", err
		}},
	{name: "data-segment-removed", source: "normal-server-close",
		about: "the client's data segment is removed from the capture",
		apply: func(lt layers.LinkType, fr []frame, segs []capture.AbstractSegment) ([]frame, int, string, error) {
			i := find(segs, func(a capture.AbstractSegment) bool {
				return a.Dir == capture.ClientToServer && a.Len > 0
			})
			if i < 0 {
				return nil, 0, "", errors.New("no client data")
			}
			gone := segs[i]
			j := find(segs[i+1:], func(a capture.AbstractSegment) bool {
				return a.Dir == capture.ServerToClient && a.Flags.Has(capture.ACK) && int32(a.Ack-gone.Seq) > 0
			})
			if j < 0 {
				return nil, 0, "", errors.New("no server ACK of the data")
			}
			ack := segs[i+1+j]
			out := append(append([]frame{}, fr[:gone.Frame-1]...), fr[gone.Frame:]...)
			return out, ack.Frame - 1, fmt.Sprintf("the server acknowledges client bytes up to %d (ACK=%d), "+
				"but the client has sent nothing past its SYN: the data segment (frame %d of %s) is missing, "+
				"and a segment lost before the capture point never reaches the server", ack.Ack-1, ack.Ack, gone.Frame, "the original"), nil
		}},
}

func find(segs []capture.AbstractSegment, pred func(capture.AbstractSegment) bool) int {
	for i, a := range segs {
		if pred(a) {
			return i
		}
	}
	return -1
}

// patch edits the TCP header of frame n (1-based) in place. The checksum is
// left stale: the decoder does not check it (loopback captures carry
// unfinished checksums anyway).
func patch(lt layers.LinkType, fr []frame, n int, edit func(tcpHeader []byte)) error {
	data := append([]byte(nil), fr[n-1].data...)
	off, err := tcpOffset(lt, data)
	if err != nil {
		return fmt.Errorf("frame %d: %w", n, err)
	}
	edit(data[off:])
	fr[n-1].data = data
	return nil
}

// mutateAll writes every mutation of the corpus in dir into out.
func mutateAll(dir, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, m := range mutations {
		src := filepath.Join(dir, m.source+".pcap")
		lt, frames, err := readFrames(src)
		if err != nil {
			return err
		}
		c, err := readWhole(src)
		if err != nil {
			return err
		}
		incs := incarnations(capture.Split(c.Segments))
		if len(incs) != 1 {
			return fmt.Errorf("mutation %s: source has %d incarnations, want 1", m.name, len(incs))
		}
		segs := capture.Abstract(incs[0]).Segments
		frames, at, why, err := m.apply(lt, frames, segs)
		if err != nil {
			return fmt.Errorf("mutation %s: %w", m.name, err)
		}
		why = strings.ReplaceAll(why, "of the original", "of "+m.source+".pcap")
		dst := filepath.Join(out, m.name+".pcap")
		if err := writeFrames(dst, lt, frames, false); err != nil {
			return err
		}
		mc, err := readWhole(dst)
		if err != nil {
			return err
		}
		f := &expect.File{Capture: filepath.Base(dst), Incarnations: expect.FromConnections(capture.Split(mc.Segments))}
		for i := range f.Incarnations {
			f.Incarnations[i].RejectFrame, f.Incarnations[i].RejectReason = at, why
		}
		about := fmt.Sprintf("mutated from corpus/%s.pcap: %s", m.source, m.about)
		if err := writeFile(strings.TrimSuffix(dst, ".pcap")+".expect", f, about); err != nil {
			return err
		}
	}
	return nil
}
