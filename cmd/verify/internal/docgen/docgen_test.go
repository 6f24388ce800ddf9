package docgen

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/fsm"
)

// editRule returns a copy of the RFC table with one row changed.
func editRule(t *testing.T, name string, f func(r *fsm.Rule)) []fsm.Rule {
	t.Helper()
	rules := slices.Clone(fsm.Rules)
	i := slices.IndexFunc(rules, func(r fsm.Rule) bool { return r.Name == name })
	require.GreaterOrEqual(t, i, 0, "no rule %s", name)
	f(&rules[i])
	return rules
}

func TestAChangedRuleChangesTheStateDiagram(t *testing.T) {
	want := FSMDiagram("fsm-rfc9293", "t", fsm.Rules)
	tests := []struct {
		name string
		rule string
		edit func(r *fsm.Rule)
		// shows is a line the changed diagram must hold.
		shows string
	}{
		{"a new target", "fin-wait-2/fin", func(r *fsm.Rule) { r.To = fsm.StateClosed },
			`"FIN-WAIT-2" -> "CLOSED_end" [label="rcv FIN / snd ACK (§3.10.7.4 eighth)"];`},
		{"a new citation", "listen/syn", func(r *fsm.Rule) { r.Cite = "RFC 9293 §3.5 Figure 6" },
			`"LISTEN" -> "SYN-RECEIVED" [label="rcv SYN / snd SYN,ACK (§3.5)"];`},
		{"a new segment sent", "syn-sent/syn-ack", func(r *fsm.Rule) { r.Emit = fsm.EmitNone },
			`"SYN-SENT" -> "ESTABLISHED" [label="rcv SYN,ACK (§3.10.7.3)"];`},
		{"a self-loop is counted", "syn-received/ack", func(r *fsm.Rule) { r.To = fsm.Stay },
			fmt.Sprintf("  %d self-loops", selfLoops(t, want)+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FSMDiagram("fsm-rfc9293", "t", editRule(t, tt.rule, tt.edit))
			assert.NotEqual(t, want, got)
			assert.Contains(t, got, tt.shows)
		})
	}
}

// selfLoops reads the count of self-loops from a diagram's caption.
func selfLoops(t *testing.T, diagram string) int {
	t.Helper()
	m := regexp.MustCompile(`(\d+) self-loops`).FindStringSubmatch(diagram)
	require.NotNil(t, m, "no self-loop count")
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

func TestTheStateDiagramDrawsEveryStateAndTheHandshake(t *testing.T) {
	d := FSMDiagram("fsm-rfc9293", "t", fsm.Rules)
	for _, s := range fsm.AllStates() {
		assert.Contains(t, d, `"`+s.String()+`"`)
	}
	for _, line := range []string{
		`"CLOSED" -> "SYN-SENT" [label="OPEN / snd SYN (§3.10.1)"];`,
		`"LISTEN" -> "SYN-RECEIVED" [label="rcv SYN / snd SYN,ACK (§3.10.7.2)"];`,
		`"SYN-SENT" -> "ESTABLISHED" [label="rcv SYN,ACK / snd ACK (§3.10.7.3)"];`,
		`"TIME-WAIT" -> "CLOSED_end" [label="2MSL timeout (§3.10.8)"];`,
	} {
		assert.Contains(t, d, line)
	}
	// Resets to CLOSED are listed in the caption, not drawn.
	assert.NotContains(t, d, `"ESTABLISHED" -> "CLOSED`)
	assert.Contains(t, d, "rcv RST: SYN-SENT, SYN-RECEIVED, ESTABLISHED")
}

func TestEveryVariantDiagramHighlightsItsEdits(t *testing.T) {
	// The edge each variant must show in red (added or changed).
	red := map[string]string{
		"two-way-handshake":       `"LISTEN" -> "ESTABLISHED"`,
		"no-rst-on-bad-ack":       `"SYN-SENT" -> "SYN-SENT"`,
		"no-time-wait":            `"FIN-WAIT-2" -> "CLOSED_end"`,
		"fin-closes-both":         `"FIN-WAIT-1" -> "FIN-WAIT-1"`,
		"fixed-isn":               `"CLOSED" -> "SYN-SENT"`,
		"time-wait-assassination": `"TIME-WAIT" -> "CLOSED_end"`,
		"abort-ends-time-wait":    `"TIME-WAIT" -> "CLOSED_end"`,
		"fin-after-ack":           `"SYN-RECEIVED" -> "SYN-RECEIVED"`,
		"no-third-segment":        `"SYN-SENT" -> "ESTABLISHED"`,
		"reopen-any-syn":          `"TIME-WAIT" -> "SYN-RECEIVED"`,
		"no-delayed-ack":          `"ESTABLISHED" -> "CLOSE-WAIT"`,
		"fin-answers-fin":         `"ESTABLISHED" -> "LAST-ACK"`,
		"syn-data":                `"LISTEN" -> "SYN-RECEIVED"`,
	}
	for _, v := range fsm.Variants {
		if v.Name == fsm.RFC {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			d, err := VariantDiagram(v, fsm.Rules)
			require.NoError(t, err)
			if edge, ok := red[v.Name]; ok {
				assert.Regexp(t, `(?m)^\t`+regexpQuote(edge)+` \[.*color="red3"`, d)
			} else if len(v.Drops) > 0 {
				// A timing variant keeps every row and says which assumption it drops.
				assert.NotContains(t, d, "red3")
				assert.NotContains(t, d, "style=dashed")
				assert.Contains(t, d, "drops timing assumption "+v.Drops[0])
			} else {
				// no-retransmission and the no-simultaneous variants only remove rows.
				assert.NotContains(t, d, "red3")
				assert.Contains(t, d, "style=dashed")
			}
		})
	}
}

func regexpQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `.`, `\.`, `(`, `\(`, `)`, `\)`, `[`, `\[`, `]`, `\]`, `+`, `\+`, `*`, `\*`, `?`, `\?`)
	return r.Replace(s)
}

func TestSectionKeepsTheCheckOfOtherStates(t *testing.T) {
	tests := []struct{ cite, want string }{
		{"RFC 9293 §3.10.7.4 fifth: SYN-RECEIVED, acceptable ACK", "§3.10.7.4 fifth"},
		{"RFC 9293 §3.10.1 OPEN, CLOSED, active", "§3.10.1"},
		{"RFC 9293 §3.10.8 time-wait timeout", "§3.10.8"},
		{"no section", "no section"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, section(tt.cite), tt.cite)
	}
}

func TestSpliceRewritesOnlyBetweenMarkers(t *testing.T) {
	set := &Set{}
	set.add(GeneratedDir+"/t.md", Header+"\n| a |\n")
	text := "intro\n<!-- BEGIN generated t -->\nold\nlines\n<!-- END generated -->\noutro\n"
	got, err := Splice(text, set)
	require.NoError(t, err)
	assert.Equal(t, "intro\n<!-- BEGIN generated t -->\n"+Header+"\n| a |\n<!-- END generated -->\noutro\n", got)
	again, err := Splice(got, set)
	require.NoError(t, err)
	assert.Equal(t, got, again, "splicing twice changes nothing")

	_, err = Splice("<!-- BEGIN generated nope -->\n<!-- END generated -->\n", set)
	assert.ErrorContains(t, err, `no generated fragment "nope"`)
	_, err = Splice("<!-- BEGIN generated t -->\nno end\n", set)
	assert.ErrorContains(t, err, "has no")
}

func TestDiffFindsChangedMissingAndLeftoverFiles(t *testing.T) {
	dir := t.TempDir()
	set := &Set{}
	set.add(GeneratedDir+"/a.md", Header+"\nA\n")
	set.add(GeneratedDir+"/b.md", Header+"\nB\n")
	require.NoError(t, Write(dir, set, ""))
	problems, err := Diff(dir, set, "")
	require.NoError(t, err)
	assert.Empty(t, problems)

	require.NoError(t, os.WriteFile(filepath.Join(dir, GeneratedDir, "a.md"), []byte("edited\n"), 0o644))
	require.NoError(t, os.Remove(filepath.Join(dir, GeneratedDir, "b.md")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, GeneratedDir, "c.md"), []byte("old\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prose.md"), []byte("<!-- BEGIN generated a -->\n<!-- END generated -->\n"), 0o644))
	problems, err = Diff(dir, set, "")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"generated/a.md differs: line 1: want \"" + Header + "\", have \"edited\"",
		"generated/b.md is missing",
		"generated/c.md is no longer generated",
		"prose.md: a generated section is out of date: line 2: want \"" + Header + "\", have \"<!-- END generated -->\"",
	}, problems)

	require.NoError(t, Write(dir, set, ""))
	problems, err = Diff(dir, set, "")
	require.NoError(t, err)
	assert.Empty(t, problems, "writing again repairs everything")
}

func TestDiffComparesAnSVGWithAFreshRendering(t *testing.T) {
	dotPath, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz dot is not installed")
	}
	dir := t.TempDir()
	set := &Set{}
	set.add(DiagramDir+"/g.dot", "digraph g { a -> b; }\n")
	require.NoError(t, Write(dir, set, dotPath))
	problems, err := Diff(dir, set, dotPath)
	require.NoError(t, err)
	assert.Empty(t, problems)

	svg := filepath.Join(dir, DiagramDir, "g.svg")
	data, err := os.ReadFile(svg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(svg, bytes.Replace(data, []byte(">a<"), []byte(">x<"), 1), 0o644))
	problems, err = Diff(dir, set, dotPath)
	require.NoError(t, err)
	assert.Equal(t, []string{"diagrams/g.svg is not the rendering of g.dot"}, problems)
}
