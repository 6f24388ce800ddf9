package fsm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestModularComparisonsAgreeWithUnwrappedArithmetic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bits := rapid.IntRange(2, 32).Draw(t, "bits")
		sp := MustSpace(bits)
		size := sp.Size()
		a := Seq(rapid.Uint64Range(0, size-1).Draw(t, "a"))
		k := rapid.Uint64Range(0, size-1).Draw(t, "k")
		// b is k numbers ahead of a, computed without the Space.
		b := Seq((uint64(a) + k) % size)
		less := k != 0 && k < size/2
		if sp.Lt(a, b) != less {
			t.Fatalf("Lt(%d, %d) in %d bits = %v, want %v", a, b, bits, !less, less)
		}
		if sp.Leq(a, b) != (k == 0 || less) {
			t.Fatalf("Leq(%d, %d) wrong", a, b)
		}
		if sp.Gt(b, a) != less || sp.Geq(b, a) != (k == 0 || less) {
			t.Fatalf("Gt/Geq(%d, %d) disagree with Lt", b, a)
		}
		if got := sp.Add(a, uint32(k)); got != b {
			t.Fatalf("Add(%d, %d) = %d, want %d", a, k, got, b)
		}
		if got := sp.Dist(a, b); uint64(got) != k {
			t.Fatalf("Dist(%d, %d) = %d, want %d", a, b, got, k)
		}
	})
}

func TestWindowTestsAgreeWithEnumeration(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bits := rapid.IntRange(1, 7).Draw(t, "bits")
		sp := MustSpace(bits)
		size := sp.Size()
		x := Seq(rapid.Uint64Range(0, size-1).Draw(t, "x"))
		lo := Seq(rapid.Uint64Range(0, size-1).Draw(t, "lo"))
		n := uint32(rapid.Uint64Range(0, size).Draw(t, "n"))
		// lo <= x < lo+n: x is one of lo, lo+1, ..., lo+n-1.
		in := false
		for j := uint64(0); j < uint64(n); j++ {
			in = in || Seq((uint64(lo)+j)%size) == x
		}
		if sp.InWindow(x, lo, n) != in {
			t.Fatalf("InWindow(%d, %d, %d) = %v, want %v", x, lo, n, !in, in)
		}
		// lo < x <= hi, with hi = lo+n (n < size).
		if uint64(n) < size {
			hi := Seq((uint64(lo) + uint64(n)) % size)
			want := false
			for j := uint64(1); j <= uint64(n); j++ {
				want = want || Seq((uint64(lo)+j)%size) == x
			}
			if sp.InRange(x, lo, hi) != want {
				t.Fatalf("InRange(%d, %d, %d) = %v, want %v", x, lo, hi, !want, want)
			}
		}
	})
}

func TestSpacesOutsideOneTo32BitsAreRejected(t *testing.T) {
	for _, bits := range []int{0, -1, 33} {
		_, err := NewSpace(bits)
		assert.Error(t, err, "bits %d", bits)
	}
	sp, err := NewSpace(32)
	require.NoError(t, err)
	assert.Equal(t, uint64(1)<<32, sp.Size())
	assert.Equal(t, 32, sp.Bits())
	assert.True(t, sp.Lt(0xFFFFFFFF, 0), "the 32-bit space wraps")
	assert.Equal(t, 4, MustSpace(4).Bits())
}

func FuzzModularLess(f *testing.F) {
	f.Add(uint8(3), uint32(7), uint32(1))
	f.Add(uint8(32), uint32(0xFFFFFFFF), uint32(0x7FFFFFFF))
	f.Fuzz(func(t *testing.T, bits uint8, a0, k uint32) {
		if bits < 1 || bits > 32 {
			return
		}
		sp := MustSpace(int(bits))
		a, kk := sp.Norm(Seq(a0)), uint64(k)%sp.Size()
		b := Seq((uint64(a) + kk) % sp.Size())
		if sp.Lt(a, b) != (kk != 0 && kk < sp.Size()/2) {
			t.Fatalf("Lt(%d, %d) in %d bits", a, b, bits)
		}
		if sp.Lt(a, b) && sp.Lt(b, a) {
			t.Fatalf("%d < %d and %d < %d", a, b, b, a)
		}
	})
}
