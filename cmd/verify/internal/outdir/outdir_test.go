package outdir

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func write(t *testing.T, dir, name, data string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestCommitReplacesAnEarlierRunAndKeepsUserFiles(t *testing.T) {
	target := filepath.Join(t.TempDir(), "report")
	require.NoError(t, os.Mkdir(target, 0o755))
	write(t, target, "report.md", "old")
	write(t, target, "msc-foo.dot", "stale")
	write(t, target, "notes.txt", "mine")
	d, err := Prepare(target, Report)
	require.NoError(t, err)
	assert.Equal(t, []string{"notes.txt"}, d.Foreign())
	write(t, d.Path(), "report.md", "new")
	require.NoError(t, d.Commit())
	assert.Equal(t, []string{"notes.txt", "report.md"}, names(t, target))
	got, _ := os.ReadFile(filepath.Join(target, "report.md"))
	assert.Equal(t, "new", string(got))
	assert.Equal(t, []string{"report"}, names(t, filepath.Dir(target)), "no lock or temporary directory is left")
}

func TestCommitSwapsADirectoryOfOwnFiles(t *testing.T) {
	target := filepath.Join(t.TempDir(), "report")
	require.NoError(t, os.Mkdir(target, 0o755))
	write(t, target, "msc-old.svg", "stale")
	d, err := Prepare(target, Report)
	require.NoError(t, err)
	write(t, d.Path(), "report.json", "{}")
	require.NoError(t, d.Commit())
	assert.Equal(t, []string{"report.json"}, names(t, target))
	assert.Equal(t, []string{"report"}, names(t, filepath.Dir(target)))
}

func TestAbortLeavesTheTargetUntouched(t *testing.T) {
	target := filepath.Join(t.TempDir(), "report")
	require.NoError(t, os.Mkdir(target, 0o755))
	write(t, target, "report.md", "good")
	d, err := Prepare(target, Report)
	require.NoError(t, err)
	write(t, d.Path(), "report.md", "half")
	d.Abort()
	got, _ := os.ReadFile(filepath.Join(target, "report.md"))
	assert.Equal(t, "good", string(got))
	assert.Equal(t, []string{"report"}, names(t, filepath.Dir(target)))
}

func TestASecondRunIsRefusedWhileTheFirstHoldsTheLock(t *testing.T) {
	target := filepath.Join(t.TempDir(), "report")
	d, err := Prepare(target, Report)
	require.NoError(t, err)
	_, err = Prepare(target, Report)
	assert.ErrorIs(t, err, ErrLocked)
	d.Abort()
	d2, err := Prepare(target, Report)
	require.NoError(t, err)
	d2.Abort()
}

func TestCheckRefusesFileNames(t *testing.T) {
	for _, bad := range []string{"", "x.json", "r/report.MD", "a.dot", "a.svg", "/", "."} {
		assert.Error(t, Check(bad), bad)
	}
	for _, good := range []string{"report", "-x", "out.d", "a/b"} {
		assert.NoError(t, Check(good), good)
	}
}

func TestPrepareRefusesAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	write(t, filepath.Dir(f), "file", "")
	_, err := Prepare(f, Report)
	assert.Error(t, err)
}

func TestALockOfADeadRunIsTakenOver(t *testing.T) {
	target := filepath.Join(t.TempDir(), "report")
	// A pid beyond any pid_max names no process.
	require.NoError(t, os.WriteFile(LockPath(target), []byte("2147483646\n"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(filepath.Dir(target), ".report.tmp-123"), 0o755))
	d, err := Prepare(target, Report)
	require.NoError(t, err)
	d.Abort()
	assert.Empty(t, names(t, filepath.Dir(target)))
}

func TestALinkedDirectoryStaysALink(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "real")
	require.NoError(t, os.Mkdir(real, 0o755))
	write(t, real, "report.md", "old")
	link := filepath.Join(root, "report")
	require.NoError(t, os.Symlink(real, link))
	d, err := Prepare(link, Report)
	require.NoError(t, err)
	write(t, d.Path(), "report.json", "{}")
	require.NoError(t, d.Commit())
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink)
	assert.Equal(t, []string{"report.json"}, names(t, real))
}

func TestReplaceFileIsWholeReadableAndLeavesNoTemporaryFile(t *testing.T) {
	scratch, target := t.TempDir(), t.TempDir()
	p := filepath.Join(target, "sweep.checkpoint.json")
	write(t, target, "sweep.checkpoint.json", "old")
	require.NoError(t, ReplaceFile(scratch, p, []byte("new")))
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "new", string(data))
	fi, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "readable by all, as a commit's files")
	assert.Empty(t, names(t, scratch), "the temporary file was renamed away")

	// A rename that fails (the path is a directory that holds a file) leaves the
	// target as it was and removes the temporary file.
	busy := filepath.Join(target, "busy")
	require.NoError(t, os.MkdirAll(filepath.Join(busy, "x"), 0o755))
	assert.Error(t, ReplaceFile(scratch, busy, []byte("data")))
	assert.Empty(t, names(t, scratch))
	assert.DirExists(t, filepath.Join(busy, "x"))
}
