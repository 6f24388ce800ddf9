package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is a bytes.Buffer safe for the server goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveExplore starts verify explore with args and returns the URL it prints; the server
// stops when the test ends, and its exit code must then be 0.
func serveExplore(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, append([]string{"explore"}, args...), &stdout, &stderr) }()
	exited := false
	t.Cleanup(func() {
		cancel()
		if !exited {
			assert.Equal(t, exitOK, <-code, "stderr: %s", stderr.String())
		}
	})
	re := regexp.MustCompile(`explore: (http://\S+)`)
	// --claim checks the model before it serves: give the race detector time.
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case c := <-code:
			exited = true
			t.Fatalf("explore exited with %d: %s", c, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("explore printed no address: %q", stdout.String())
	return ""
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	r, err := http.Get(url)
	require.NoError(t, err)
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v), "%s", b)
	return r.StatusCode
}

func TestExploreServesThePageAndTheAPIOnLoopback(t *testing.T) {
	url := serveExplore(t, "--loss", "0", "--dup", "0", "--inject", "0")
	require.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), url)
	r, err := http.Get(url)
	require.NoError(t, err)
	r.Body.Close()
	assert.Equal(t, http.StatusOK, r.StatusCode)
	var v struct {
		State struct {
			A struct{ State string }
		}
		Actions []struct{ Index int }
	}
	assert.Equal(t, http.StatusOK, getJSON(t, url+"api/state?path=", &v))
	assert.Equal(t, "CLOSED", v.State.A.State)
	assert.NotEmpty(t, v.Actions)
}

func TestExploreOpensACounterexampleAtItsEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, _, stderr := invoke(t, "check", "--variant", "two-way-handshake", "--properties", "no-half-open-acceptance",
		"--loss", "0", "--dup", "0", "--inject", "0", "--out", dir)
	require.Equal(t, exitViolated, code, stderr)
	url := serveExplore(t, "--trace", filepath.Join(dir, "report.json"))
	base, hash, ok := strings.Cut(url, "#/path/")
	require.True(t, ok, "the address names the trace's last state: %s", url)
	var v struct {
		Path       []int
		Properties []struct {
			Name     string
			Violated bool
		}
	}
	assert.Equal(t, http.StatusOK, getJSON(t, base+"api/state?path="+hash, &v))
	require.NotEmpty(t, v.Path)
	require.Len(t, v.Properties, 1)
	assert.True(t, v.Properties[0].Violated, "the counterexample ends where the property is violated")
}

func TestExploreOpensAClaimsCounterexample(t *testing.T) {
	url := serveExplore(t, "--claim", "isn-agreement", "--variant", "fixed-isn")
	base, hash, ok := strings.Cut(url, "#/path/")
	require.True(t, ok, url)
	var v struct {
		Path       []int
		Properties []struct {
			Name     string
			Violated bool
		}
	}
	assert.Equal(t, http.StatusOK, getJSON(t, base+"api/state?path="+hash, &v))
	assert.Len(t, v.Path, 4, "the claims table's 4 steps")
	require.Len(t, v.Properties, 1)
	assert.Equal(t, "isn-agreement", v.Properties[0].Name)
	assert.True(t, v.Properties[0].Violated)
}

func TestExploreBadInputExitsTwoWithOneLine(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"remote address", []string{"--addr", "0.0.0.0:0"}, "not a loopback address"},
		{"no port", []string{"--addr", "127.0.0.1"}, "want host:port"},
		{"missing report", []string{"--trace", filepath.Join(dir, "none.json")}, "none.json"},
		{"model flag with a trace", []string{"--trace", filepath.Join(dir, "none.json"), "--variant", "rfc9293"}, "takes the model from the report"},
		{"property without a trace", []string{"--property", "isn-agreement"}, "needs --trace"},
		{"unknown variant", []string{"--variant", "three-way-and-a-half"}, "unknown variant"},
		{"unknown claim", []string{"--claim", "no-such-claim"}, "unknown claim"},
		{"claim with a model flag", []string{"--claim", "isn-agreement", "--loss", "2"}, "takes the model from the claim"},
		{"claim under another variant", []string{"--claim", "isn-agreement", "--variant", "no-time-wait"}, "is checked under"},
		{"claim and trace", []string{"--claim", "isn-agreement", "--trace", "x.json"}, "give one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := invoke(t, append([]string{"explore"}, tt.args...)...)
			assert.Equal(t, exitBadInput, code)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			require.Len(t, lines, 1, "stderr: %q", stderr)
			assert.Contains(t, lines[0], tt.want)
		})
	}
}
