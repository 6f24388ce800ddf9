package explore

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed page
var page embed.FS

// Handler serves the page and the API:
//
//	GET  /                      the page (and its script and style sheet)
//	GET  /api/model             what is explored: variant, config, properties, limits
//	GET  /api/state?path=i,j,k  the state a path names (empty: the initial state)
//	POST /api/search            {"path": [..], "pattern": "A=TIME-WAIT" | "property": NAME,
//	                             "max_states": N, "timeout_seconds": S}
//	POST /api/check             {"path": [..], "max_states": N, "timeout_seconds": S}
//
// Bad input gets 400 with {"error": "..."}; a search or check while another runs gets 429.
// Request bodies, paths, searches and checks are bounded by the explorer's Limits.
func (e *Explorer) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(page, "page")
	files := http.FileServerFS(static)
	// Everything the API routes below do not take: the page's files, or a JSON 404 for
	// an API path that does not exist (or a method it does not take).
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/"):
			writeJSON(w, http.StatusNotFound, apiError{Error: fmt.Sprintf("no API %s %s", r.Method, r.URL.Path)})
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			writeJSON(w, http.StatusMethodNotAllowed, apiError{Error: "the page takes GET only"})
		default:
			files.ServeHTTP(w, r)
		}
	})
	mux.HandleFunc("GET /api/model", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.Describe())
	})
	mux.HandleFunc("GET /api/state", func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.RawQuery) > 8*e.limits.MaxPath {
			badRequest(w, fmt.Errorf("query of %d bytes is too long", len(r.URL.RawQuery)))
			return
		}
		path, err := e.ParsePath(r.URL.Query().Get("path"))
		if err != nil {
			badRequest(w, err)
			return
		}
		v, err := e.View(path)
		if err != nil {
			badRequest(w, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
	busy := make(chan struct{}, 1) // one search or check at a time bounds the memory
	heavy := func(run func(ctx context.Context, q query) (any, error)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var q query
			if err := e.decode(w, r, &q); err != nil {
				badRequest(w, err)
				return
			}
			select {
			case busy <- struct{}{}:
				defer func() { <-busy }()
			default:
				writeJSON(w, http.StatusTooManyRequests, apiError{Error: "another search or check is running; try again when it ends"})
				return
			}
			out, err := run(r.Context(), q)
			if err != nil {
				badRequest(w, err)
				return
			}
			writeJSON(w, http.StatusOK, out)
		}
	}
	mux.HandleFunc("POST /api/search", heavy(func(ctx context.Context, q query) (any, error) {
		return e.Search(ctx, q.Path, q.Pattern, q.Property, q.MaxStates, q.timeout())
	}))
	mux.HandleFunc("POST /api/check", heavy(func(ctx context.Context, q query) (any, error) {
		if q.Pattern != "" || q.Property != "" {
			return nil, fmt.Errorf("%w: check takes no pattern or property: it checks every property", ErrRequest)
		}
		return e.Check(ctx, q.Path, q.MaxStates, q.timeout())
	}))
	return mux
}

// query is the body of a search or check request.
type query struct {
	Path           []int   `json:"path"`
	Pattern        string  `json:"pattern"`
	Property       string  `json:"property"`
	MaxStates      int     `json:"max_states"`
	TimeoutSeconds float64 `json:"timeout_seconds"`
}

func (q query) timeout() time.Duration {
	return time.Duration(q.TimeoutSeconds * float64(time.Second))
}

// decode reads a JSON request body strictly: bounded, one object, known fields, sane
// numbers.
func (e *Explorer) decode(w http.ResponseWriter, r *http.Request, q *query) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("content type %q: want application/json", ct)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, e.limits.MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(q); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fmt.Errorf("request body larger than %d bytes", e.limits.MaxBody)
		}
		return fmt.Errorf("request body: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("request body: more than one JSON value")
	}
	if len(q.Path) > e.limits.MaxPath {
		return fmt.Errorf("path has %d steps, more than %d", len(q.Path), e.limits.MaxPath)
	}
	if q.MaxStates < 0 {
		return fmt.Errorf("max_states %d: want 0 (the limit) or more", q.MaxStates)
	}
	if q.TimeoutSeconds < 0 || q.TimeoutSeconds > 1e6 {
		return fmt.Errorf("timeout_seconds %g: want 0 (the limit) to %g", q.TimeoutSeconds, e.limits.MaxSearchTime.Seconds())
	}
	return nil
}

type apiError struct {
	Error string `json:"error"`
}

func badRequest(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusBadRequest, apiError{Error: err.Error()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client may be gone; nothing to tell it then
}
