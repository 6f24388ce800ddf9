package fsm_test

import (
	"github.com/tcpverify/tcpverify/fsm/fsmtest"

	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the expect lines of testdata/*.scn")

func TestScenarioFilesReplayTheRFCScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/*.scn")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			text, err := os.ReadFile(f)
			require.NoError(t, err)
			if *update {
				fixed, err := fsmtest.Update(string(text))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(f, []byte(fixed), 0o644))
				text = []byte(fixed)
			}
			cases, err := fsmtest.Parse(string(text))
			require.NoError(t, err)
			require.NotEmpty(t, cases)
			for _, sc := range cases {
				require.NoError(t, fsmtest.Run(sc), "%s:%d", f, sc.Line)
			}
		})
	}
}
