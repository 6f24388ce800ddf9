// Package docgen generates the diagrams and tables of docs/ from the code: the RFC 9293
// state diagram drawn from the rule table, one diagram per variant with its edits
// highlighted, a message sequence chart per counterexample of the claims, the reachable
// graph of a small configuration, and markdown tables of the rules, variants, properties
// and claims. The prose around them in docs/ is written by hand; Splice copies each table
// between the markers the prose places for it.
package docgen
