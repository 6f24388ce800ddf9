// Package spinrumur runs the anchor model's reference tools, SPIN on tcp.pml and Rumur on tcp.m,
// at a given twin.Params, and returns their counts, times and memory, so that tcpverify's
// engine can be compared with them on the same state space.
//
// Each run works in a temporary directory: it writes the embedded model (twin.Promela or
// twin.Murphi) there, generates and compiles the verifier as the anchor README does, runs
// it on one core, and parses its report:
//
//	spin -a -DSEQ_N=4 -DNET_CAP=3 ... tcp.pml
//	gcc -O2 -DSAFETY -DNOFAIR -DMEMLIM=16000 -o pan pan.c
//	./pan -m100000 -A -c0 -n
//
//	(tcp.m with its constants set and the P1/P2 invariants deleted)
//	rumur --deadlock-detection stuck --threads 1 --max-errors ... --counterexample-trace off tcp.m --output tcp.c
//	cc -O3 -pthread tcp.c -o tcp_rumur && ./tcp_rumur
//
// Both explore every reachable state whatever the verdicts: SPIN's -A turns the asserts
// off and -c0 goes on past deadlocks; Rumur's invariants are deleted (it prunes states that
// break one) and --max-errors lets it go on past deadlocks, with their traces off.
//
// Counting: SPIN's "transitions" is stored+matched, so it counts the initial state as well
// as every rule firing; Rumur's "rules fired" counts firings only. Result.Firings is the
// number of firings from both, which is what checker.Result.Transitions counts.
//
// A missing tool is an error wrapping ErrNotInstalled; CI installs them with .ci/setup --tests.
package spinrumur
