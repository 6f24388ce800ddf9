package main

import (
	"slices"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// Ghost views. A property reads, beyond the TCBs and the network, only the optional ghost
// data it names (properties.Property.Reads), and ghost data only observes: it never
// enables, disables or changes a transition. So a system keeping more ghost data than a
// property reads has the same runs, projected, and gives the property the same verdict
// and the same shortest counterexample; and a mutant that has the variant's successors in
// every state of a system keeping a view cannot change the verdict of any property that
// reads no more than that view.
//
// Keeping every view at once multiplies them: each sticky ghost bit splits the states
// after it is set. At the grid's incarnations=3 point the RFC table keeps some 2.4 G
// states with all of its ghost data, and 0.3 to 0.7 G in each property's own view. So
// --by-view checks each view in a search of its own: the safety properties in the
// maximal views among theirs (one that another holds is checked in that one), and the
// eventually properties in one search of the views they read, since their search keeps
// the transitions (some 40 more bytes a state) and should be the smallest. The mutants
// are compared in every search whose view no other search's holds: a mutant that differs
// in a view differs in every view holding it, so these searches see every difference any
// search would.

// planViews is the searches of the variant at cfg for props: one keeping every part any
// of them reads, or, with byView, one per view as above: the safety properties' maximal
// views in the order of their first property, then the eventually properties' view.
func planViews(cfg fsm.Config, props []properties.Property, byView bool) []mutateView {
	reads := func(i int) fsm.GhostParts { return cfg.Settable(props[i].Reads) }
	eventually := func(i int) bool { return byView && props[i].Kind == checker.KindEventually }
	var maximal []fsm.GhostParts
	var live fsm.GhostParts
	hasLive := false
	if !byView {
		// One search keeps all the ghost data any property reads.
		var all fsm.GhostParts
		for i := range props {
			all |= reads(i)
		}
		maximal = append(maximal, all)
	}
	for i := range props {
		if !byView {
			break
		}
		r := reads(i)
		switch {
		case eventually(i):
			live, hasLive = live|r, true
		case !slices.ContainsFunc(maximal, func(m fsm.GhostParts) bool { return r&^m == 0 }):
			// A view that holds no other's yet: it replaces those it holds, in the place
			// of the first of them, so that the views keep their first property's order.
			at := slices.IndexFunc(maximal, func(m fsm.GhostParts) bool { return m&^r == 0 })
			if at < 0 {
				maximal = append(maximal, r)
				continue
			}
			maximal[at] = r
			maximal = append(maximal[:at+1], slices.DeleteFunc(maximal[at+1:], func(m fsm.GhostParts) bool { return m&^r == 0 })...)
		}
	}
	var views []mutateView
	for _, m := range maximal {
		views = append(views, mutateView{parts: m})
	}
	if hasLive {
		views = append(views, mutateView{parts: live, live: true})
	}
	if len(views) == 0 {
		views = append(views, mutateView{}) // no property: a search for the screen alone
	}
	for i := range props {
		k := slices.IndexFunc(views, func(v mutateView) bool { return v.live == eventually(i) && reads(i)&^v.parts == 0 })
		views[k].props = append(views[k].props, i)
	}
	for k := range views {
		v := &views[k]
		v.Ghost = v.parts.String()
		for _, i := range v.props {
			v.Properties = append(v.Properties, props[i].Name)
		}
		// Compared in a view that no other holds (the first of equal ones).
		v.Screen = !slices.ContainsFunc(views[:k], func(o mutateView) bool { return v.parts&^o.parts == 0 }) &&
			!slices.ContainsFunc(views[k+1:], func(o mutateView) bool { return v.parts&^o.parts == 0 && o.parts != v.parts })
	}
	return views
}
