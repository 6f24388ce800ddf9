package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
)

// scenario is one recording: what runs, on which ports, and what the capture
// must show for the recording to count.
type scenario struct {
	name  string
	about string // first comment line of the .expect file
	tries int    // attempts for racy scenarios; 0 means 1
	base  int    // first port; try t uses base+4t onwards
	v6    bool
	run   func(ports []int, v6 bool) error
	check func([]capture.Connection) error
}

// ports returns the two or three ports of try t: server (or peer), client,
// and a spare second client.
func (sc scenario) ports(t int) []int {
	p := sc.base + 4*t
	return []int{p, p + 1, p + 2}
}

// pcapngName is the scenario whose capture is also converted to pcapng.
const pcapngName = "half-close"

var scenarios []scenario

func init() {
	// Declared in init because the run functions refer to the table's
	// helpers; the order is the order of recording.
	scenarios = []scenario{
		{name: "normal-client-close", base: 47100, run: normalClientClose, check: oneIncarnation,
			about: "normal open, data both ways, the client closes first"},
		{name: "normal-server-close", base: 47120, run: normalServerClose, check: oneIncarnation,
			about: "normal open, data both ways, the server closes first"},
		{name: "half-close", base: 47140, run: halfClose, check: oneIncarnation,
			about: "half-close: the client shuts down its sending side, the server still sends data, then closes"},
		{name: "simultaneous-close", base: 47160, tries: 20, run: simultaneousClose, check: finsCrossed,
			about: "simultaneous close: both sides close at once and the FINs cross (both go through CLOSING)"},
		{name: "refused", base: 47240, run: refused, check: refusedShape,
			about: "refused: a SYN to a port nobody listens on is answered by RST,ACK"},
		{name: "abort", base: 47260, run: abort, check: hasRST,
			about: "abort: the client sets SO_LINGER 0 and closes, which sends RST"},
		{name: "ipv6-normal", base: 47280, v6: true, run: normalClientClose, check: oneIncarnation,
			about: "IPv6 on ::1: normal open, data both ways, the client closes first"},
		{name: "reuse-after-time-wait", base: 47300, run: reuseAfterTimeWait, check: twoIncarnations,
			about: "the same 4-tuple twice: the server closes first and sits in TIME-WAIT, the client connects again from the same port"},
		{name: "simultaneous-open", base: 47320, tries: 40, run: simultaneousOpen, check: simOpenShape,
			about: "simultaneous open: two sockets bound to fixed ports connect to each other at once and the SYNs cross"},
		{name: "listen-overflow", base: 47500, run: listenOverflow, check: synRetransmitted,
			about: "a full listen queue (backlog 0) drops a SYN; the client retransmits it with the same ISN and gets in"},
	}
}

const ioTimeout = 5 * time.Second

func hostAddr(v6 bool, port int) string {
	if v6 {
		return fmt.Sprintf("[::1]:%d", port)
	}
	return fmt.Sprintf("127.0.0.1:%d", port)
}

// reuseAddr sets SO_REUSEADDR before bind, so fixed local ports can be
// reused while an earlier run's sockets sit in TIME-WAIT.
func reuseAddr(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	})
	return errors.Join(err, serr)
}

func dial(v6 bool, local, remote int) (*net.TCPConn, error) {
	la, err := net.ResolveTCPAddr("tcp", hostAddr(v6, local))
	if err != nil {
		return nil, err
	}
	d := net.Dialer{LocalAddr: la, Control: reuseAddr, Timeout: ioTimeout}
	c, err := d.Dial("tcp", hostAddr(v6, remote))
	if err != nil {
		return nil, err
	}
	tc := c.(*net.TCPConn)
	_ = tc.SetDeadline(time.Now().Add(ioTimeout))
	return tc, nil
}

func listen(v6 bool, port int) (net.Listener, error) {
	lc := net.ListenConfig{Control: reuseAddr}
	return lc.Listen(context.Background(), "tcp", hostAddr(v6, port))
}

// serve accepts one connection and runs fn on it in a goroutine; the
// returned function waits for fn and closes the listener.
func serve(ln net.Listener, fn func(*net.TCPConn) error) func() error {
	errc := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			errc <- err
			return
		}
		tc := c.(*net.TCPConn)
		_ = tc.SetDeadline(time.Now().Add(ioTimeout))
		errc <- fn(tc)
	}()
	return func() error {
		err := <-errc
		return errors.Join(err, ln.Close())
	}
}

func readN(c *net.TCPConn, n int) error {
	_, err := io.ReadFull(c, make([]byte, n))
	return err
}

// readToEOF reads until the peer's FIN.
func readToEOF(c *net.TCPConn) error {
	_, err := io.ReadAll(c)
	return err
}

func write(c *net.TCPConn, s string) error {
	_, err := c.Write([]byte(s))
	return err
}

// normalClientClose: hello and world, then the client closes; the server
// reads the end of file and closes too.
func normalClientClose(p []int, v6 bool) error {
	ln, err := listen(v6, p[0])
	if err != nil {
		return err
	}
	wait := serve(ln, func(c *net.TCPConn) error {
		return errors.Join(readN(c, 6), write(c, "world\n"), readToEOF(c), c.Close())
	})
	c, err := dial(v6, p[1], p[0])
	if err != nil {
		return errors.Join(err, wait())
	}
	err = errors.Join(write(c, "hello\n"), readN(c, 6))
	time.Sleep(50 * time.Millisecond)
	return errors.Join(err, c.Close(), wait())
}

// normalServerClose: hello and world, then the server closes; the client
// reads the end of file and closes.
func normalServerClose(p []int, v6 bool) error {
	ln, err := listen(v6, p[0])
	if err != nil {
		return err
	}
	wait := serve(ln, func(c *net.TCPConn) error {
		err := errors.Join(readN(c, 6), write(c, "world\n"))
		time.Sleep(50 * time.Millisecond)
		return errors.Join(err, c.Close())
	})
	c, err := dial(v6, p[1], p[0])
	if err != nil {
		return errors.Join(err, wait())
	}
	err = errors.Join(write(c, "hello\n"), readN(c, 6), readToEOF(c))
	return errors.Join(err, c.Close(), wait())
}

// halfClose: the client sends a request and shuts down writing; the server
// reads to the end of file, answers in two writes and closes.
func halfClose(p []int, v6 bool) error {
	ln, err := listen(v6, p[0])
	if err != nil {
		return err
	}
	wait := serve(ln, func(c *net.TCPConn) error {
		err := errors.Join(readToEOF(c), write(c, "response-1\n"))
		time.Sleep(20 * time.Millisecond)
		err = errors.Join(err, write(c, "response-2\n"))
		time.Sleep(20 * time.Millisecond)
		return errors.Join(err, c.Close())
	})
	c, err := dial(v6, p[1], p[0])
	if err != nil {
		return errors.Join(err, wait())
	}
	err = errors.Join(write(c, "request\n"), c.CloseWrite(), readToEOF(c))
	return errors.Join(err, c.Close(), wait())
}

// barrier lets n goroutines go at the same instant: each spins, on its own
// locked OS thread, until all have arrived. A channel would wake them one
// scheduler hop apart, long enough for loopback to deliver a segment.
type barrier struct{ n, arrived atomic.Int32 }

func (b *barrier) wait() {
	b.arrived.Add(1)
	for b.arrived.Load() < b.n.Load() {
	}
}

func newBarrier(n int32) *barrier {
	b := &barrier{}
	b.n.Store(n)
	return b
}

// simultaneousClose: after hello and world both sides close at once.
func simultaneousClose(p []int, v6 bool) error {
	ln, err := listen(v6, p[0])
	if err != nil {
		return err
	}
	b := newBarrier(2)
	wait := serve(ln, func(c *net.TCPConn) error {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		err := errors.Join(readN(c, 6), write(c, "world\n"))
		b.wait()
		return errors.Join(err, c.Close())
	})
	c, err := dial(v6, p[1], p[0])
	if err != nil {
		return errors.Join(err, wait())
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = errors.Join(write(c, "hello\n"), readN(c, 6))
	b.wait()
	return errors.Join(err, c.Close(), wait())
}

// refused: connect to a port nobody listens on.
func refused(p []int, v6 bool) error {
	c, err := dial(v6, p[1], p[0])
	if err == nil {
		c.Close()
		return fmt.Errorf("connect to %d succeeded, want connection refused", p[0])
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return err
	}
	return nil
}

// abort: hello and world, then the client closes with SO_LINGER 0, which
// discards the connection and sends RST (RFC 9293 §3.10.5, ABORT).
func abort(p []int, v6 bool) error {
	ln, err := listen(v6, p[0])
	if err != nil {
		return err
	}
	wait := serve(ln, func(c *net.TCPConn) error {
		err := errors.Join(readN(c, 6), write(c, "world\n"))
		if rerr := readToEOF(c); !errors.Is(rerr, syscall.ECONNRESET) {
			err = errors.Join(err, fmt.Errorf("server read after abort: %v, want connection reset", rerr))
		}
		return errors.Join(err, c.Close())
	})
	c, err := dial(v6, p[1], p[0])
	if err != nil {
		return errors.Join(err, wait())
	}
	err = errors.Join(write(c, "hello\n"), readN(c, 6))
	time.Sleep(50 * time.Millisecond)
	return errors.Join(err, c.SetLinger(0), c.Close(), wait())
}

// reuseAfterTimeWait: one connection that the server closes first, so the
// server's end sits in TIME-WAIT; then a second from the same client port,
// which Linux lets through because the new SYN's sequence number is above
// the old connection's (RFC 9293 §3.6.1, MAY-2).
func reuseAfterTimeWait(p []int, v6 bool) error {
	ln, err := listen(v6, p[0])
	if err != nil {
		return err
	}
	defer ln.Close()
	first := func(c *net.TCPConn) error {
		err := errors.Join(readN(c, 6), write(c, "world\n"))
		time.Sleep(20 * time.Millisecond)
		return errors.Join(err, c.Close())
	}
	second := func(c *net.TCPConn) error {
		return errors.Join(readN(c, 6), write(c, "again\n"), readToEOF(c), c.Close())
	}
	for i, srv := range []func(*net.TCPConn) error{first, second} {
		errc := make(chan error, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				errc <- err
				return
			}
			tc := c.(*net.TCPConn)
			_ = tc.SetDeadline(time.Now().Add(ioTimeout))
			errc <- srv(tc)
		}()
		c, err := dial(v6, p[1], p[0])
		if err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		if i == 0 {
			err = errors.Join(write(c, "hello\n"), readN(c, 6), readToEOF(c), c.Close())
		} else {
			err = errors.Join(write(c, "hello\n"), readN(c, 6))
			time.Sleep(20 * time.Millisecond)
			err = errors.Join(err, c.Close())
		}
		if err = errors.Join(err, <-errc); err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

// simultaneousOpen: two sockets bound to p[0] and p[1] connect to each
// other at the same instant. On loopback a SYN is delivered within
// microseconds, so most tries see one SYN refused; the check keeps a try
// where both sockets were in SYN-SENT before either SYN arrived.
func simultaneousOpen(p []int, v6 bool) error {
	b := newBarrier(2)
	var wg sync.WaitGroup
	conns := make([]*net.TCPConn, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.wait()
			conns[i], errs[i] = dial(v6, p[i], p[1-i])
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, c := range conns {
			if c != nil {
				c.SetLinger(0)
				c.Close()
			}
		}
		return fmt.Errorf("SYNs did not cross: %w", err)
	}
	err := errors.Join(write(conns[0], "ping\n"), readN(conns[1], 5), write(conns[1], "pong\n"), readN(conns[0], 5))
	err = errors.Join(err, conns[0].Close(), readToEOF(conns[1]))
	time.Sleep(20 * time.Millisecond)
	return errors.Join(err, conns[1].Close())
}

// listenOverflow: a listener with backlog 0 holds one unaccepted
// connection, so Linux drops the next SYN (the accept queue is full); once the
// first is accepted the client's retransmitted SYN, same ISN, gets in. Go's
// net.Listen always asks for the system's maximum backlog, hence the raw
// socket calls.
func listenOverflow(p []int, v6 bool) error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return err
	}
	err = errors.Join(
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1),
		syscall.Bind(fd, &syscall.SockaddrInet4{Port: p[0], Addr: [4]byte{127, 0, 0, 1}}),
		syscall.Listen(fd, 0))
	if err != nil {
		syscall.Close(fd)
		return err
	}
	f := os.NewFile(uintptr(fd), "listener")
	ln, err := net.FileListener(f)
	f.Close()
	if err != nil {
		return err
	}
	defer ln.Close()
	first, err := dial(false, p[1], p[0])
	if err != nil {
		return err
	}
	secondc := make(chan *net.TCPConn, 1)
	errc := make(chan error, 1)
	go func() {
		c, err := dial(false, p[2], p[0]) // its first SYN is dropped
		errc <- err
		secondc <- c
	}()
	time.Sleep(300 * time.Millisecond)
	a1, err := ln.Accept()
	if err != nil {
		return err
	}
	if err := <-errc; err != nil {
		return err
	}
	second := <-secondc
	a2, err := ln.Accept()
	if err != nil {
		return err
	}
	for _, c := range []net.Conn{a1, a2} {
		_ = c.SetDeadline(time.Now().Add(ioTimeout))
	}
	err = errors.Join(write(second, "late\n"), readN(a2.(*net.TCPConn), 5))
	err = errors.Join(err, first.Close(), readToEOF(a1.(*net.TCPConn)), a1.Close())
	err = errors.Join(err, second.Close(), readToEOF(a2.(*net.TCPConn)), a2.Close())
	return err
}
