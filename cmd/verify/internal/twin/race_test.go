//go:build race

package twin_test

const raceEnabled = true
