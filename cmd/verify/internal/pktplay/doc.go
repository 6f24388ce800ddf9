// Package pktplay plays packetdrill scripts against one endpoint of the model, the way
// packetdrill plays them against a kernel: the script is the peer and the network, the
// endpoint is an fsm.Machine of the variant under test.
//
//	s, _ := pktscript.Parse("listen.pkt", src)
//	r := pktplay.Play(s, pktplay.Options{Variant: fsm.RFC})
//	fmt.Println(r.Summary()) // pass listen.pkt
//
// # What a line means
//
//   - "<" is a segment that arrives: a Step with the segment. Its SEQ is the peer's
//     number as written (packetdrill injects the script's own numbers); its ACK is
//     relative to the endpoint's ISS, as packetdrill writes it.
//   - ">" is a segment the endpoint must have sent: the oldest segment it sent that no
//     earlier line matched. SEQ is relative to the endpoint's ISS, ACK is the peer's
//     number. A data segment of n bytes is n data units of the model (a unit is one
//     sequence number, as in package trace); the model's units may be shown as one
//     segment or several.
//   - A system call is a user call: listen is LISTEN, connect OPEN, write and send n
//     SENDs, close CLOSE (ABORT with SO_LINGER 0, or with data the user never read, as
//     RFC 1122 §4.2.2.13 says a host should), shutdown(SHUT_WR) CLOSE; accept, read and
//     getsockopt(SO_ERROR) read what the endpoint told its user (the connection is
//     established, data delivered, the peer's FIN, "connection refused" or "reset").
//     The call's result must be the model's: a blocking connect returns 0 once the
//     endpoint is ESTABLISHED, -1 ECONNREFUSED once it is reset; a non-blocking one
//     returns -1 EINPROGRESS at once. A call that blocks is tried again after every
//     later step, and must have returned by the end of the script.
//   - socket, bind, fcntl(F_SETFL) and the socket options SO_LINGER, SO_KEEPALIVE,
//     TCP_KEEPIDLE and TCP_USER_TIMEOUT set up the socket; every other call, shell
//     command or Python block is listed as not judged, as are window values, TCP
//     options, PSH, ECN bits and time ranges (timing is not judged: it only decides
//     which timers may expire, below). The sysctls net.ipv4.tcp_syn_retries,
//     tcp_synack_retries and tcp_retries2 set the machine's R2.
//
// The model has one endpoint, so a script has one connection at a time: a listening
// socket and the connection it accepts are the same endpoint (LISTEN, then SYN-RECEIVED,
// ...), and once that connection is CLOSED while the listener is open, the endpoint
// listens again (a hidden LISTEN); while the listener is open, a new SYN that meets
// TIME-WAIT may reopen the connection (fsm.Event.Listener, row time-wait/reopen, RFC 9293
// §3.6.1). A second socket that connects or listens while the
// endpoint is in use makes the script unsupported; so do UDP and ICMP lines, data on a
// SYN and urgent data.
//
// # Time and hidden steps
//
// Script time orders events and gates timers: before a line, the endpoint's timers may
// expire as hidden steps when the script's clock has moved on by at least the timer's
// duration since it started (Timing: retransmission after 200 ms, 2MSL after 60 s,
// keepalive after the idle time when SO_KEEPALIVE is on, the user timeout once set), and
// a held ACK of a FIN (fsm.Endpoint.AckPending) at any time, since Linux sends it at once
// in quickack mode and within 200 ms otherwise.
// Runs branch on these choices; the runs that cannot match a line end, and the script
// passes when one run matches every line and owes nothing at the end (no call still
// blocked, no segment sent that the script does not show, but pure ACKs: see below).
//
// # Where the model and a real stack differ
//
// The model acknowledges every segment at once but a FIN taken in ESTABLISHED, whose ACK
// it may hold (above); a real receiver may delay any ACK and fold
// it into the next segment (RFC 1122 §4.2.3.2). A pure ACK the script does not show is
// passed over when a later ">" line acknowledges at least as much, and noted. The model
// retransmits one unit where a stack resends a segment: a retransmission shown larger is
// accepted when all it covers was sent before. A RST,ACK matches the model's RST with the
// same SEQ (Linux acknowledges in its resets). Each match of this kind is a note of the
// result, so that a reader sees every assumption a pass rests on.
package pktplay
