package twin

import _ "embed"

// The reference models, copied from the project's shared anchors (tcp.pml for SPIN, tcp.m for
// Rumur) so that tests, CI and the benchmark command depend on nothing outside the module.
var (
	//go:embed testdata/tcp.pml
	promela []byte
	//go:embed testdata/tcp.m
	murphi []byte
)

// Promela returns the text of tcp.pml, the SPIN model this package ports. Its parameters
// are set with spin -D (see Params.Defines).
func Promela() []byte { return append([]byte(nil), promela...) }

// Murphi returns the text of tcp.m, the Rumur twin of tcp.pml. Its parameters are the
// constants at its top.
func Murphi() []byte { return append([]byte(nil), murphi...) }
