package anchor_test

import (
	"testing"

	"github.com/tcpverify/tcpverify/fsm/anchor"
)

// throwaway map-based BFS until checker.Run lands.
func bfs(t testing.TB, p anchor.Params) (states, trans uint64) {
	m, err := anchor.New(p)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]struct{}{}
	var queue []anchor.State
	for _, s := range m.Init() {
		seen[string(m.Encode(nil, s))] = struct{}{}
		queue = append(queue, s)
	}
	var acts []anchor.Action
	var buf []byte
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		acts = m.Actions(s, acts[:0])
		for _, a := range acts {
			n, ok := m.Next(s, a)
			if !ok {
				t.Fatalf("action %v not enabled", a)
			}
			trans++
			buf = m.Encode(buf[:0], n)
			if _, dup := seen[string(buf)]; !dup {
				seen[string(buf)] = struct{}{}
				queue = append(queue, n)
			}
		}
	}
	return uint64(len(seen)), trans
}

func TestScratchBFS(t *testing.T) {
	for _, c := range []struct {
		p          anchor.Params
		states, tr uint64
	}{
		{anchor.Params{SeqN: 2, NetCap: 2, Loss: 1, Dup: 1, OldSyn: 1, Rtx: 1}, 101877, 279630},
	} {
		s, tr := bfs(t, c.p)
		t.Logf("%s: %d states %d transitions (+1 = %d); spin %d %d", c.p.Name(), s, tr, tr+1, c.states, c.tr)
		if s != c.states || tr+1 != c.tr {
			t.Errorf("mismatch")
		}
	}
}
