package main

import (
	"fmt"
	"io"
	"strings"
)

// printTable writes header and rows as text columns two spaces apart, each as wide as its
// widest cell, without trailing blanks; right says which columns are right-aligned (the
// numbers), by index and the row's length.
func printTable(w io.Writer, header []string, rows [][]string, right func(col, cols int) bool) {
	all := append([][]string{header}, rows...)
	widths := make([]int, len(header))
	for _, row := range all {
		for i, c := range row {
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, row := range all {
		var line strings.Builder
		for i, c := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			if right(i, len(row)) {
				fmt.Fprintf(&line, "%*s", widths[i], c)
			} else {
				fmt.Fprintf(&line, "%-*s", widths[i], c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
	}
}

// tableWidth is the width of the lines printTable would print.
func tableWidth(header []string, rows [][]string) int {
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for i, c := range row {
			widths[i] = max(widths[i], len(c))
		}
	}
	n := 2 * (len(widths) - 1)
	for _, w := range widths {
		n += w
	}
	return n
}
