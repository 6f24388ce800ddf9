// Package outdir gives each run of verify an output directory that always holds one run's
// files. A run prepares the directory before it searches (the name is checked, the parent
// created, a lock taken and a temporary directory made beside the target), writes its files
// into the temporary directory, and then either commits them (renamed into place, with the
// files of the tool's own naming that an earlier run left removed) or aborts (the temporary
// directory removed, the target untouched). Nothing half-written ever replaces a good file.
//
//	d, err := outdir.Prepare("report", outdir.Report)
//	if err != nil { ... }          // bad input: exit 2, before the search
//	defer d.Abort()                // a no-op after Commit
//	... write into d.Path() ...
//	err = d.Commit()
package outdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrLocked is returned by Prepare when another run holds the directory's lock.
var ErrLocked = errors.New("locked")

// Own says whether a file name is of the tool's own naming: such files, left by an earlier
// run, are removed on commit; any other file is left alone.
type Own func(name string) bool

// Report is the naming of a report directory: report.md, report.json, graph.dot and .svg,
// and msc-*.dot and .svg.
func Report(name string) bool {
	switch name {
	case "report.md", "report.json", "graph.dot", "graph.svg":
		return true
	}
	return MSC(name)
}

// MSC is the naming of a directory of message sequence charts (verify claims): msc-*.dot
// and msc-*.svg.
func MSC(name string) bool {
	return strings.HasPrefix(name, "msc-") && (strings.HasSuffix(name, ".dot") || strings.HasSuffix(name, ".svg"))
}

// Dir is a prepared output directory.
type Dir struct {
	target string
	tmp    string
	lock   string
	own    Own
	done   bool
}

// LockPath is the lock file of target: a hidden file beside it, so that renaming the
// directory into place does not move it.
func LockPath(target string) string {
	clean := filepath.Clean(target)
	return filepath.Join(filepath.Dir(clean), "."+filepath.Base(clean)+".lock")
}

// Check says whether target can name an output directory, without touching the file
// system: not empty, not the file-system root, and not named like a file of the tool's
// (ending in .json, .md, .dot or .svg).
func Check(target string) error {
	if target == "" {
		return errors.New("--out is empty: want a directory")
	}
	clean := filepath.Clean(target)
	base := filepath.Base(clean)
	if base == string(filepath.Separator) || base == "." || base == ".." {
		return fmt.Errorf("--out %s: want a directory of its own, not %q", target, base)
	}
	for _, ext := range []string{".json", ".md", ".dot", ".svg"} {
		if strings.HasSuffix(strings.ToLower(base), ext) {
			return fmt.Errorf("--out names a directory, not a %s file: %s", strings.TrimPrefix(ext, "."), target)
		}
	}
	return nil
}

// Prepare checks target, creates its parent, takes the lock and makes the temporary
// directory. Every error is the user's: a bad name, an unwritable place, a file where the
// directory should be, or another run holding the lock (ErrLocked).
func Prepare(target string, own Own) (*Dir, error) {
	if err := Check(target); err != nil {
		return nil, err
	}
	target = filepath.Clean(target)
	if fi, err := os.Stat(target); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("--out %s: is a file, want a directory", target)
	}
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("--out %s: %w", target, unwrapPath(err))
	}
	lock := LockPath(target)
	f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) && staleLock(lock) {
		// The run that took it is gone (killed, or stopped by a second signal): take it over.
		os.Remove(lock)
		f, err = os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	}
	if errors.Is(err, fs.ErrExist) {
		holder, _ := os.ReadFile(lock)
		who := ""
		if pid := strings.TrimSpace(string(holder)); pid != "" {
			who = " (pid " + pid + ")"
		}
		return nil, fmt.Errorf("--out %s: %w by another run%s: wait for it, or remove %s if none is running", target, ErrLocked, who, lock)
	}
	if err != nil {
		return nil, fmt.Errorf("--out %s: cannot write there: %w", target, unwrapPath(err))
	}
	_, werr := f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(lock)
		return nil, fmt.Errorf("--out %s: cannot write there: %w", target, unwrapPath(werr))
	}
	// Temporary directories beside the target are left only by runs that died holding the
	// lock, which is now ours.
	if old, _ := filepath.Glob(filepath.Join(parent, "."+globEscape(filepath.Base(target))+".tmp-*")); len(old) > 0 {
		for _, o := range old {
			os.RemoveAll(o)
		}
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".tmp-")
	if err != nil {
		os.Remove(lock)
		return nil, fmt.Errorf("--out %s: cannot write there: %w", target, unwrapPath(err))
	}
	return &Dir{target: target, tmp: tmp, lock: lock, own: own}, nil
}

// staleLock says whether the lock names a process that no longer runs.
func staleLock(lock string) bool {
	data, err := os.ReadFile(lock)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return false
	}
	return !alive(pid)
}

// globEscape quotes the pattern characters of a file name.
func globEscape(name string) string {
	var b strings.Builder
	for _, r := range name {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteRune('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unwrapPath drops the path of a *fs.PathError, which the callers' messages already name.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Path is the temporary directory the run writes into.
func (d *Dir) Path() string { return d.tmp }

// Target is the directory the files end up in.
func (d *Dir) Target() string { return d.target }

// Foreign lists, sorted, the files in the target that are not of the tool's naming (and
// not the temporary directories of other runs): they are left alone on commit, and a report
// may say so.
func (d *Dir) Foreign() []string {
	entries, err := os.ReadDir(d.target)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if !d.own(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

// Commit puts the run's files in place and releases the lock. When the target holds
// nothing but files of the tool's naming, the temporary directory replaces it whole;
// otherwise each file is renamed into it and the tool's files of an earlier run are
// removed, and the rest left alone.
func (d *Dir) Commit() error {
	if d.done {
		return errors.New("outdir: commit after commit or abort")
	}
	defer d.Abort()
	entries, err := os.ReadDir(d.target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(d.tmp, d.target); err != nil {
			return fmt.Errorf("write %s: %w", d.target, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("write %s: %w", d.target, err)
	}
	// A symbolic link stays a link: its directory's files are replaced one by one.
	fi, err := os.Lstat(d.target)
	if err == nil && fi.Mode()&fs.ModeSymlink == 0 && len(d.Foreign()) == 0 && dirsFree(entries) {
		old := d.tmp + ".old"
		if err := os.Rename(d.target, old); err != nil {
			return fmt.Errorf("write %s: %w", d.target, err)
		}
		if err := os.Rename(d.tmp, d.target); err != nil {
			os.Rename(old, d.target) // put the earlier run back
			return fmt.Errorf("write %s: %w", d.target, err)
		}
		return os.RemoveAll(old)
	}
	fresh, err := os.ReadDir(d.tmp)
	if err != nil {
		return fmt.Errorf("write %s: %w", d.target, err)
	}
	mine := map[string]bool{}
	for _, e := range fresh {
		mine[e.Name()] = true
		if err := os.Rename(filepath.Join(d.tmp, e.Name()), filepath.Join(d.target, e.Name())); err != nil {
			return fmt.Errorf("write %s: %w", d.target, err)
		}
	}
	for _, e := range entries {
		if d.own(e.Name()) && !mine[e.Name()] && !e.IsDir() {
			if err := os.Remove(filepath.Join(d.target, e.Name())); err != nil {
				return fmt.Errorf("remove stale %s: %w", e.Name(), err)
			}
		}
	}
	return nil
}

// dirsFree says whether entries holds no directory (a directory is never the tool's).
func dirsFree(entries []fs.DirEntry) bool {
	for _, e := range entries {
		if e.IsDir() {
			return false
		}
	}
	return true
}

// Abort removes the temporary directory and releases the lock, leaving the target as it
// was. It is safe to call more than once, and after Commit.
func (d *Dir) Abort() {
	if d.done {
		return
	}
	d.done = true
	os.RemoveAll(d.tmp)
	os.Remove(d.lock)
}

// ReplaceFile puts data at path whole or not at all: it writes a temporary file in
// scratch, a directory on the same file system, and renames it into place, so that a
// reader (or a run killed outright) never sees half a file. The file is readable by all
// (0644), as the files of a commit are.
func ReplaceFile(scratch, path string, data []byte) error {
	f, err := os.CreateTemp(scratch, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(f.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(f.Name(), path)
	}
	if werr != nil {
		os.Remove(f.Name())
	}
	return werr
}
