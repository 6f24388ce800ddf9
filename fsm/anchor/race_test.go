//go:build race

package anchor_test

const raceEnabled = true
