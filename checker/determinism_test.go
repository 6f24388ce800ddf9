package checker_test

// The same model gives the same result on every run, whatever the workers and visited set.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/checker"
)

// sameEverywhere runs m twice under every configuration built on base and requires one
// outcome; it returns it.
func sameEverywhere[S, A any](t *testing.T, m checker.Model[S, A], base checker.Config) *checker.Result[S] {
	t.Helper()
	var first *checker.Result[S]
	for round := range 2 {
		for _, cfg := range configs(base) {
			res, err := mustRun(m, cfg)
			require.NoError(t, err)
			if first == nil {
				first = res
				continue
			}
			require.Empty(t, sameOutcome(first, res), "round %d, workers %d, %v", round, cfg.Workers, cfg.Visited)
		}
	}
	return first
}

func TestToyModelsGiveOneResultWhateverTheWorkers(t *testing.T) {
	t.Run("counter", func(t *testing.T) {
		res := sameEverywhere(t, counter(50, false).with(
			checker.Always("below 40", func(s int) bool { return s < 40 }),
			checker.NoDeadlock[int]("nd"),
			checker.Eventually("60", func(s int) bool { return s == 60 }),
		), checker.Config{Graph: true})
		assert.Equal(t, uint64(51), res.States)
		assert.Equal(t, uint64(50), res.Transitions)
		assert.Equal(t, 50, res.MaxDepth)
	})
	t.Run("binary clock", func(t *testing.T) {
		res := sameEverywhere(t, binaryClock().with(checker.Eventually("high", func(s int) bool { return s == 1 })), checker.Config{})
		assert.Equal(t, uint64(2), res.States)
		assert.Equal(t, uint64(2), res.Transitions)
		assert.Equal(t, 0, res.MaxDepth)
		assert.Equal(t, checker.Holds, res.Verdicts[0].Status, "0 can only go high")
	})
	t.Run("grid", func(t *testing.T) {
		// 51² = 2601 states; the widest level has 51, so this exercises hashing more than chunks.
		res := sameEverywhere(t, grid(50).with(
			checker.Always("not (20,30)", func(c cell) bool { return c != cell{20, 30} }),
			checker.Sometimes("(50,0)", func(c cell) bool { return c == cell{50, 0} }),
			checker.Eventually("corner", func(c cell) bool { return c == cell{50, 50} }),
			checker.NoDeadlock[cell]("nd"),
		), checker.Config{Graph: true})
		assert.Equal(t, uint64(51*51), res.States)
		assert.Equal(t, uint64(2*50*51), res.Transitions)
		assert.Equal(t, 100, res.MaxDepth)
		statuses := []checker.Status{}
		for _, v := range res.Verdicts {
			statuses = append(statuses, v.Status)
		}
		assert.Equal(t, []checker.Status{checker.Violated, checker.Holds, checker.Holds, checker.Holds}, statuses)
	})
	t.Run("lassos", func(t *testing.T) {
		for _, m := range []*toy[string]{
			spinner(false).model(checker.Eventually("done", is("done"))),
			flicker.model(checker.Eventually("done", is("done"))),
			sharedLabel.model(checker.Eventually("done", is("done"))),
			stem.model(checker.Eventually("x1", is("x1"))),
		} {
			res := sameEverywhere(t, m, checker.Config{Graph: true})
			assert.Equal(t, checker.Violated, res.Verdicts[0].Status)
		}
	})
	t.Run("fixed-size encodings", func(t *testing.T) {
		// 16 bytes fit in a slot of the inline layout; 64 bytes do not.
		for _, size := range []int{16, 64} {
			m := grid(40).with(checker.Always("not (20,30)", func(c cell) bool { return c != cell{20, 30} }))
			plain := sameEverywhere(t, m, checker.Config{Graph: true})
			m.encode = padTo(size, m.encode)
			sized := sameEverywhere(t, sizedToy[cell]{m, size}, checker.Config{Graph: true})
			assert.Empty(t, sameOutcome(plain, sized), "size %d", size)
		}
	})
	t.Run("projected", func(t *testing.T) {
		res := sameEverywhere(t, columnsModel(), checker.Config{Graph: true})
		assert.Equal(t, columnsGraph, res.Graph)
	})
}

// sizedToy declares a fixed encoding size.
type sizedToy[S any] struct {
	*toy[S]
	size int
}

func (m sizedToy[S]) EncodedSize() int { return m.size }

// padTo pads an encoding with zeros to size bytes.
func padTo[S any](size int, enc func([]byte, S) []byte) func([]byte, S) []byte {
	return func(dst []byte, s S) []byte {
		n := len(dst)
		dst = enc(dst, s)
		for len(dst)-n < size {
			dst = append(dst, 0)
		}
		return dst
	}
}
