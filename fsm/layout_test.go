package fsm_test

import (
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The model is pure: fsm and its subpackages reach nothing outside the standard library
// and fsm itself, and no file under fsm/ but a test's opens files, runs processes, uses
// sockets or reads clocks. Time is an event of the model, never a reading.
func TestTheModelImportsOnlyTheStandardLibraryAndItself(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./...").Output()
	require.NoError(t, err, "go list")
	mod, err := exec.Command("go", "list", "-m").Output()
	require.NoError(t, err, "go list -m")
	own := strings.TrimSpace(string(mod)) + "/fsm"
	deps := strings.Fields(string(out))
	require.NotEmpty(t, deps)
	for _, p := range deps {
		assert.True(t, p == own || strings.HasPrefix(p, own+"/"), "fsm reaches %s", p)
	}
}

// forbidden are the standard packages through which a program touches the world outside
// it: files, processes, sockets, clocks and randomness.
var forbidden = map[string]string{
	"os": "files and processes", "os/exec": "processes", "io/ioutil": "files", "io/fs": "files",
	"net": "sockets", "net/http": "sockets", "syscall": "the system", "time": "clocks",
	"math/rand": "randomness", "math/rand/v2": "randomness", "crypto/rand": "randomness",
	"unsafe": "memory outside the type system", "plugin": "loaded code", "embed": "files",
}

func TestNoModelFileTouchesTheWorld(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	more, err := filepath.Glob("*/*.go")
	require.NoError(t, err)
	files = append(files, more...)
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		require.NoError(t, err, f)
		for _, imp := range parsed.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			why, bad := forbidden[p]
			assert.False(t, bad, "%s imports %s (%s)", f, p, why)
		}
		checked++
	}
	assert.Greater(t, checked, 10, "the test found too few model files")
}
