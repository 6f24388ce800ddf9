package capture

import (
	"encoding/binary"
	"fmt"
)

// Cut says where a capture that ends in the middle of a record stops. Such a
// file is what a recorder killed mid-write, a full disk or an interrupted copy
// leaves: the frames before the cut are whole and are read as usual, the
// record the cut falls in is dropped.
type Cut struct {
	// Byte is the file's length, the offset at which it was cut.
	Byte int64 `json:"byte"`
	// Frame is the number of the frame left incomplete, which would have
	// been the next one; zero when the cut falls in a pcapng block that holds
	// no frame (interface statistics, name resolution, ...). A pcapng cut in
	// the first four bytes of a block, before its type, counts as a frame.
	Frame int `json:"frame,omitempty"`
	// Complete counts the whole frames before the cut, TCP or not.
	Complete int `json:"complete"`
}

// String is the note shown for a truncated capture:
// "cut at byte 5120 (frame 17 incomplete)", or for a cut between frames
// "cut at byte 5120 (after frame 16, in a pcapng block of type 0x5)".
func (c Cut) String() string {
	if c.Frame > 0 {
		return fmt.Sprintf("cut at byte %d (frame %d incomplete)", c.Byte, c.Frame)
	}
	return fmt.Sprintf("cut at byte %d (after frame %d, in a pcapng block that holds no frame)", c.Byte, c.Complete)
}

// pcapng block types that carry a frame (the obsolete packet block, the
// simple and the enhanced packet block), and the section header's byte-order
// magic.
const (
	ngObsoletePacket uint32 = 2
	ngSimplePacket   uint32 = 3
	ngEnhancedPacket uint32 = 6
	ngByteOrderMagic uint32 = 0x1a2b3c4d
)

// ngBlocks follows the block structure of a pcapng stream as its bytes go by
// (it is the writer side of a TeeReader), so that when pcapgo stops at an
// unexpected end of file Read can tell whether the last, incomplete block held
// a frame. pcapgo buffers ahead, so the stream position cannot be asked of it.
type ngBlocks struct {
	off       int64 // bytes seen
	start     int64 // where the current block starts
	head      [12]byte
	bigEndian bool
	length    int64 // the current block's total length, once its header is read
	typ       uint32
	lost      bool // the structure stopped making sense; pcapgo reports why
}

func (b *ngBlocks) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && !b.lost {
		in := b.off - b.start
		if in < 12 {
			k := copy(b.head[in:], p)
			b.off += int64(k)
			p = p[k:]
			if b.off-b.start == 12 {
				b.parseHead()
			}
			continue
		}
		k := min(int64(len(p)), b.start+b.length-b.off)
		b.off += k
		p = p[k:]
		if b.off == b.start+b.length {
			b.start, b.length = b.off, 0
		}
	}
	return n, nil
}

// parseHead reads a block's type and length once its first 12 bytes are in.
func (b *ngBlocks) parseHead() {
	order := binary.ByteOrder(binary.LittleEndian)
	if b.bigEndian {
		order = binary.BigEndian
	}
	if binary.BigEndian.Uint32(b.head[:]) == pcapngMagic {
		switch ngByteOrderMagic {
		case binary.BigEndian.Uint32(b.head[8:]):
			b.bigEndian, order = true, binary.BigEndian
		case binary.LittleEndian.Uint32(b.head[8:]):
			b.bigEndian, order = false, binary.LittleEndian
		default:
			b.lost = true
			return
		}
	}
	b.typ = order.Uint32(b.head[:])
	b.length = int64(order.Uint32(b.head[4:]))
	if b.length < 12 || b.length%4 != 0 {
		b.lost = true
	}
}

// holdsFrame reports whether the block the stream ended in may hold a frame:
// it does when its type says so or is not known yet.
func (b *ngBlocks) holdsFrame() bool {
	if b.lost || b.off-b.start < 4 {
		return true
	}
	typ := b.typ
	if b.off-b.start < 12 {
		typ = binary.LittleEndian.Uint32(b.head[:])
		if b.bigEndian {
			typ = binary.BigEndian.Uint32(b.head[:])
		}
	}
	return typ == ngObsoletePacket || typ == ngSimplePacket || typ == ngEnhancedPacket
}
