package explore

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// small is the default configuration without faults: a few hundred states.
func small(t *testing.T) (*Explorer, *httptest.Server) {
	t.Helper()
	cfg := fsm.DefaultConfig()
	cfg.Faults = fsm.Faults{Loss: 1}
	cfg.SeqBits = cfg.MinSeqBits()
	sys, err := fsm.NewSystem(cfg, fsm.RFC)
	require.NoError(t, err)
	props, err := properties.Lookup("no-half-open-acceptance", "isn-agreement", "simultaneous-close", "close-completes")
	require.NoError(t, err)
	e, err := New(properties.Bind(sys, props), fsm.RFC, props, Limits{MaxPath: 200, MaxSearchStates: 100_000})
	require.NoError(t, err)
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(srv.Close)
	return e, srv
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	r, err := http.Get(url)
	require.NoError(t, err)
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	return r.StatusCode, b
}

func post(t *testing.T, url, ctype, body string) (int, []byte) {
	t.Helper()
	r, err := http.Post(url, ctype, strings.NewReader(body))
	require.NoError(t, err)
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	return r.StatusCode, b
}

func state(t *testing.T, srv *httptest.Server, path string) View {
	t.Helper()
	code, b := get(t, srv.URL+"/api/state?path="+path)
	require.Equal(t, http.StatusOK, code, "%s", b)
	var v View
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}

// take follows the enabled action whose label starts with prefix.
func take(t *testing.T, srv *httptest.Server, v View, prefix string) View {
	t.Helper()
	for _, a := range v.Actions {
		if strings.HasPrefix(a.Label, prefix) {
			return state(t, srv, joinPath(append(v.Path, a.Index)))
		}
	}
	t.Fatalf("no enabled action %q among %+v", prefix, v.Actions)
	return View{}
}

func joinPath(p []int) string {
	s := make([]string, len(p))
	for i, n := range p {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func TestAHandshakeWalkedByIndicesShowsStatesRulesAndWhatChanged(t *testing.T) {
	_, srv := small(t)
	v := state(t, srv, "")
	assert.Empty(t, v.Path)
	assert.Equal(t, "CLOSED", v.State.A.State)
	assert.Equal(t, "LISTEN", v.State.B.State)
	assert.Nil(t, v.State.A.ISS, "no TCB, no sequence variables")
	v = take(t, srv, v, "A open")
	assert.Equal(t, "SYN-SENT", v.State.A.State)
	assert.Contains(t, v.Changed, "A.state")
	assert.Contains(t, v.Changed, "network")
	require.Len(t, v.Steps, 1)
	assert.Equal(t, "A", v.Steps[0].Actor)
	v = take(t, srv, v, "B deliver")
	assert.Equal(t, "SYN-RECEIVED", v.State.B.State)
	// Every enabled action names the rows it fires with their citations.
	var cited bool
	for _, a := range v.Actions {
		for _, r := range a.Rules {
			cited = cited || strings.HasPrefix(r.Cite, "RFC 9293")
		}
	}
	assert.True(t, cited)
	v = take(t, srv, v, "A deliver")
	v = take(t, srv, v, "B deliver")
	assert.Equal(t, "ESTABLISHED", v.State.A.State)
	assert.Equal(t, "ESTABLISHED", v.State.B.State)
	assert.Len(t, v.Steps, 4)
	for _, p := range v.Properties {
		assert.False(t, p.Violated, p.Name)
	}
	// The same path read again is the same state: a URL names a state.
	again := state(t, srv, joinPath(v.Path))
	assert.Equal(t, v.State, again.State)
}

func TestSearchFindsTheShortestPathToAPatternAndCheckRunsFromAState(t *testing.T) {
	_, srv := small(t)
	code, b := post(t, srv.URL+"/api/search", "application/json", `{"path": [], "pattern": "A=ESTABLISHED B=ESTABLISHED"}`)
	require.Equal(t, http.StatusOK, code, "%s", b)
	var sr SearchResult
	require.NoError(t, json.Unmarshal(b, &sr))
	require.True(t, sr.Found)
	assert.Len(t, sr.Path, 4, "open, SYN, SYN,ACK, ACK")
	v := state(t, srv, joinPath(sr.Path))
	assert.Equal(t, "ESTABLISHED", v.State.B.State)

	code, b = post(t, srv.URL+"/api/search", "application/json", `{"path": [], "pattern": "A=LISTEN"}`)
	require.Equal(t, http.StatusOK, code, "%s", b)
	require.NoError(t, json.Unmarshal(b, &sr))
	assert.False(t, sr.Found)
	assert.True(t, sr.Complete, "the client never listens: the whole space says so")

	code, b = post(t, srv.URL+"/api/check", "application/json", `{"path": `+string(mustJSON(t, sr.Path))+`}`)
	require.Equal(t, http.StatusOK, code, "%s", b)
	var cr CheckResult
	require.NoError(t, json.Unmarshal(b, &cr))
	assert.True(t, cr.Complete)
	require.NotEmpty(t, cr.Verdicts)
	for _, vd := range cr.Verdicts {
		assert.NotEqual(t, "violated", vd.Status, vd.Name)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestBadRequestsGetA400WithAJSONError(t *testing.T) {
	_, srv := small(t)
	long := strings.Repeat("0,", 300) + "0"
	tests := []struct {
		name, method, url, ctype, body, want string
	}{
		{"path with a word", "GET", "/api/state?path=1,x", "", "", "not an action index"},
		{"negative index", "GET", "/api/state?path=-1", "", "", "not an action index"},
		{"index out of range", "GET", "/api/state?path=999", "", "", "does not exist"},
		{"action not enabled", "GET", "/api/state?path=0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0", "", "", "path names no state"},
		{"path too long", "GET", "/api/state?path=" + long, "", "", "more than 200"},
		{"empty search", "POST", "/api/search", "application/json", `{"path": []}`, "give a pattern"},
		{"pattern and property", "POST", "/api/search", "application/json", `{"pattern": "A=CLOSED", "property": "isn-agreement"}`, "not both"},
		{"unknown state", "POST", "/api/search", "application/json", `{"pattern": "A=HALF-OPEN"}`, "pattern term"},
		{"unknown pattern name", "POST", "/api/search", "application/json", `{"pattern": "C=CLOSED"}`, "unknown name"},
		{"pattern without =", "POST", "/api/search", "application/json", `{"pattern": "ESTABLISHED"}`, "want NAME=VALUE"},
		{"unknown property", "POST", "/api/search", "application/json", `{"property": "no-such"}`, "unknown property"},
		{"liveness property", "POST", "/api/search", "application/json", `{"property": "close-completes"}`, "liveness"},
		{"unknown field", "POST", "/api/search", "application/json", `{"pattern": "A=CLOSED", "colour": 1}`, "unknown field"},
		{"not JSON", "POST", "/api/search", "application/json", `pattern=A`, "request body"},
		{"two JSON values", "POST", "/api/search", "application/json", `{"pattern": "A=CLOSED"} {}`, "more than one"},
		{"wrong content type", "POST", "/api/check", "text/plain", `{}`, "content type"},
		{"negative max_states", "POST", "/api/check", "application/json", `{"max_states": -5}`, "max_states"},
		{"negative timeout", "POST", "/api/check", "application/json", `{"timeout_seconds": -1}`, "timeout_seconds"},
		{"check with a pattern", "POST", "/api/check", "application/json", `{"pattern": "A=CLOSED"}`, "takes no pattern"},
		{"path in body out of range", "POST", "/api/check", "application/json", `{"path": [77]}`, "does not exist"},
		{"body too large", "POST", "/api/search", "application/json", `{"pattern": "` + strings.Repeat("A", 70<<10) + `"}`, "larger than"},
	}
	require.GreaterOrEqual(t, len(tests), 15)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var code int
			var b []byte
			if tt.method == "GET" {
				code, b = get(t, srv.URL+tt.url)
			} else {
				code, b = post(t, srv.URL+tt.url, tt.ctype, tt.body)
			}
			assert.Equal(t, http.StatusBadRequest, code, "%s", b)
			var e apiError
			require.NoError(t, json.Unmarshal(b, &e), "the error is JSON: %s", b)
			assert.Contains(t, e.Error, tt.want)
		})
	}
}

func TestUnknownAPIsAndMethodsAreRefused(t *testing.T) {
	_, srv := small(t)
	code, b := get(t, srv.URL+"/api/nothing")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, string(b), "no API")
	code, b = post(t, srv.URL+"/api/state", "application/json", `{}`)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, string(b), "no API POST /api/state")
	code, _ = post(t, srv.URL+"/", "application/json", `{}`)
	assert.Equal(t, http.StatusMethodNotAllowed, code)
}

func TestThePageIsServedFromTheBinary(t *testing.T) {
	_, srv := small(t)
	for _, f := range []string{"/", "/app.js", "/style.css"} {
		code, b := get(t, srv.URL+f)
		assert.Equal(t, http.StatusOK, code, f)
		assert.NotEmpty(t, b, f)
	}
	_, b := get(t, srv.URL+"/")
	// Offline: the page loads nothing from elsewhere.
	assert.NotContains(t, string(b), "http://")
	assert.NotContains(t, string(b), "https://")
}
