// Package properties states what TCP's three-way handshake and four-way close are for, as
// properties of the two-endpoint system of package fsm that package checker can decide.
//
// Each classic reason for the handshake and the close is one property here, and a claim
// (claims.go) pairs it with the variants of the rule table that drop the mechanism: the RFC
// model must satisfy the property and each of those variants must violate it.
//
// The properties read the system's ghost data (fsm.Ghost and the packets' From and To: which
// TCBs handshook with which, data counts, what old segments did, whether a user was told of
// a reset), never anything the protocol itself could not know only by accident.
package properties
