package docgen

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/outdir"
)

// Markers in the hand-written docs: Splice replaces the lines between
//
//	<!-- BEGIN generated NAME -->
//	<!-- END generated -->
//
// with docs/generated/NAME.md, and leaves everything else as it was written.
var (
	beginRE = regexp.MustCompile(`^<!-- BEGIN generated ([a-z0-9.-]+) -->$`)
	endLine = "<!-- END generated -->"
)

// Splice returns text with each marked section replaced by its generated fragment. An
// unknown name or a missing END is an error, so that a typo cannot go unnoticed.
func Splice(text string, set *Set) (string, error) {
	lines := strings.SplitAfter(text, "\n")
	var out strings.Builder
	for i := 0; i < len(lines); i++ {
		out.WriteString(lines[i])
		m := beginRE.FindStringSubmatch(strings.TrimRight(lines[i], "\r\n"))
		if m == nil {
			continue
		}
		f, ok := set.Lookup(GeneratedDir + "/" + m[1] + ".md")
		if !ok {
			return "", fmt.Errorf("line %d: no generated fragment %q", i+1, m[1])
		}
		j := i + 1
		for j < len(lines) && strings.TrimRight(lines[j], "\r\n") != endLine {
			if beginRE.MatchString(strings.TrimRight(lines[j], "\r\n")) {
				return "", fmt.Errorf("line %d: BEGIN inside the section that starts on line %d", j+1, i+1)
			}
			j++
		}
		if j == len(lines) {
			return "", fmt.Errorf("line %d: %q has no %q", i+1, m[1], endLine)
		}
		out.Write(f.Data)
		out.WriteString(lines[j])
		i = j
	}
	return out.String(), nil
}

// HandWritten lists the markdown files directly in dir: the prose, which Splice updates.
func HandWritten(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".md") {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// Write writes set into dir, renders every DOT file to SVG with the Graphviz dot at
// dotPath ("" to skip rendering), removes the files of the generated directories that
// set no longer holds, and splices the fragments into the hand-written docs in dir.
// Everything is rendered and spliced before the first file is written, and each file is
// replaced by renaming a complete new one over it, so a failure (or a kill) never leaves a
// file half-written, and a failure before writing leaves dir untouched.
func Write(dir string, set *Set, dotPath string) error {
	keep := map[string]bool{}
	var files []File // what to write: path relative to dir, with slashes
	for _, f := range set.Files {
		keep[f.Path] = true
		files = append(files, f)
	}
	if dotPath != "" {
		for _, f := range set.Files {
			if !strings.HasSuffix(f.Path, ".dot") {
				continue
			}
			keep[svgOf(f.Path)] = true
			svg, err := Render(dotPath, f.Data)
			if err != nil {
				return fmt.Errorf("render %s: %w", f.Path, err)
			}
			files = append(files, File{Path: svgOf(f.Path), Data: svg})
		}
	} else {
		for _, f := range set.Files {
			if strings.HasSuffix(f.Path, ".dot") {
				keep[svgOf(f.Path)] = true
			}
		}
	}
	names, err := HandWritten(dir)
	if err != nil {
		return err
	}
	for _, name := range names {
		p := filepath.Join(dir, name)
		old, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text, err := Splice(string(old), set)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		files = append(files, File{Path: name, Data: []byte(text)})
	}
	var stale []string
	for _, sub := range []string{DiagramDir, GeneratedDir} {
		extra, err := extra(dir, sub, keep)
		if err != nil {
			return err
		}
		stale = append(stale, extra...)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := writeIfChanged(p, f.Data); err != nil {
			return err
		}
	}
	for _, p := range stale {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			return err
		}
	}
	return nil
}

// writeIfChanged leaves a file alone when it already holds data, so that regenerating
// touches nothing that did not change; otherwise it writes a temporary file beside it and
// renames it into place.
func writeIfChanged(p string, data []byte) error {
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return outdir.ReplaceFile(filepath.Dir(p), p, data)
}

func svgOf(dotFile string) string { return strings.TrimSuffix(dotFile, ".dot") + ".svg" }

// extra lists the files under dir/sub that keep does not hold, as slash paths relative to
// dir.
func extra(dir, sub string, keep map[string]bool) ([]string, error) {
	var out []string
	root := filepath.Join(dir, sub)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !keep[rel] {
			out = append(out, rel)
		}
		return nil
	})
	return out, err
}

// Render runs Graphviz on DOT source and returns the SVG.
func Render(dotPath string, src []byte) ([]byte, error) {
	cmd := exec.Command(dotPath, "-Tsvg")
	cmd.Stdin = bytes.NewReader(src)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, strings.TrimSpace(errb.String()))
	}
	// Graphviz warns on stderr without failing; a warning means a layout problem worth
	// fixing, so it fails the render.
	if w := strings.TrimSpace(errb.String()); w != "" {
		return nil, fmt.Errorf("graphviz: %s", w)
	}
	return out.Bytes(), nil
}

// GraphvizVersion is the version line of the dot at dotPath, e.g. "2.43.0 (0)".
func GraphvizVersion(dotPath string) (string, error) {
	out, err := exec.Command(dotPath, "-V").CombinedOutput()
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(out))
	if i := strings.Index(s, "version "); i >= 0 {
		s = s[i+len("version "):]
	}
	return s, nil
}

// svgVersionRE finds the version Graphviz writes into every SVG.
var svgVersionRE = regexp.MustCompile(`Generated by graphviz version ([^\n]*?)\s*(?:\n|-->)`)

// Diff compares set with what is written in dir and lists every difference: a generated
// file missing, different or left over, a hand-written doc whose marked sections are out
// of date, and, when dotPath is not "" and its Graphviz is the version that rendered the
// committed SVGs, an SVG that differs from a fresh rendering of its DOT. (SVGs from
// another Graphviz version differ in details, so they are only checked to exist.)
func Diff(dir string, set *Set, dotPath string) ([]string, error) {
	var problems []string
	keep := map[string]bool{}
	version := ""
	if dotPath != "" {
		v, err := GraphvizVersion(dotPath)
		if err != nil {
			return nil, err
		}
		version = v
	}
	for _, f := range set.Files {
		keep[f.Path] = true
		if strings.HasSuffix(f.Path, ".dot") {
			keep[svgOf(f.Path)] = true
		}
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		switch {
		case err != nil:
			problems = append(problems, f.Path+" is missing")
			continue
		case !bytes.Equal(got, f.Data):
			problems = append(problems, f.Path+" differs: "+firstDiff(string(f.Data), string(got)))
			continue
		}
		if !strings.HasSuffix(f.Path, ".dot") {
			continue
		}
		svgPath := svgOf(f.Path)
		svg, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(svgPath)))
		if err != nil {
			problems = append(problems, svgPath+" is missing")
			continue
		}
		m := svgVersionRE.FindSubmatch(svg)
		if version == "" || m == nil || string(m[1]) != version {
			continue
		}
		fresh, err := Render(dotPath, f.Data)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", f.Path, err))
			continue
		}
		if !bytes.Equal(fresh, svg) {
			problems = append(problems, svgPath+" is not the rendering of "+path.Base(f.Path))
		}
	}
	for _, sub := range []string{DiagramDir, GeneratedDir} {
		stale, err := extra(dir, sub, keep)
		if err != nil {
			return nil, err
		}
		for _, p := range stale {
			problems = append(problems, p+" is no longer generated")
		}
	}
	names, err := HandWritten(dir)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		old, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		text, err := Splice(string(old), set)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		if text != string(old) {
			problems = append(problems, name+": a generated section is out of date: "+firstDiff(text, string(old)))
		}
	}
	slices.Sort(problems)
	return problems, nil
}

// firstDiff shows the first line where want and got differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d: want %q, have %q", i+1, clip(a), clip(b))
		}
	}
	return "same lines, different bytes"
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "..."
	}
	return s
}
