package checker

// The exact visited-set layouts against a Go map.

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

// TestExactLayoutsBehaveLikeAMap inserts and looks up random fixed-size byte strings, drawn
// from few byte values so that they share sub-vectors and words of zeros, and requires the
// answers a map gives: found iff inserted before, added iff not, and each state's id kept
// beside its slot through the tables' growth. For the tree layout, each node table must
// hold exactly the distinct sub-vectors of its partition's states, once each.
func TestExactLayoutsBehaveLikeAMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		size := rapid.SampledFrom([]int{1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 22, 23, 56, 57, 100}).Draw(t, "size")
		mode := rapid.SampledFrom([]Visited{Exact, TreeCompression}).Draw(t, "mode")
		fixed := size
		if rapid.Bool().Draw(t, "no fixed size") {
			fixed = 0
		}
		// A BitSizer's encodings leave the top bits of their last byte zero, and the
		// inline layout keeps its tag there when they spare a word.
		bits := 0
		if fixed > 0 && rapid.Bool().Draw(t, "bit sizer") {
			bits = rapid.IntRange(8*size-7, 8*size).Draw(t, "bits")
		}
		lastByte := byte(0xff)
		if bits > 0 {
			lastByte = byte(1<<(bits-8*(size-1)) - 1)
		}
		ids := rapid.Bool().Draw(t, "ids")
		v := newVisited(mode, fixed, bits, ids, uint64(rapid.IntRange(0, 3000).Draw(t, "expected")))
		if want := mode == TreeCompression && fixed > 0; want != (v.layout == layoutTree) {
			t.Fatalf("mode %v, fixed size %d: layout %d", mode, fixed, v.layout)
		}
		if words := (size + 7) / 8; v.layout == layoutInline && bits > 0 && bits < 64*words && v.stride != words {
			t.Fatalf("%d bytes of %d bits: %d words a slot, want %d", size, bits, v.stride, words)
		}
		if rapid.Bool().Draw(t, "tiny") {
			// Start from two slots a partition, so that the tables grow many times.
			for i := range v.parts {
				if v.layout == layoutTree {
					v.initTree(&v.parts[i], 2)
				} else {
					v.parts[i].init(2, v.stride, ids)
				}
			}
		}
		byteOf := rapid.SampledFrom([]byte{0, 0, 1, 2, 0xff})
		var pool [][]byte
		inserted := map[string]uint32{}
		check := func(enc []byte, slot int, what string) {
			id, ok := inserted[string(enc)]
			if ok != (slot >= 0) {
				t.Fatalf("%s %x: slot %d, but inserted = %v", what, enc, slot, ok)
			}
			if ok && ids {
				if got := v.slotID(v.hash(enc), slot); got != id {
					t.Fatalf("%s %x: id %d, want %d", what, enc, got, id)
				}
			}
		}
		ops := rapid.IntRange(1, 3000).Draw(t, "ops")
		for range ops {
			var enc []byte
			switch {
			case len(pool) > 0 && rapid.IntRange(0, 2).Draw(t, "reuse") == 0:
				enc = pool[rapid.IntRange(0, len(pool)-1).Draw(t, "which")]
			case len(pool) > 0 && rapid.Bool().Draw(t, "mutate"):
				enc = append([]byte(nil), pool[rapid.IntRange(0, len(pool)-1).Draw(t, "base")]...)
				enc[rapid.IntRange(0, size-1).Draw(t, "at")] = byteOf.Draw(t, "to")
				enc[size-1] &= lastByte
				pool = append(pool, enc)
			default:
				enc = make([]byte, size)
				for i := range enc {
					enc[i] = byteOf.Draw(t, "byte")
				}
				enc[size-1] &= lastByte
				pool = append(pool, enc)
			}
			h := v.hash(enc)
			if rapid.Bool().Draw(t, "find") {
				check(enc, v.find(h, enc), "find")
				continue
			}
			v.reserve(partitionOf(h), rapid.IntRange(1, 40).Draw(t, "reserve"))
			slot, added := v.insert(h, enc)
			if _, ok := inserted[string(enc)]; ok == added {
				t.Fatalf("insert %x: added = %v, but inserted before = %v", enc, added, ok)
			}
			if added {
				inserted[string(enc)] = uint32(len(inserted))
				if ids {
					v.setSlotID(h, slot, inserted[string(enc)])
				}
			}
			check(enc, slot, "insert")
		}
		for _, enc := range pool {
			check(enc, v.find(v.hash(enc), enc), "final find")
		}
		if v.layout == layoutTree {
			checkTreeTables(t, v, inserted)
		}
	})
}

// checkTreeTables requires the tree layout's tables to hold one root entry per state and,
// per partition, one node entry per distinct sub-vector of the node.
func checkTreeTables(t *rapid.T, v *visited, inserted map[string]uint32) {
	roots, nodes := v.treeStats()
	if roots != len(inserted) {
		t.Fatalf("%d root entries for %d states", roots, len(inserted))
	}
	want := make([]int, len(nodes))
	seen := map[string]bool{}
	for enc := range inserted {
		var walk func(k int32) (lo, hi int)
		walk = func(k int32) (lo, hi int) {
			if k < 0 {
				return int(^k), int(^k) + 1
			}
			nd := v.tree.nodes[k]
			lo, _ = walk(nd.left)
			_, hi = walk(nd.right)
			if int(k) < len(nodes) {
				sub := fmt.Sprintf("%d %d %d %x", partitionOf(v.hash([]byte(enc))), lo, hi, padded(enc, 4*hi)[4*lo:4*hi])
				if !seen[sub] {
					seen[sub] = true
					want[k]++
				}
			}
			return lo, hi
		}
		walk(int32(len(v.tree.nodes) - 1))
	}
	if fmt.Sprint(nodes) != fmt.Sprint(want) {
		t.Fatalf("node table entries %v, want the distinct sub-vectors per partition %v", nodes, want)
	}
}

func padded(s string, n int) []byte {
	b := []byte(s)
	for len(b) < n {
		b = append(b, 0)
	}
	return b
}
