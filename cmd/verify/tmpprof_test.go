package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"testing"
)

func TestTmpProfile(t *testing.T) {
	f, _ := os.Open("/tmp/eq69.txt")
	args := []string{"--point", "base", "--jobs", "1", "--workers", "2", "--progress=false", "--out", t.TempDir()}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		args = append(args, "--mutant", sc.Text())
	}
	code, err := runMutate(context.Background(), args, io.Discard, io.Discard)
	t.Log(code, err)
}
