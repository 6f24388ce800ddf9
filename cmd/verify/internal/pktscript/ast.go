package pktscript

// Script is one parsed packetdrill script: the options at its top, then its events in
// file order.
type Script struct {
	// Name is the file the script came from, for messages.
	Name string
	// Options are the --name=value lines before the first event (packetdrill's command
	// line options written into the script, e.g. --tolerance_usecs=10000).
	Options []Option
	Events  []Event
}

// Option is one --name=value line at the top of a script.
type Option struct {
	Line  int
	Name  string // without the leading "--"
	Value string // as written, quotes removed; "" when the option has no value
}

// TimeKind says how an event's time is written.
type TimeKind uint8

// Time kinds, after packetdrill's event_time rule.
const (
	TimeAbsolute      TimeKind = iota // 0.100: seconds from the start of the script
	TimeRelative                      // +0.1: seconds after the previous event
	TimeAny                           // *: any time
	TimeRange                         // 0.1~0.2: an absolute range
	TimeRelativeRange                 // +0.1~+0.2: a range after the previous event
)

// Time is when an event happens. Start and End are in seconds; End is set for the two
// range kinds only.
type Time struct {
	Kind       TimeKind
	Start, End float64
}

// Event is one line (or block) of the script's body: a time and one action. Exactly one
// of Packet, Call, Command and Code is set.
type Event struct {
	// Line is the 1-based line the event starts on.
	Line int
	Time Time
	// Text is the event's source text with runs of white space folded to one space, for
	// messages.
	Text    string
	Packet  *Packet
	Call    *Call
	Command *Command
	Code    *Code
}

// Direction is a packet's direction as the script writes it.
type Direction byte

const (
	Inbound  Direction = '<' // injected by the script into the endpoint under test
	Outbound Direction = '>' // sent by the endpoint under test, which the script expects
)

// Protocol is the transport of a packet line.
type Protocol uint8

// Protocols. Only TCP lines carry the fields below Flags; UDP and ICMP lines are parsed so
// that a runner can say it does not judge them.
const (
	ProtoTCP Protocol = iota
	ProtoUDP
	ProtoICMP
)

// Flag bits of a TCP packet line, one per letter packetdrill writes: S SYN, F FIN, R RST,
// P PSH, '.' ACK, U URG, E ECE, W CWR. "-" is no flag at all.
type Flags uint8

const (
	FlagSYN Flags = 1 << iota
	FlagFIN
	FlagRST
	FlagPSH
	FlagACK
	FlagURG
	FlagECE
	FlagCWR
)

// Packet is a packet line: "< S 0:0(0) win 32792 <mss 1000,nop,wscale 7>",
// "> S. 0:0(0) ack 1 <...>", "< . 1:1(0) ack 1 win 257".
type Packet struct {
	Dir   Direction
	Proto Protocol
	// ECN is the "[ect0]"-style IP info before the flags, as written without brackets
	// ("" when absent).
	ECN string
	// Flags are the TCP flags; FlagsText is how they were written ("S.", "F.", "-").
	Flags     Flags
	FlagsText string
	// Seq, End and Len are "seq:end(len)" as written: the first sequence number, the
	// sequence number after the data, and the data length in bytes. packetdrill writes
	// them relative to the script's own numbering (see the runner).
	Seq, End, Len uint32
	// Ack is set when the line has "ack N".
	HasAck bool
	Ack    uint32
	// Win is set when the line has "win N".
	HasWin bool
	Win    uint32
	// Options is the TCP option list between < and >, one entry per option as written
	// ("mss 1000", "sackOK", "nop", "TS val 100 ecr 0", "wscale 7"); OptionsAny is set for
	// "<...>", which matches any options. Both are empty when the line has no options.
	Options    []string
	OptionsAny bool
	// UDPLen is the length of a UDP line, "udp (100)".
	UDPLen uint32
	// ICMP is the rest of an ICMP line as written ("unreachable port_unreachable").
	ICMP string
}

// Call is a system call line: "connect(3, ..., ...) = -1 EINPROGRESS (Operation now in
// progress)", "accept(3, ..., ...) = 4", "0.1...0.2 read(4, ..., 1000) = 1000".
type Call struct {
	// Name is the function name: socket, bind, listen, connect, accept, write, ...
	Name string
	Args []Expr
	// Result is the expression after "=".
	Result Expr
	// Errno is the symbolic error after the result ("EINPROGRESS"), "" when absent.
	Errno string
	// Note is the parenthesised text after the errno or result, "" when absent.
	Note string
	// Blocking is set for "...END" before the name: the call blocks until time End
	// (seconds, absolute or relative as the event's own time).
	Blocking bool
	End      float64
}

// ExprKind is the kind of an expression in a system call.
type ExprKind uint8

// Expression kinds, after packetdrill's expression rule.
const (
	ExprEllipsis ExprKind = iota // ...
	ExprInt                      // 3, -1, 0x1f
	ExprWord                     // SOCK_STREAM, O_NONBLOCK, SOL_SOCKET
	ExprString                   // "abc"; StringEllipsis: "abc"...
	ExprBinary                   // a | b (Op is "|")
	ExprArray                    // [1], [ECONNREFUSED], []
	ExprStruct                   // {onoff=1, linger=0}, {fd=3, events=POLLOUT}, {sa_family=AF_INET, ...}
	ExprFunc                     // htons(8080), inet_addr("192.0.2.1")
)

// Expr is one expression. Which fields mean something depends on Kind.
type Expr struct {
	Kind ExprKind
	// Int is the value of ExprInt.
	Int int64
	// Text is the word of ExprWord and ExprFunc (the function's name), the unquoted
	// string of ExprString, the operator of ExprBinary.
	Text string
	// StringEllipsis is set for a string followed by "...".
	StringEllipsis bool
	// List holds the two operands of ExprBinary, the elements of ExprArray and the
	// arguments of ExprFunc.
	List []Expr
	// Fields are the members of ExprStruct, in order.
	Fields []Field
}

// Field is "name=value" inside braces.
type Field struct {
	Name  string
	Value Expr
}

// Command is a backquoted shell command: `sysctl -q net.ipv4.tcp_timestamps=0`.
type Command struct {
	Text string // without the backquotes
}

// Code is a %{ ... }% block of Python.
type Code struct {
	Text string // without the %{ and }%
}
