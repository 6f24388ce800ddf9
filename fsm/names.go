package fsm

import (
	"fmt"
	"slices"
	"strings"
)

// parseNameSet reads a comma list of names, each one of names (bit i for names[i]), or
// "all" for every one; what names the kind of item in errors, and trim allows spaces
// around an item.
func parseNameSet(text string, names []string, what string, trim bool) (uint8, error) {
	if text == "all" {
		return 1<<len(names) - 1, nil
	}
	var set uint8
	for _, name := range strings.Split(text, ",") {
		key := name
		if trim {
			key = strings.TrimSpace(name)
		}
		i := slices.Index(names, key)
		if i < 0 {
			return 0, fmt.Errorf("unknown %s %q (valid: %s, or all)", what, name, strings.Join(names, ", "))
		}
		set |= 1 << i
	}
	return set, nil
}

// nameSet lists the names of the bits set in set, in names order.
func nameSet(set uint8, names []string) []string {
	var out []string
	for i, n := range names {
		if set&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}
