package checker_test

// A promise the engine does not keep yet. Not committed until the engine is fixed.

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tcpverify/tcpverify/checker"
)

// TestAModelBreakingItsEncodedSizeIsAnError: Run's error is for "a bad Config or a
// misbehaving model", and a model whose Encode breaks its EncodedSize on a later state gets
// one. On an initial state, Run panics instead.
func TestAModelBreakingItsEncodedSizeIsAnError(t *testing.T) {
	grows := counter(10, true)
	grows.encode = func(dst []byte, s int) []byte {
		if s >= 5 {
			dst = append(dst, 1)
		}
		return binary.BigEndian.AppendUint64(dst, uint64(s))
	}
	tests := []struct {
		name string
		m    checker.Model[int, string]
	}{
		{"initial state", sizedToy[int]{counter(10, true), 4}},
		{"later state", sizedToy[int]{grows, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			assert.NotPanics(t, func() { _, err = checker.Run(context.Background(), tt.m, checker.Config{}) })
			assert.Error(t, err)
		})
	}
}
