package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/outdir"
	"github.com/tcpverify/tcpverify/properties"
)

// Signal tests run the real binary: signals go to a process. Each starts a run that takes
// far longer than the test (a minute or more), waits a fixed second for it to get going,
// signals it and waits, generously, for it to stop. A signal that lands before the search
// starts is fine too: the run then stops at its first state.

const (
	settle   = time.Second      // before the first signal
	stopWait = 60 * time.Second // for the process to stop after it
)

// long is a check that holds every property and takes minutes.
var long = []string{"check", "--loss", "2", "--dup", "2", "--progress=false"}

// buildVerify builds the command into dir.
func buildVerify(t *testing.T, dir string) string {
	t.Helper()
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build verify with")
	}
	bin := filepath.Join(dir, "verify")
	out, err := exec.Command(gocmd, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// started is a running verify.
type started struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan error
}

func start(t *testing.T, bin, dir string, args ...string) *started {
	t.Helper()
	s := &started{cmd: exec.Command(bin, args...), done: make(chan error, 1)}
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	require.NoError(t, s.cmd.Start())
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// signal sends sig after the settle time.
func (s *started) signal(t *testing.T, sig ...os.Signal) {
	t.Helper()
	select {
	case err := <-s.done:
		s.done <- err
		t.Fatalf("verify ended before it was signalled: %v\nstdout: %s\nstderr: %s", err, &s.stdout, &s.stderr)
	case <-time.After(settle):
	}
	for _, g := range sig {
		require.NoError(t, s.cmd.Process.Signal(g))
	}
}

// exit waits for the process and returns its exit code.
func (s *started) exit(t *testing.T) int {
	t.Helper()
	select {
	case err := <-s.done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("wait: %v", err)
		}
		return s.cmd.ProcessState.ExitCode()
	case <-time.After(stopWait):
		t.Fatalf("verify did not stop within %s of the signal\nstderr: %s", stopWait, &s.stderr)
	}
	return -1
}

// snapshot reads every file under dir, by slash path.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	}))
	return files
}

// copyDir copies the files under src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	for rel, data := range snapshot(t, src) {
		p := filepath.Join(dst, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, 0o644))
	}
}

// onlyTarget checks that nothing but the target is left beside it: no lock, no temporary
// directory.
func onlyTarget(t *testing.T, target string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(target))
	require.NoError(t, err)
	for _, e := range entries {
		assert.Equal(t, filepath.Base(target), e.Name(), "left beside the report directory")
	}
}

func TestSignalsStopEveryCommandCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildVerify(t, t.TempDir())

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		name := map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[sig]

		t.Run("check/"+name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "report")
			s := start(t, bin, t.TempDir(), append(long, "--out", out)...)
			s.signal(t, sig)
			assert.Equal(t, exitIncomplete, s.exit(t), "stderr: %s", &s.stderr)
			r := readReport(t, out)
			assert.False(t, r.Result.Complete)
			assert.Equal(t, "interrupted by "+name, r.Result.Stop)
			assert.Contains(t, s.stdout.String(), "INCOMPLETE: interrupted by "+name)
			assert.Contains(t, s.stderr.String(), "verify: "+name+": stopping at the next state")
			onlyTarget(t, out)
		})

		t.Run("docs/"+name, func(t *testing.T) {
			docs := filepath.Join(t.TempDir(), "docs")
			copyDir(t, docsDir, docs)
			before := snapshot(t, docs)
			s := start(t, bin, t.TempDir(), "docs", "--out", docs, "--progress=false")
			s.signal(t, sig)
			assert.Equal(t, exitIncomplete, s.exit(t), "stderr: %s", &s.stderr)
			assert.Contains(t, s.stderr.String(), "left untouched")
			after := snapshot(t, docs)
			assert.Equal(t, len(before), len(after), "files in docs")
			for p, data := range before {
				assert.True(t, bytes.Equal(data, after[p]), "%s changed", p)
			}
		})

		t.Run("simulate/"+name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "sim")
			s := start(t, bin, t.TempDir(), "simulate", "--walks", "1000000", "--out", out)
			s.signal(t, sig)
			assert.Equal(t, exitIncomplete, s.exit(t), "stderr: %s", &s.stderr)
			r := readReport(t, out)
			assert.False(t, r.Result.Complete)
			assert.True(t, strings.HasPrefix(r.Result.Stop, "interrupted by "+name+" after "), r.Result.Stop)
			onlyTarget(t, out)
		})

		t.Run("claims/"+name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "claims")
			s := start(t, bin, t.TempDir(), "claims", "--progress=false", "--out", out)
			s.signal(t, sig)
			code := s.exit(t)
			require.NotContains(t, s.stdout.String(), "7 of 7 claims demonstrated: 16 runs",
				"the claims (about 20 s) finished within the second before the signal")
			assert.Equal(t, exitIncomplete, code, "stdout: %s\nstderr: %s", &s.stdout, &s.stderr)
			assert.Contains(t, s.stdout.String(), "INCOMPLETE: ")
			assert.NotContains(t, s.stdout.String(), "FAIL")
			onlyTarget(t, out)
		})

		t.Run("sweep/"+name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "sweep")
			s := start(t, bin, t.TempDir(), "sweep", "--claim", "data-before-close", "--point", "capacity=3",
				"--progress=false", "--out", out)
			s.signal(t, sig)
			assert.Equal(t, exitIncomplete, s.exit(t), "stdout: %s\nstderr: %s", &s.stdout, &s.stderr)
			data, err := os.ReadFile(filepath.Join(out, "sweep.json"))
			require.NoError(t, err, "an interrupted sweep still writes what it found")
			var res sweepResult
			require.NoError(t, json.Unmarshal(data, &res))
			require.NotEmpty(t, res.Runs)
			assert.Equal(t, "interrupted by "+name, res.Runs[0].Stop)
			assert.False(t, res.Runs[0].Complete)
			onlyTarget(t, out)
		})

		t.Run("trace/"+name, func(t *testing.T) {
			// The corpus many times over: a few seconds of judging.
			corpus, err := filepath.Glob(filepath.Join(captures, "corpus", "*.pcap*"))
			require.NoError(t, err)
			require.NotEmpty(t, corpus)
			args := []string{"trace"}
			for range 300 {
				args = append(args, corpus...)
			}
			for i := range args[1:] {
				args[i+1], err = filepath.Abs(args[i+1])
				require.NoError(t, err)
			}
			s := start(t, bin, t.TempDir(), args...)
			s.signal(t, sig)
			assert.Equal(t, exitIncomplete, s.exit(t), "stderr: %s", &s.stderr)
			assert.Contains(t, s.stdout.String(), "INCOMPLETE: interrupted by "+name)
			assert.Contains(t, s.stdout.String(), "incarnations judged")
		})

		t.Run("bench/"+name, func(t *testing.T) {
			s := start(t, bin, t.TempDir(), "bench", "--set", "spin", "--workers", "1", "--visited", "exact")
			s.signal(t, sig)
			assert.Equal(t, exitIncomplete, s.exit(t), "stderr: %s", &s.stderr)
			lines := strings.Split(strings.TrimSpace(s.stdout.String()), "\n")
			require.Len(t, lines, 2, "a header, no rows, and the line that says why: %q", lines)
			assert.Equal(t, "INCOMPLETE: interrupted by "+name+": 2 of 2 runs not measured, left out of the table", lines[1])
		})
	}

	t.Run("a second signal exits at once and leaves the earlier report", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "report")
		require.NoError(t, os.Mkdir(out, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(out, "report.md"), []byte("a good report\n"), 0o644))
		s := start(t, bin, t.TempDir(), append(long, "--out", out)...)
		s.signal(t, syscall.SIGTERM, syscall.SIGINT)
		code := s.exit(t)
		assert.Contains(t, []int{130, 143}, code, "stderr: %s", &s.stderr)
		assert.Contains(t, s.stderr.String(), "again: exiting at once")
		got, err := os.ReadFile(filepath.Join(out, "report.md"))
		require.NoError(t, err)
		assert.Equal(t, "a good report\n", string(got))
		// The lock the run left names a process that is gone: the next run takes it over.
		s2 := start(t, bin, t.TempDir(), append([]string{"check", "--out", out}, small...)...)
		assert.Contains(t, []int{exitOK, exitViolated}, s2.exit(t), "stderr: %s", &s2.stderr)
		onlyTarget(t, out)
	})
}

func TestARunIntoALockedDirectoryIsRefused(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report")
	// This process is alive, so its lock holds.
	require.NoError(t, os.WriteFile(outdir.LockPath(out), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644))
	code, _, stderr := invoke(t, append([]string{"check", "--out", out}, small...)...)
	assert.Equal(t, exitBadInput, code)
	assertOneLine(t, stderr, "locked by another run")
	_, err := os.Stat(out)
	assert.True(t, errors.Is(err, fs.ErrNotExist), "nothing written")
}

func TestAnEarlierRunsFilesAreRemovedAndTheUsersKept(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report")
	require.NoError(t, os.Mkdir(out, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "msc-foo.dot"), []byte("digraph stale {}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, "msc-foo.svg"), []byte("<svg/>\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, "graph.svg"), []byte("<svg/>\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine\n"), 0o644))
	code, _, stderr := invoke(t, append([]string{"check", "--out", out}, small...)...)
	require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
	assert.NoFileExists(t, filepath.Join(out, "msc-foo.dot"))
	assert.NoFileExists(t, filepath.Join(out, "msc-foo.svg"))
	assert.NoFileExists(t, filepath.Join(out, "graph.svg"), "a run without --graph leaves no earlier graph behind")
	assert.FileExists(t, filepath.Join(out, "notes.txt"))
	assert.FileExists(t, filepath.Join(out, "report.md"))
	r := readReport(t, out)
	require.NotEmpty(t, r.Notes)
	assert.Contains(t, r.Notes[len(r.Notes)-1], "notes.txt")
	onlyTarget(t, out)
}

func TestAClaimsRunReplacesTheChartsOfAnEarlierOne(t *testing.T) {
	out := filepath.Join(t.TempDir(), "claims")
	require.NoError(t, os.Mkdir(out, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "msc-gone-claim.dot"), []byte("digraph stale {}\n"), 0o644))
	code, stdout, stderr := invoke(t, "claims", "--claim", "ready-before-data", "--progress=false", "--out", out)
	require.Equal(t, exitOK, code, "stderr: %s", stderr)
	assert.Contains(t, stdout, "1 of 1 claims demonstrated: 2 runs")
	assert.NoFileExists(t, filepath.Join(out, "msc-gone-claim.dot"))
	assert.FileExists(t, filepath.Join(out, "msc-ready-before-data-two-way-handshake.dot"))
}

func TestAnOutThatStartsWithADashIsADirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	code, _, stderr := invoke(t, append([]string{"check", "--out", "-x", "--graph"}, small...)...)
	require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
	assert.FileExists(t, filepath.Join("-x", "report.json"))
	if _, err := exec.LookPath("dot"); err == nil {
		assert.FileExists(t, filepath.Join("-x", "graph.svg"))
	}
}

func TestClaimsCutShortSayHowManyRunsAreIncomplete(t *testing.T) {
	code, stdout, stderr := invoke(t, "claims", "--timeout", "1ns", "--progress=false", "--out", filepath.Join(t.TempDir(), "c"))
	assert.Equal(t, exitIncomplete, code, "stderr: %s", stderr)
	last := strings.Split(strings.TrimSpace(stdout), "\n")
	claims := properties.Claims()
	assert.Regexp(t, fmt.Sprintf(`^INCOMPLETE: \d+ of %d claims demonstrated, \d+ undecided: \d+ of %d runs cut short \(time limit reached\)$`,
		len(claims), runCount(claims)), last[len(last)-1])
	assert.NotContains(t, stdout, "FAIL")
}

func TestAnUnusableOutIsRefusedBeforeTheSearch(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	for _, cmd := range [][]string{long, {"simulate", "--walks", "1000000"}, {"claims"}} {
		begin := time.Now()
		code, _, stderr := invoke(t, append(cmd, "--out", filepath.Join(file, "report"))...)
		assert.Equal(t, exitBadInput, code, "%s", cmd[0])
		assertOneLine(t, stderr, "--out ")
		assert.Less(t, time.Since(begin), 5*time.Second, "%s: refused before the search", cmd[0])
	}
}

// A sweep killed outright (SIGKILL: no handler runs, nothing is committed) leaves its
// checkpoint, the lock and its temporary directory; --resume takes every exploration the
// checkpoint holds, searches the rest, and leaves nothing but the sweep's directory.
func TestASweepKilledOutrightResumesFromItsCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildVerify(t, t.TempDir())
	out := filepath.Join(t.TempDir(), "sweep")
	// open-in-three at base (seconds), then at loss=2 (longer): killed in between.
	args := []string{"sweep", "--claim", "open-in-three", "--point", "base", "--point", "loss=2",
		"--checkpoint", "0", "--progress=false", "--out", out}
	s := start(t, bin, t.TempDir(), args...)
	ckp := filepath.Join(out, checkpointFile)
	deadline := time.After(stopWait)
	for {
		if _, err := os.Stat(ckp); err == nil {
			break
		}
		select {
		case err := <-s.done:
			t.Fatalf("the sweep ended (%v) before it wrote a checkpoint\nstdout: %s\nstderr: %s", err, &s.stdout, &s.stderr)
		case <-deadline:
			t.Fatalf("no checkpoint within %s", stopWait)
		case <-time.After(20 * time.Millisecond):
		}
	}
	require.NoError(t, s.cmd.Process.Kill())
	<-s.done
	require.NoFileExists(t, filepath.Join(out, "sweep.json"), "a killed sweep commits nothing")
	data, err := os.ReadFile(ckp)
	require.NoError(t, err)
	var saved sweepResult
	require.NoError(t, json.Unmarshal(data, &saved), "the checkpoint is always whole")
	require.NotEmpty(t, saved.Explorations)

	r := start(t, bin, t.TempDir(), append(args, "--resume")...)
	require.Equal(t, exitOK, r.exit(t), "stdout: %s\nstderr: %s", &r.stdout, &r.stderr)
	var res sweepResult
	data, err = os.ReadFile(filepath.Join(out, "sweep.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &res))
	reused := 0
	for _, x := range res.Explorations {
		j := slices.IndexFunc(saved.Explorations, func(y sweepExploration) bool { return y.key() == x.key() })
		if j < 0 {
			assert.False(t, x.Reused, "%s %s: not in the checkpoint", x.Point, x.Variant)
			continue
		}
		reused++
		assert.True(t, x.Reused, "%s %s: in the checkpoint", x.Point, x.Variant)
		assert.Equal(t, saved.Explorations[j].States, x.States)
	}
	assert.Equal(t, len(saved.Explorations), reused)
	assert.Less(t, reused, len(res.Explorations), "loss=2 was still being searched when the sweep was killed")
	assert.NoFileExists(t, ckp, "the resumed sweep's commit removes the checkpoint")
	onlyTarget(t, out)
}
