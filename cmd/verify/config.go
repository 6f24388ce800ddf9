package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// fileConfig is the JSON config file. Every field is optional; absent ones keep the default.
// It is also how a report records the model's configuration.
type fileConfig struct {
	Shape        *string `json:"shape,omitempty"`
	Variant      *string `json:"variant,omitempty"`
	SeqSpace     *int    `json:"seqspace,omitempty"`
	Window       *int    `json:"window,omitempty"`
	Capacity     *int    `json:"capacity,omitempty"`
	Units        []int   `json:"units,omitempty"`
	Incarnations *int    `json:"incarnations,omitempty"`
	Faults       *faults `json:"faults,omitempty"`
	// R2 and Drop are the timing assumptions (fsm.Timing): retransmissions before giving
	// up, and the names of the assumptions dropped ([] drops none).
	R2   *int     `json:"r2,omitempty"`
	Drop []string `json:"drop,omitzero"`
	// OldFrom and OldKinds say whose old segments an injection adds (sides A, B) and of
	// which kinds (syn, syn-ack, ack, data, fin, rst, or all).
	OldFrom  []string `json:"old_from,omitempty"`
	OldKinds []string `json:"old_kinds,omitempty"`
	// CallsA and CallsB are the user calls each side's user may make (open, listen, send,
	// close, abort, user-timeout, or all); absent: the shape's (fsm.Config.Calls).
	CallsA     []string `json:"calls_a,omitempty"`
	CallsB     []string `json:"calls_b,omitempty"`
	Properties []string `json:"properties,omitempty"`
}

type faults struct {
	Loss   *int `json:"loss,omitempty"`
	Dup    *int `json:"dup,omitempty"`
	Inject *int `json:"inject,omitempty"`
	Crash  *int `json:"crash,omitempty"`
	// Partition is 0 or 1.
	Partition *int `json:"partition,omitempty"`
}

// The keys of a config file, exactly as they must be written.
var (
	configKeys = []string{"shape", "variant", "seqspace", "window", "capacity", "units", "incarnations", "faults",
		"r2", "drop", "old_from", "old_kinds", "calls_a", "calls_b", "properties"}
	faultKeys = []string{"loss", "dup", "inject", "crash", "partition"}
)

func readConfig(path string) (*fileConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file %s: cannot read it: %w", path, errors.Unwrap(err))
	}
	return parseConfig(path, data)
}

// configError is an error in a config file: the file, the field, what is wanted.
func configError(path, field, format string, args ...any) error {
	if field == "" {
		return fmt.Errorf("config file %s: %s", path, fmt.Sprintf(format, args...))
	}
	return fmt.Errorf("config file %s: %s: %s", path, field, fmt.Sprintf(format, args...))
}

// parseConfig reads a config file strictly: one JSON object and nothing after it, keys
// exactly as documented (a key that differs only in case is refused, with a hint), each key
// at most once, every value of the right type and in its range. Errors name the file and
// the field and say what is wanted; none shows a Go type.
func parseConfig(path string, data []byte) (*fileConfig, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	top, err := readObject(dec, path, "")
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, configError(path, "", "trailing data after the JSON object: want exactly one object")
	}
	var fc fileConfig
	for _, kv := range top {
		switch kv.key {
		case "shape":
			s, err := str(path, kv)
			if err != nil {
				return nil, err
			}
			if _, err := fsm.ParseShape(s); err != nil {
				return nil, configError(path, kv.key, "%v", err)
			}
			fc.Shape = &s
		case "variant":
			s, err := str(path, kv)
			if err != nil {
				return nil, err
			}
			if _, err := fsm.LookupVariant(s); err != nil {
				return nil, configError(path, kv.key, "%v", err)
			}
			fc.Variant = &s
		case "seqspace":
			fc.SeqSpace, err = whole(path, kv, seqspaceSpec)
		case "window":
			fc.Window, err = whole(path, kv, windowSpec)
		case "capacity":
			fc.Capacity, err = whole(path, kv, capacitySpec)
		case "incarnations":
			fc.Incarnations, err = whole(path, kv, incarnationsSpec)
		case "units":
			fc.Units, err = units(path, kv)
		case "faults":
			fc.Faults, err = faultsField(path, kv)
		case "r2":
			fc.R2, err = whole(path, kv, r2Spec)
		case "drop":
			fc.Drop, err = dropList(path, kv)
		case "old_from":
			fc.OldFrom, err = sideList(path, kv)
		case "old_kinds":
			fc.OldKinds, err = kindList(path, kv)
		case "calls_a":
			fc.CallsA, err = callList(path, kv)
		case "calls_b":
			fc.CallsB, err = callList(path, kv)
		case "properties":
			fc.Properties, err = propertyList(path, kv)
		}
		if err != nil {
			return nil, err
		}
	}
	return &fc, nil
}

// keyValue is one member of a JSON object, in file order.
type keyValue struct {
	key, field string // field is the key's path, e.g. faults.loss
	raw        json.RawMessage
}

// readObject reads one JSON object from dec, refusing unknown, differently-cased and
// repeated keys. parent is "" at the top level, else the enclosing key.
func readObject(dec *json.Decoder, path, parent string) ([]keyValue, error) {
	where, keys := "", configKeys
	if parent != "" {
		where, keys = parent, faultKeys
	}
	want := "want a JSON object"
	if parent == "" {
		want = "want a JSON object such as {\"capacity\": 3}"
	}
	tok, err := dec.Token()
	if err == io.EOF {
		return nil, configError(path, where, "empty: %s", want)
	}
	if err != nil {
		return nil, configError(path, where, "not valid JSON: %s", jsonReason(err))
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, configError(path, where, "%s", want)
	}
	var out []keyValue
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, configError(path, where, "not valid JSON: %s", jsonReason(err))
		}
		key := tok.(string) // inside an object the decoder only yields string keys
		field := key
		if parent != "" {
			field = parent + "." + key
		}
		if !slices.Contains(keys, key) {
			return nil, unknownKey(path, parent, key, keys)
		}
		if seen[key] {
			return nil, configError(path, field, "given twice: want each key once")
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, configError(path, field, "not valid JSON: %s", jsonReason(err))
		}
		out = append(out, keyValue{key: key, field: field, raw: raw})
	}
	if _, err := dec.Token(); err != nil {
		return nil, configError(path, where, "not valid JSON: %s", jsonReason(err))
	}
	return out, nil
}

// unknownKey says what is wrong with a key: its case, its place, or that it does not exist.
func unknownKey(path, parent, key string, keys []string) error {
	field := quoteArg(key)
	if parent != "" {
		field = parent + "." + field
	}
	for _, k := range keys {
		if strings.EqualFold(k, key) {
			return configError(path, field, "unknown key: keys are case-sensitive, want %q", k)
		}
		if strings.EqualFold(k, strings.ReplaceAll(key, "-", "_")) {
			return configError(path, field, "unknown key: keys join words with _, want %q", k)
		}
	}
	if parent == "" {
		for _, k := range faultKeys {
			if strings.EqualFold(k, key) {
				return configError(path, field, "unknown key at the top level: %q belongs under \"faults\", as in {\"faults\": {%q: 1}}", k, k)
			}
		}
	}
	return configError(path, field, "unknown key (valid: %s)", strings.Join(keys, ", "))
}

// jsonReason is a JSON syntax error without Go's wording of types, with the byte offset.
func jsonReason(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at byte %d", se.Error(), se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return "the file ends inside a value"
	}
	return "malformed"
}

// str reads a string value.
func str(path string, kv keyValue) (string, error) {
	var s string
	if !isString(kv.raw) || json.Unmarshal(kv.raw, &s) != nil {
		return "", configError(path, kv.field, "want a string")
	}
	return s, nil
}

func isString(raw json.RawMessage) bool {
	return len(raw) > 0 && raw[0] == '"'
}

// wholeNumber reads a JSON number that is a whole number in s's range.
func wholeNumber(raw json.RawMessage, s spec) (int, bool) {
	t := strings.TrimSpace(string(raw))
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || s.check(n) != nil {
		return 0, false
	}
	return int(n), true
}

// whole reads a whole-number field.
func whole(path string, kv keyValue, s spec) (*int, error) {
	n, ok := wholeNumber(kv.raw, s)
	if !ok {
		return nil, configError(path, kv.field, "%s", s.want())
	}
	return &n, nil
}

// units reads [A, B], or [N] for both sides.
func units(path string, kv keyValue) ([]int, error) {
	want := fmt.Sprintf("want [A, B] or [N]: units per side, each %s", strings.TrimPrefix(unitsSpec.want(), "want "))
	var raws []json.RawMessage
	if len(kv.raw) == 0 || kv.raw[0] != '[' || json.Unmarshal(kv.raw, &raws) != nil || len(raws) < 1 || len(raws) > 2 {
		return nil, configError(path, kv.field, "%s", want)
	}
	var out []int
	for _, r := range raws {
		n, ok := wholeNumber(r, unitsSpec)
		if !ok {
			return nil, configError(path, kv.field, "%s", want)
		}
		out = append(out, n)
	}
	return out, nil
}

// faultsField reads the faults object.
func faultsField(path string, kv keyValue) (*faults, error) {
	dec := json.NewDecoder(bytes.NewReader(kv.raw))
	dec.UseNumber()
	members, err := readObject(dec, path, "faults")
	if err != nil {
		return nil, err
	}
	f := &faults{}
	for _, m := range members {
		spec := faultSpec
		if m.key == "partition" {
			spec = partitionSpec
		}
		n, err := whole(path, m, spec)
		if err != nil {
			return nil, err
		}
		switch m.key {
		case "loss":
			f.Loss = n
		case "dup":
			f.Dup = n
		case "inject":
			f.Inject = n
		case "crash":
			f.Crash = n
		case "partition":
			f.Partition = n
		}
	}
	return f, nil
}

// propertyList reads a non-empty list of known property names.
func propertyList(path string, kv keyValue) ([]string, error) {
	want := "want a list of one or more property names (verify list shows them)"
	var names []string
	if len(kv.raw) == 0 || kv.raw[0] != '[' || json.Unmarshal(kv.raw, &names) != nil || len(names) == 0 {
		return nil, configError(path, kv.field, "%s", want)
	}
	if _, err := properties.Lookup(names...); err != nil {
		return nil, configError(path, kv.field, "%v", err)
	}
	return names, nil
}

// nameList reads a list of strings, each checked by parse; empty says whether [] is
// allowed. A refused name's error is parse's.
func nameList(path string, kv keyValue, want string, empty bool, parse func(string) error) ([]string, error) {
	var names []string
	if len(kv.raw) == 0 || kv.raw[0] != '[' || json.Unmarshal(kv.raw, &names) != nil || (len(names) == 0 && !empty) {
		return nil, configError(path, kv.field, "%s", want)
	}
	for i, n := range names {
		if err := parse(n); err != nil {
			return nil, configError(path, kv.field, "%v", err)
		}
		if slices.Contains(names[:i], n) {
			return nil, configError(path, kv.field, "%q given twice: want each name once", n)
		}
	}
	return names, nil
}

// dropList reads the names of the timing assumptions to drop; [] drops none.
func dropList(path string, kv keyValue) ([]string, error) {
	want := "want a list of timing assumption names, such as [\"msl\"] (valid: " + strings.Join(fsm.AssumptionNames(), ", ") + "), or [] for none"
	return nameList(path, kv, want, true, func(n string) error {
		var t fsm.Timing
		return t.Drop(n)
	})
}

// sideList reads whose old segments an injection adds: one or two sides.
func sideList(path string, kv keyValue) ([]string, error) {
	var seen [2]bool
	return nameList(path, kv, "want a list of one or two sides, such as [\"A\"] or [\"A\", \"B\"]", false, func(n string) error {
		side, err := fsm.ParseSide(n)
		if err == nil && seen[side] {
			return fmt.Errorf("side %v given twice: want each side once", side)
		}
		seen[side] = true
		return err
	})
}

// callList reads the user calls a side may make: one or more, or ["all"].
func callList(path string, kv keyValue) ([]string, error) {
	want := "want a list of one or more user calls, such as [\"open\", \"send\", \"close\"] (valid: open, listen, send, close, abort, user-timeout), or [\"all\"]"
	names, err := nameList(path, kv, want, false, func(n string) error {
		if strings.Contains(n, ",") {
			return fmt.Errorf("%q names several calls: want one call per item", n)
		}
		_, err := fsm.ParseCalls(n)
		return err
	})
	if err == nil && len(names) > 1 && slices.Contains(names, "all") {
		return nil, configError(path, kv.field, "\"all\" stands alone: %s", want)
	}
	return names, err
}

// kindList reads which kinds of old segment an injection adds: one or more, or ["all"].
func kindList(path string, kv keyValue) ([]string, error) {
	want := "want a list of one or more old segment kinds, such as [\"syn\", \"fin\"], or [\"all\"]"
	names, err := nameList(path, kv, want, false, func(n string) error {
		k, err := fsm.ParseOldKinds(n)
		if err == nil && n != "all" && k&(k-1) != 0 {
			return fmt.Errorf("%q names several kinds: want one kind per item", n)
		}
		return err
	})
	if err == nil && len(names) > 1 && slices.Contains(names, "all") {
		return nil, configError(path, kv.field, "\"all\" stands alone: %s", want)
	}
	return names, err
}
