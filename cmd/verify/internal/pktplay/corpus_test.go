package pktplay

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/pktscript"
	"github.com/tcpverify/tcpverify/fsm"
)

// corpusDir holds our own scripts, written from RFC 9293 §3.10: each must pass against
// the RFC table, and fail against every variant its "// fails:" comment names.
const corpusDir = "testdata/rfc9293"

type corpusScript struct {
	path   string
	script *pktscript.Script
	fails  []string
}

func loadCorpus(t *testing.T) []corpusScript {
	t.Helper()
	var out []corpusScript
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".pkt") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		s, err := pktscript.Parse(path, src)
		if err != nil {
			return err
		}
		out = append(out, corpusScript{path: path, script: s, fails: failsOf(src)})
		return nil
	})
	require.NoError(t, err)
	return out
}

// failsOf reads the "// fails: v1 v2" comments of a script.
func failsOf(src []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "// fails:"); ok {
			out = append(out, strings.Fields(rest)...)
		}
	}
	return out
}

func TestEveryCorpusScriptPassesAgainstTheRFCTable(t *testing.T) {
	corpus := loadCorpus(t)
	require.NotEmpty(t, corpus)
	for _, c := range corpus {
		t.Run(c.path, func(t *testing.T) {
			r := Play(c.script, Options{})
			if !assert.Equal(t, Pass, r.Status, "%s", r.Summary()) {
				for _, s := range r.Steps {
					t.Logf("line %d hidden=%v %s %s -> %s %v sends %v", s.Line, s.Hidden, s.Event, s.From, s.To, s.Fired, s.Sends)
				}
			}
		})
	}
}

func TestCorpusScriptsFailAgainstTheVariantsTheyName(t *testing.T) {
	named := 0
	for _, c := range loadCorpus(t) {
		for _, v := range c.fails {
			named++
			t.Run(c.path+"/"+v, func(t *testing.T) {
				_, err := fsm.LookupVariant(v)
				require.NoError(t, err)
				r := Play(c.script, Options{Variant: v})
				assert.Equal(t, Fail, r.Status, "%s", r.Summary())
			})
		}
	}
	assert.NotZero(t, named, "no script names a variant it must fail against")
}

// TestTheDeviationScriptsFailWhereTheModelLeavesTheText plays the scripts that follow
// RFC 9293's text where the model deliberately does not (each marked Deviation: at its
// row and listed in docs/model.md): each must fail against the RFC table at the line its
// "// deviates: N" comment names. When one passes, the model changed: update the docs.
func TestTheDeviationScriptsFailWhereTheModelLeavesTheText(t *testing.T) {
	paths, err := filepath.Glob("testdata/deviations/*.pkt")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			var line int
			for _, l := range strings.Split(string(src), "\n") {
				if rest, ok := strings.CutPrefix(l, "// deviates: "); ok {
					line, err = strconv.Atoi(strings.TrimSpace(rest))
					require.NoError(t, err)
				}
			}
			require.NotZero(t, line, "no // deviates: LINE comment")
			s, err := pktscript.Parse(path, src)
			require.NoError(t, err)
			r := Play(s, Options{})
			assert.Equal(t, Fail, r.Status, "%s", r.Summary())
			assert.Equal(t, line, r.Line, "%s", r.Summary())
		})
	}
}

// unscriptable are the rows of the RFC table no script can fire, with why: the sockets
// API that packetdrill drives has no call for them.
var unscriptable = map[string]string{
	"listen/open": "a listening socket cannot connect (connect on it fails with EISCONN or EINVAL): RFC 9293's active OPEN from LISTEN has no socket call",
	"any/crash":   "a host crash is not a script event",
}

func TestTheCorpusFiresEveryRowOfTheRFCTable(t *testing.T) {
	fired := map[string]bool{}
	for _, c := range loadCorpus(t) {
		r := Play(c.script, Options{})
		for _, name := range r.Fired {
			fired[name] = true
		}
	}
	var missing []string
	for _, r := range fsm.Rules {
		if _, ok := unscriptable[r.Name]; ok {
			assert.False(t, fired[r.Name], "row %s is listed as unscriptable but fires", r.Name)
			continue
		}
		if !fired[r.Name] {
			missing = append(missing, r.Name)
		}
	}
	slices.Sort(missing)
	assert.Empty(t, missing, "rows of the RFC table that no corpus script fires")
}
