package checker

// paged is a growable array in fixed pages of 1<<pageShift elements. Growing never moves an
// element, so it costs no copy and leaves no garbage the size of the whole array behind (a
// plain slice briefly holds two copies when append doubles it), and goroutines may set
// distinct elements concurrently once the array is long enough.
type paged[T any] struct {
	pages [][]T
	n     int
}

const (
	pageShift = 16
	pageLen   = 1 << pageShift
)

func (p *paged[T]) len() int { return p.n }

// grow makes the array at least n long.
func (p *paged[T]) grow(n int) {
	for len(p.pages)*pageLen < n {
		p.pages = append(p.pages, make([]T, pageLen))
	}
	if n > p.n {
		p.n = n
	}
}

func (p *paged[T]) at(i uint32) T     { return p.pages[i>>pageShift][i&(pageLen-1)] }
func (p *paged[T]) set(i uint32, v T) { p.pages[i>>pageShift][i&(pageLen-1)] = v }

func (p *paged[T]) append(v T) {
	p.grow(p.n + 1)
	p.set(uint32(p.n-1), v)
}
