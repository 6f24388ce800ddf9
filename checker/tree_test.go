package checker_test

// Tree compression against exact storage: one outcome whatever the encoding's size.

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/checker"
)

// dials is a lock of k dials, each 0..limit-1: "+j" turns dial j up (offered at the top too,
// leading nowhere) and "zero" sets every dial back to 0 from a state whose dials add up to a
// multiple of 5, so the space has cycles for liveness to judge. It encodes to size bytes: for
// size 1, two dials as nibbles; otherwise dial j at byte j*size/k, and every other byte a
// function of the dials or zero, so that the encoding's 32-bit words vary in different ways
// and share sub-vectors across states, as a real model's do.
type dials struct {
	*toy[[4]int]
	size int
}

func (m dials) EncodedSize() int { return m.size }

var _ checker.FixedSizer = dials{}

func newDials(size int) dials {
	k, limit := 2, 16
	if size > 1 {
		k, limit = min(4, size), 8
	}
	pos := func(j int) int { return j * size / k }
	encode := func(dst []byte, s [4]int) []byte {
		if size == 1 {
			return append(dst, byte(s[0]<<4|s[1]))
		}
		b := make([]byte, size)
		for i := range b {
			if i%4 != 3 {
				b[i] = byte(s[i%k]*(i%7) + s[(i+1)%k])
			}
		}
		for j := range k {
			b[pos(j)] = byte(s[j])
		}
		return append(dst, b...)
	}
	decode := func(b []byte) [4]int {
		var s [4]int
		if size == 1 {
			return [4]int{int(b[0] >> 4), int(b[0] & 15)}
		}
		for j := range k {
			s[j] = int(b[pos(j)])
		}
		return s
	}
	var acts []string
	for j := range k {
		acts = append(acts, fmt.Sprintf("+%d", j))
	}
	acts = append(acts, "zero")
	sum := func(s [4]int) int { return s[0] + s[1] + s[2] + s[3] }
	return dials{toy: &toy[[4]int]{
		init:    [][4]int{{}},
		actions: func([4]int) []string { return acts },
		next: func(s [4]int, a string) ([4]int, bool) {
			if a == "zero" {
				return [4]int{}, sum(s)%5 == 0 && sum(s) > 0
			}
			j := int(a[1] - '0')
			if s[j] == limit-1 {
				return s, false
			}
			s[j]++
			return s, true
		},
		encode: encode,
		decode: decode,
		fair:   func(_ [4]int, a string) bool { return a == "zero" },
		props: []checker.Property[[4]int]{
			checker.Always("not all 7", func(s [4]int) bool { return s != [4]int{7, 7, 7, 7} && s != [4]int{7, 7} }),
			checker.Sometimes("dial 1 at 9", func(s [4]int) bool { return s[1] == 9 }),
			checker.Eventually("back to zero", func(s [4]int) bool { return s == [4]int{} }),
			checker.NoDeadlock[[4]int]("no deadlock"),
		},
	}, size: size}
}

func TestTreeCompressionGivesExactsOutcomeAtEveryEncodingSize(t *testing.T) {
	sizes := []int{1, 4, 7, 8, 13, 22, 56, 100}
	if raceEnabled {
		// Each size runs the engine 48 times; under the race detector a sample of them
		// (one byte, a word, odd, large) watches the workers, and .ci/run runs every
		// size without -race.
		sizes = []int{1, 8, 13, 100}
	}
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%d bytes", size), func(t *testing.T) {
			m := newDials(size)
			for i, cfg := range []checker.Config{{Graph: true}, {MaxStates: 777}, {MaxDepth: 9, Graph: true}} {
				// sameEverywhere runs Exact, HashCompaction and TreeCompression at 1 to 8
				// workers and requires one outcome; the same model without its size (so
				// stored as records) must agree too.
				sized := sameEverywhere(t, m, cfg)
				cfg.Workers = 1
				plain, err := mustRun(m.toy, cfg)
				require.NoError(t, err)
				require.Empty(t, sameOutcome(plain, sized), "%+v", cfg)
				if i == 0 {
					want := uint64(8 * 8 * 8 * 8) // four dials
					if size == 1 {
						want = 16 * 16
					}
					assert.Equal(t, want, sized.States)
					assert.True(t, sized.Complete)
				}
			}
		})
	}
}

func TestTreeCompressionOfAModelWithoutAFixedSizeStoresItExactly(t *testing.T) {
	m := grid(30).with(checker.Always("not (20,30)", func(c cell) bool { return c != cell{20, 30} }))
	exact, err := mustRun(m, checker.Config{Workers: 2, Graph: true})
	require.NoError(t, err)
	tree, err := mustRun(m, checker.Config{Workers: 2, Graph: true, Visited: checker.TreeCompression})
	require.NoError(t, err)
	assert.Empty(t, sameOutcome(exact, tree))
	assert.Equal(t, "tree", tree.Visited.String())
	assert.Zero(t, tree.OmissionBound, "tree compression is exact")
}
