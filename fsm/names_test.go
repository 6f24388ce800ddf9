package fsm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// "all" names every kind and every call, and a set's names read back as the same set.
func TestNameSetsReadBackAndAllIsEveryName(t *testing.T) {
	k, err := ParseOldKinds("all")
	require.NoError(t, err)
	assert.Equal(t, AllOld, k)
	c, err := ParseCalls("all")
	require.NoError(t, err)
	assert.Equal(t, AllCalls, c)
	c, err = ParseCalls("open, close")
	require.NoError(t, err)
	assert.Equal(t, CallOpen|CallClose, c)
	assert.Equal(t, []string{"open", "close"}, c.Names())
	_, err = ParseOldKinds("syn, fin")
	assert.ErrorContains(t, err, `unknown old segment kind " fin"`, "old kinds take no spaces")
	k, err = ParseOldKinds(OldFIN.String() + "," + OldSYN.String())
	require.NoError(t, err)
	assert.Equal(t, "syn,fin", k.String())
}
