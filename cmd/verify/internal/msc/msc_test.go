package msc

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func handshake() *Chart {
	return &Chart{
		Title:     "three-way handshake",
		Lifelines: []Lifeline{{"A", "CLOSED"}, {"B", "LISTEN"}},
		Steps: []Step{
			{Note: "A open", States: []string{"SYN-SENT", ""}},
			{Note: "B deliver SYN", States: []string{"", "SYN-RECEIVED"}},
			{Note: "A deliver SYN,ACK", States: []string{"ESTABLISHED", ""}},
			{Note: "B deliver ACK", States: []string{"", "ESTABLISHED"}, Highlight: true},
		},
		Messages: []Message{
			{Label: "<SEQ=100><CTL=SYN>", From: 0, To: 1, Sent: 1, Recv: 2},
			{Label: "<SEQ=300><ACK=101><CTL=SYN,ACK>", From: 1, To: 0, Sent: 2, Recv: 3},
			{Label: "<SEQ=101><ACK=301><CTL=ACK>", From: 0, To: 1, Sent: 3, Recv: 4},
			{Label: "<SEQ=90><CTL=SYN>", From: -1, To: 1, Sent: 0, Recv: -1, Old: true},
			{Label: "<SEQ=101><CTL=ACK>", From: 0, To: 1, Sent: 3, Recv: -1, Lost: 4},
		},
	}
}

func TestChartWritesEveryStateMessageAndNote(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, handshake().Write(&b))
	out := b.String()
	for _, want := range []string{"digraph", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "<SEQ=300><ACK=101><CTL=SYN,ACK>", "4  B deliver ACK", "(lost)", "darkorange3", "rank=\"same\""} {
		require.Contains(t, out, want)
	}
}

func TestChartOutputIsTheSameEveryTime(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, handshake().Write(&a))
	require.NoError(t, handshake().Write(&b))
	require.Equal(t, a.String(), b.String())
}

func TestChartRejectsRowsOutOfRange(t *testing.T) {
	c := handshake()
	c.Messages = append(c.Messages, Message{Label: "x", From: 0, To: 1, Sent: 3, Recv: 2})
	require.ErrorContains(t, c.Write(&bytes.Buffer{}), "received before it is sent")
	c = handshake()
	c.Messages = append(c.Messages, Message{Label: "x", From: 0, To: 5, Sent: 1, Recv: 2})
	require.ErrorContains(t, c.Write(&bytes.Buffer{}), "lifeline out of range")
	c = handshake()
	c.Steps[0].States = []string{"only one"}
	require.ErrorContains(t, c.Write(&bytes.Buffer{}), "has 1 states for 2 lifelines")
}

func TestChartRendersWithGraphviz(t *testing.T) {
	path, err := exec.LookPath("dot")
	require.NoError(t, err, "graphviz is required: run .ci/setup")
	var b bytes.Buffer
	c := handshake()
	c.LoopFrom = 3
	require.NoError(t, c.Write(&b))
	cmd := exec.Command(path, "-Tsvg")
	cmd.Stdin = &b
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	require.True(t, strings.Contains(string(out), "<svg"), "no svg output")
}
