package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tcpverify/tcpverify/fsm"
)

// A spec is the range of a whole-number flag or config field, stated once: the flag's help,
// its error and the config file's error all print it.
type spec struct {
	lo, hi int64
	pow2   bool   // the number must be a power of two
	open   bool   // hi is only what the type holds: say "lo or more"
	zero   string // what 0 means when it is special (e.g. "no bound"), for the help
}

// Ranges of the model's numbers. The fsm bounds what it can hold; the rest are sanity bounds.
var (
	seqspaceSpec     = spec{lo: 2, hi: 1 << 32, pow2: true}
	r2Spec           = spec{lo: 1, hi: fsm.MaxR2}
	windowSpec       = spec{lo: 1, hi: 1 << 20}
	capacitySpec     = spec{lo: 1, hi: fsm.MaxCapacity}
	unitsSpec        = spec{lo: 0, hi: 100}
	incarnationsSpec = spec{lo: 1, hi: fsm.MaxIncarnations}
	faultSpec        = spec{lo: 0, hi: 100}
	partitionSpec    = spec{lo: 0, hi: 1}
	workersSpec      = spec{lo: 1, hi: 1024}
	maxStatesSpec    = spec{lo: 0, hi: math.MaxInt64, open: true, zero: "no bound"}
	maxDepthSpec     = spec{lo: 0, hi: math.MaxInt32, open: true, zero: "no bound"}
	seedSpec         = spec{lo: math.MinInt64, hi: math.MaxInt64}
	walksSpec        = spec{lo: 1, hi: 1 << 30}
	walkDepthSpec    = spec{lo: 1, hi: 1 << 20}
	simWorkersSpec   = spec{lo: 0, hi: 1024, zero: "one per CPU"}
)

// Range says the range for help texts: "1 to 7", "2 to 4294967296, a power of two",
// "0 or more; 0: no bound".
func (s spec) Range() string {
	var r string
	switch {
	case s.lo == math.MinInt64 && s.hi == math.MaxInt64:
		r = "any whole number"
	case s.open:
		r = fmt.Sprintf("%d or more", s.lo)
	default:
		r = fmt.Sprintf("%d to %d", s.lo, s.hi)
	}
	if s.pow2 {
		r += ", a power of two"
	}
	if s.zero != "" {
		r += "; 0: " + s.zero
	}
	return r
}

// want is what an error asks for: "want a whole number from 1 to 7".
func (s spec) want() string {
	kind := "a whole number"
	if s.pow2 {
		kind = "a power of two"
	}
	switch {
	case s.lo == math.MinInt64 && s.hi == math.MaxInt64:
		return "want " + kind
	case s.open:
		return fmt.Sprintf("want %s, %d or more", kind, s.lo)
	}
	return fmt.Sprintf("want %s from %d to %d", kind, s.lo, s.hi)
}

// check says whether n is in the range.
func (s spec) check(n int64) error {
	if n < s.lo || n > s.hi || (s.pow2 && n&(n-1) != 0) {
		return errors.New(s.want())
	}
	return nil
}

// parse reads a decimal whole number in the range.
func (s spec) parse(str string) (int64, error) {
	n, err := strconv.ParseInt(str, 10, 64)
	if err != nil {
		return 0, errors.New(s.want())
	}
	return n, s.check(n)
}

// help is a flag's usage with its range appended; the flag's value is printed as N unless
// usage names it (a back-quoted word, as the flag package reads it).
func (s spec) help(usage string) string {
	if !strings.Contains(usage, "`") {
		return fmt.Sprintf("%s (`N`: %s)", usage, s.Range())
	}
	return fmt.Sprintf("%s (%s)", usage, s.Range())
}

// intValue is a whole-number flag checked against its spec when it is set.
type intValue[T ~int | ~int64 | ~uint64] struct {
	p *T
	s spec
}

func (v *intValue[T]) String() string {
	if v == nil || v.p == nil {
		return "0"
	}
	return fmt.Sprint(*v.p)
}

func (v *intValue[T]) Set(str string) error {
	n, err := v.s.parse(str)
	if err != nil {
		return err
	}
	*v.p = T(n)
	return nil
}

// intFlag defines a whole-number flag whose help ends with its range.
func intFlag[T ~int | ~int64 | ~uint64](fs *flag.FlagSet, p *T, name string, value T, s spec, usage string) {
	*p = value
	fs.Var(&intValue[T]{p: p, s: s}, name, s.help(usage))
}

// durationValue is a duration flag: 0 (no bound) or a positive duration with a unit.
type durationValue struct{ p *time.Duration }

func (v *durationValue) String() string {
	if v == nil || v.p == nil {
		return "0s"
	}
	return v.p.String()
}

func (v *durationValue) Set(s string) error {
	d, err := parseDuration(s)
	if err != nil {
		return err
	}
	*v.p = d
	return nil
}

var bareNumberRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

const wantDuration = "want a duration such as 30s, 5m or 1h30m (0: no bound)"

// parseDuration reads a duration: 0 for no bound, or a positive one with a unit. A bare
// number is refused with a hint (the unit is not guessed), and so is a positive duration
// that rounds to zero.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		if bareNumberRE.MatchString(s) {
			return 0, fmt.Errorf("a duration needs a unit: want e.g. %ss or %sm", s, s)
		}
		return 0, errors.New(wantDuration)
	}
	switch {
	case d < 0:
		return 0, errors.New(wantDuration)
	case d == 0 && strings.ContainsAny(s, "123456789"):
		return 0, errors.New("rounds to zero: want at least 1ns (0: no bound)")
	}
	return d, nil
}

// sizeValue is a memory-size flag: empty for no bound, else a positive whole number of bytes.
type sizeValue struct{ p *uint64 }

func (v *sizeValue) String() string {
	if v == nil || v.p == nil || *v.p == 0 {
		return ""
	}
	return formatSize(*v.p)
}

func (v *sizeValue) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*v.p = n
	return nil
}

// maxSize is the largest size accepted: 1 PiB, far above any machine's memory.
const maxSize = 1 << 50

const wantSize = "want a size from 1B to 1024TiB, such as 512MiB or 4GB"

var sizeRE = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?) ?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$`)

// sizeUnits are the units of a size: powers of 1000 and of 1024.
var sizeUnits = map[string]int64{"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
	"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}

// parseSize reads a byte count: a decimal number with an optional unit, B, KB, MB, GB, TB
// (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024). The result must be a whole number
// of bytes from 1 to maxSize: 1.5KiB is 1536 bytes, but 0.5B, 0 and 1e-9 are refused, as
// are NaN, Inf and exponents.
func parseSize(s string) (uint64, error) {
	m := sizeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, errors.New(wantSize)
	}
	n, ok := new(big.Rat).SetString(m[1])
	if !ok {
		return 0, errors.New(wantSize)
	}
	n.Mul(n, new(big.Rat).SetInt64(sizeUnits[m[2]]))
	if !n.IsInt() {
		return 0, fmt.Errorf("%s is not a whole number of bytes: %s", s, wantSize)
	}
	if n.Sign() <= 0 || n.Cmp(new(big.Rat).SetInt64(maxSize)) > 0 {
		return 0, errors.New(wantSize)
	}
	return n.Num().Uint64(), nil
}

// formatSize writes n bytes in the largest binary unit that divides it, so that parseSize
// reads it back exactly.
func formatSize(n uint64) string {
	for _, u := range []string{"TiB", "GiB", "MiB", "KiB"} {
		if m := uint64(sizeUnits[u]); n%m == 0 {
			return fmt.Sprintf("%d%s", n/m, u)
		}
	}
	return fmt.Sprintf("%dB", n)
}

// flagError rewrites the flag package's errors to name the flag the way it is typed and
// say what is wanted: `--capacity 0: want a whole number from 1 to 8`.
func flagError(err error) error {
	msg := err.Error()
	if m := invalidValueRE.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("--%s %s: %s", m[2], quoteArg(unquote(m[1])), m[3])
	}
	if m := invalidBoolRE.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("--%s %s: want true or false", m[2], quoteArg(unquote(m[1])))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return fmt.Errorf("--%s needs a value", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return fmt.Errorf("flag provided but not defined: --%s", name)
	}
	return err
}

var (
	invalidValueRE = regexp.MustCompile(`(?s)^invalid value "(.*)" for flag -(\S+): (.*)$`)
	invalidBoolRE  = regexp.MustCompile(`(?s)^invalid boolean value "(.*)" for -(\S+): (.*)$`)
)

// unquote undoes the flag package's %q.
func unquote(s string) string {
	if u, err := strconv.Unquote(`"` + s + `"`); err == nil {
		return u
	}
	return s
}

// quoteArg prints a command-line value as typed, quoted when it is empty or has spaces or
// unprintable characters.
func quoteArg(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"'") || strconv.Quote(s) != `"`+s+`"` {
		return strconv.Quote(s)
	}
	return s
}
