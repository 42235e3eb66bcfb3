package proxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moatdev/moat/suricata"
)

// Inspector evaluates packets: *nfw.Firewall (a whole policy),
// *nfw.Stateful or *suricata.Engine.
type Inspector interface {
	Inspect(p *suricata.Packet, fs *suricata.FlowState, th *suricata.Thresholds, sc *suricata.Scratch) *suricata.Verdict
	NewScratch() *suricata.Scratch
}

// Config configures a Proxy. Only Inspector is required.
type Config struct {
	Inspector Inspector
	// Resolve maps a host name to addresses (default: the system
	// resolver). Tests inject their own; IP literals are not resolved.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	// Dial opens the upstream connection to the resolved address (default:
	// a net.Dialer).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// AlertLog and FlowLog receive Network Firewall log records (JSON
	// lines); nil writes none. They may be the same writer.
	AlertLog, FlowLog io.Writer
	// FirewallName and AvailabilityZone fill the log envelope.
	FirewallName, AvailabilityZone string
	// ErrorLog receives one line per refused connection and per bad
	// input (default: standard error).
	ErrorLog *log.Logger
	// HandshakeTimeout bounds reading a request's head and a ClientHello
	// (default 10s); DialTimeout the upstream dial (default 10s);
	// ResponseTimeout the wait for an upstream HTTP response's head
	// (default 30s); IdleTimeout a tunnel or keep-alive connection
	// without traffic (default 5m).
	HandshakeTimeout, DialTimeout, ResponseTimeout, IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's head (default 64 KiB); larger
	// requests get 431.
	MaxHeaderBytes int
	// AllowSNIMismatch lets a CONNECT tunnel to one host name carry a
	// ClientHello for another (domain fronting). By default the proxy
	// refuses it: Network Firewall sees only the SNI, but a proxy that
	// dials the CONNECT host while judging the SNI would let a client
	// reach a denied host under an allowed name.
	AllowSNIMismatch bool
}

// Proxy is an enforcing HTTP forward proxy. It is safe for concurrent use.
type Proxy struct {
	cfg    Config
	rec    *recorder
	logf   func(format string, args ...any)
	ctx    context.Context
	cancel context.CancelFunc

	imu sync.Mutex // guards the inspector's shared state
	th  *suricata.Thresholds
	sc  *suricata.Scratch

	flowID, pktNum atomic.Uint64

	mu     sync.Mutex
	lns    map[net.Listener]bool
	conns  map[net.Conn]bool
	closed bool
	wg     sync.WaitGroup
}

// New returns a proxy; call Serve with a listener.
func New(cfg Config) (*Proxy, error) {
	if cfg.Inspector == nil {
		return nil, errors.New("proxy: Config.Inspector is required")
	}
	if cfg.Resolve == nil {
		cfg.Resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	if cfg.Dial == nil {
		d := &net.Dialer{}
		cfg.Dial = d.DialContext
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.HandshakeTimeout, 10*time.Second)
	def(&cfg.DialTimeout, 10*time.Second)
	def(&cfg.ResponseTimeout, 30*time.Second)
	def(&cfg.IdleTimeout, 5*time.Minute)
	if cfg.MaxHeaderBytes <= 0 {
		cfg.MaxHeaderBytes = 64 << 10
	}
	if cfg.FirewallName == "" {
		cfg.FirewallName = "moat"
	}
	if cfg.AvailabilityZone == "" {
		cfg.AvailabilityZone = "us-east-1a"
	}
	if cfg.ErrorLog == nil {
		cfg.ErrorLog = log.New(os.Stderr, "", log.LstdFlags)
	}
	p := &Proxy{cfg: cfg, rec: newRecorder(cfg.AlertLog, cfg.FlowLog, cfg.FirewallName, cfg.AvailabilityZone),
		th: suricata.NewThresholds(), sc: cfg.Inspector.NewScratch(), lns: map[net.Listener]bool{}, conns: map[net.Conn]bool{}}
	p.logf = func(format string, args ...any) { cfg.ErrorLog.Printf("moat nfw proxy: "+format, args...) }
	p.ctx, p.cancel = context.WithCancel(context.Background())
	// Flow ids: Suricata's are opaque 64-bit numbers; these stay below
	// 2^53 so that JSON readers using doubles keep them exact.
	p.flowID.Store(uint64(time.Now().UnixNano()) & (1<<52 - 1))
	return p, nil
}

// ErrClosed is returned by Serve after Close.
var ErrClosed = errors.New("proxy: closed")

// Serve accepts connections on l until Close (then returns ErrClosed) or
// an accept error.
func (p *Proxy) Serve(l net.Listener) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		l.Close()
		return ErrClosed
	}
	p.lns[l] = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.lns, l)
		p.mu.Unlock()
	}()
	var delay time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			p.mu.Lock()
			closed := p.closed
			p.mu.Unlock()
			if closed {
				return ErrClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		if !p.track(c) {
			c.Close()
			return ErrClosed
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.untrack(c)
			defer c.Close()
			p.handle(c)
		}()
	}
}

func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = true
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// Close stops the listeners, closes every connection and waits for the
// connection handlers to return.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		p.cancel()
		for l := range p.lns {
			l.Close()
		}
		for c := range p.conns {
			c.Close()
		}
	}
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

// limitReader reads the client connection. It fails reads once n bytes
// have been read (bounding request heads; body reads lift the limit) and,
// when idle is set, pushes the read deadline before each read (bodies).
type limitReader struct {
	r    net.Conn
	n    int64
	idle time.Duration
}

var errHeadTooLarge = errors.New("request head too large")

func (l *limitReader) Read(b []byte) (int, error) {
	if l.n <= 0 {
		return 0, errHeadTooLarge
	}
	if int64(len(b)) > l.n {
		b = b[:l.n]
	}
	if l.idle > 0 {
		l.r.SetReadDeadline(time.Now().Add(l.idle))
	}
	n, err := l.r.Read(b)
	l.n -= int64(n)
	return n, err
}

const unlimited = 1 << 62

// session is one client connection.
type session struct {
	p    *Proxy
	c    net.Conn
	br   *bufio.Reader
	lim  *limitReader
	cli  netip.AddrPort
	name string // for log lines
	// plain HTTP: the current upstream flow
	up  *upstream
	txs uint64
}

type upstream struct {
	f    *flow
	conn *countConn
	br   *bufio.Reader
	key  string // host:port
}

func (p *Proxy) handle(c net.Conn) {
	s := &session{p: p, c: c, name: c.RemoteAddr().String()}
	s.cli = addrPort(c.RemoteAddr())
	s.lim = &limitReader{r: c, n: unlimited}
	s.br = bufio.NewReaderSize(s.lim, 4096)
	defer s.closeUpstream()
	for {
		s.lim.n, s.lim.idle = int64(s.p.cfg.MaxHeaderBytes), 0
		deadline := p.cfg.IdleTimeout
		if s.txs == 0 {
			deadline = p.cfg.HandshakeTimeout
		}
		c.SetReadDeadline(time.Now().Add(deadline))
		req, err := http.ReadRequest(s.br)
		if err != nil {
			s.badRequest(err)
			return
		}
		s.lim.n, s.lim.idle = unlimited, p.cfg.IdleTimeout
		if req.Method == http.MethodConnect {
			if s.txs > 0 || s.up != nil {
				s.closeUpstream()
			}
			s.connect(req)
			return
		}
		if !s.forward(req) {
			return
		}
	}
}

func (s *session) badRequest(err error) {
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF) && s.br.Buffered() == 0:
		return // the client closed between requests
	case s.lim.n <= 0 || errors.Is(err, errHeadTooLarge):
		s.p.logf("%s: request head larger than %d bytes: 431, connection closed", s.name, s.p.cfg.MaxHeaderBytes)
		s.reply(http.StatusRequestHeaderFieldsTooLarge, fmt.Sprintf("request head larger than %d bytes\n", s.p.cfg.MaxHeaderBytes))
	case errors.As(err, &ne) && ne.Timeout():
		if s.txs == 0 {
			s.p.logf("%s: no complete request within %s: connection closed", s.name, s.p.cfg.HandshakeTimeout)
		}
	case errors.Is(err, net.ErrClosed):
	default:
		s.p.logf("%s: malformed HTTP request: %v: 400, connection closed", s.name, err)
		s.reply(http.StatusBadRequest, "malformed HTTP request: "+err.Error()+"\n")
	}
}

// reply writes a short response and marks the connection for closing.
func (s *session) reply(status int, body string) {
	s.c.SetWriteDeadline(time.Now().Add(s.p.cfg.HandshakeTimeout))
	fmt.Fprintf(s.c, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), len(body), body)
}

func addrPort(a net.Addr) netip.AddrPort {
	if ta, ok := a.(*net.TCPAddr); ok {
		ap := ta.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}

// splitTarget splits host[:port] and checks the host is a DNS name or an IP.
func splitTarget(hostport string, defPort uint16) (string, uint16, error) {
	host, portStr, err := net.SplitHostPort(hostport)
	if err != nil {
		if strings.Contains(err.Error(), "missing port") && defPort != 0 {
			host, portStr = strings.Trim(hostport, "[]"), strconv.Itoa(int(defPort))
		} else {
			return "", 0, fmt.Errorf("target %q: %v", hostport, err)
		}
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil || port == 0 {
		return "", 0, fmt.Errorf("target %q: bad port", hostport)
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" || len(host) > 253 {
		return "", 0, fmt.Errorf("target %q: bad host", hostport)
	}
	if _, err := netip.ParseAddr(host); err != nil {
		for i := 0; i < len(host); i++ {
			c := host[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
				return "", 0, fmt.Errorf("target %q: host has character %q", hostport, c)
			}
		}
	}
	return host, uint16(port), nil
}

// resolve returns the address to evaluate and dial.
func (p *Proxy) resolve(host string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap(), nil
	}
	ctx, cancel := context.WithTimeout(p.ctx, p.cfg.DialTimeout)
	defer cancel()
	as, err := p.cfg.Resolve(ctx, host)
	if err != nil {
		return netip.Addr{}, err
	}
	if len(as) == 0 {
		return netip.Addr{}, fmt.Errorf("no address for %s", host)
	}
	// Prefer IPv4, as most dialers do.
	sort.SliceStable(as, func(i, j int) bool { return as[i].Unmap().Is4() && !as[j].Unmap().Is4() })
	return as[0].Unmap(), nil
}

func (p *Proxy) dial(dst netip.AddrPort, f *flow) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(p.ctx, p.cfg.DialTimeout)
	defer cancel()
	c, err := p.cfg.Dial(ctx, "tcp", dst.String())
	if err != nil {
		return nil, err
	}
	if !p.track(c) {
		c.Close()
		return nil, ErrClosed
	}
	return &countConn{Conn: c, f: f, p: p}, nil
}

// countConn counts the bytes relayed to (writes) and from (reads) the
// upstream, for the flow log.
type countConn struct {
	net.Conn
	f    *flow
	p    *Proxy
	idle time.Duration // when set, the deadline is pushed before each read and write
}

func (c *countConn) Read(b []byte) (int, error) {
	if c.idle > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	}
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.f.pkts[1].Add(1)
		c.f.bytes[1].Add(uint64(n))
	}
	return n, err
}

func (c *countConn) Write(b []byte) (int, error) {
	if c.idle > 0 {
		c.Conn.SetWriteDeadline(time.Now().Add(c.idle))
	}
	n, err := c.Conn.Write(b)
	if n > 0 {
		c.f.pkts[0].Add(1)
		c.f.bytes[0].Add(uint64(n))
	}
	return n, err
}

func (c *countConn) Close() error {
	c.p.untrack(c.Conn)
	return c.Conn.Close()
}

// connect handles a CONNECT tunnel: the 5-tuple is evaluated (handshake),
// the ClientHello read and its SNI evaluated, and only then is the
// upstream dialed.
func (s *session) connect(req *http.Request) {
	p := s.p
	host, port, err := splitTarget(req.Host, 0)
	if err != nil {
		p.logf("%s: CONNECT: %v: 400", s.name, err)
		s.reply(http.StatusBadRequest, "CONNECT: "+err.Error()+"\n")
		return
	}
	target := net.JoinHostPort(host, strconv.Itoa(int(port)))
	s.lim.idle = 0 // the ClientHello deadline below, then splice's
	addr, err := p.resolve(host)
	if err != nil {
		p.logf("%s: CONNECT %s: cannot resolve: %v: 502", s.name, target, err)
		s.reply(http.StatusBadGateway, "cannot resolve "+host+"\n")
		return
	}
	f := p.newFlow(s.cli, netip.AddrPortFrom(addr, port), suricata.AppTLS)
	defer f.end()
	if r := f.handshake(); r != nil {
		p.logf("%s: CONNECT %s (%s): refused by %s on the TCP handshake: 403", s.name, target, f.srv, ruleName(r))
		s.reply(http.StatusForbidden, refusal(r))
		return
	}
	if _, err := io.WriteString(s.c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	s.c.SetReadDeadline(time.Now().Add(p.cfg.HandshakeTimeout))
	raw, hello, err := ReadClientHello(s.br)
	s.c.SetReadDeadline(time.Time{})
	if err != nil {
		f.pkts[0].Add(1)
		f.bytes[0].Add(uint64(len(raw)))
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout():
			p.logf("%s: CONNECT %s: no ClientHello within %s: connection closed", s.name, target, p.cfg.HandshakeTimeout)
		case errors.Is(err, ErrNotTLS):
			p.logf("%s: CONNECT %s: %v: connection closed (the proxy tunnels TLS only)", s.name, target, err)
		default:
			p.logf("%s: CONNECT %s: %v: connection closed", s.name, target, err)
		}
		return
	}
	f.sni, f.tlsVersion = hello.SNI, hello.TLSVersion
	if hello.SNI != "" && !p.cfg.AllowSNIMismatch && !strings.EqualFold(strings.TrimSuffix(hello.SNI, "."), host) {
		if _, err := netip.ParseAddr(host); err != nil {
			f.pkts[0].Add(1)
			f.bytes[0].Add(uint64(len(raw)))
			p.logf("%s: CONNECT %s: ClientHello names %q, not the CONNECT host: connection closed", s.name, target, hello.SNI)
			return
		}
	}
	if r := f.data(raw, func(pk *suricata.Packet) {
		if hello.SNI != "" {
			pk.SetBuffer(suricata.BufTLSSNI, []byte(hello.SNI))
		}
		pk.SetBuffer(suricata.BufTLSVersion, []byte(hello.TLSVersion))
		pk.SetBuffer(suricata.BufJA3Hash, []byte(hello.JA3Hash))
		pk.SetBuffer(suricata.BufJA3String, []byte(hello.JA3))
	}); r != nil {
		f.pkts[0].Add(1)
		f.bytes[0].Add(uint64(len(raw)))
		p.logf("%s: CONNECT %s: TLS SNI %q refused by %s: connection closed before the handshake", s.name, target, hello.SNI, ruleName(r))
		if r.Action == suricata.ActionReject {
			if tc, ok := s.c.(*net.TCPConn); ok {
				tc.SetLinger(0) // reject: TCP reset
			}
		}
		return
	}
	up, err := p.dial(f.srv, f)
	if err != nil {
		p.logf("%s: CONNECT %s (%s): upstream: %v: connection closed", s.name, target, f.srv, err)
		return
	}
	defer up.Close()
	if _, err := up.Write(raw); err != nil {
		p.logf("%s: CONNECT %s: upstream: %v: connection closed", s.name, target, err)
		return
	}
	p.splice(s.c, s.br, up)
}

// splice relays both ways until either side ends or idles out, then
// closes both.
func (p *Proxy) splice(cli net.Conn, cliR io.Reader, up net.Conn) {
	done := make(chan struct{}, 2)
	cp := func(dst net.Conn, src net.Conn, r io.Reader) {
		buf := make([]byte, 32<<10)
		for {
			src.SetReadDeadline(time.Now().Add(p.cfg.IdleTimeout))
			n, err := r.Read(buf)
			if n > 0 {
				dst.SetWriteDeadline(time.Now().Add(p.cfg.IdleTimeout))
				if _, werr := dst.Write(buf[:n]); werr != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		done <- struct{}{}
	}
	go cp(up, cli, cliR)
	go cp(cli, up, up)
	<-done
	cli.Close()
	up.Close()
	<-done
}

// hopHeaders are removed when forwarding (RFC 9110 7.6.1).
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Upgrade"}

func removeHop(h http.Header) {
	for _, v := range h.Values("Connection") {
		for _, k := range strings.Split(v, ",") {
			if k = strings.TrimSpace(k); k != "" {
				h.Del(k)
			}
		}
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
}

// forward handles one plain HTTP request; it reports whether the client
// connection stays open.
func (s *session) forward(req *http.Request) bool {
	p := s.p
	defer req.Body.Close()
	if req.URL == nil || !strings.EqualFold(req.URL.Scheme, "http") || req.URL.Host == "" {
		msg := "the proxy takes absolute-form http:// requests (and CONNECT for TLS)"
		p.logf("%s: %s %s: %s: 400", s.name, req.Method, req.RequestURI, msg)
		s.reply(http.StatusBadRequest, msg+"\n")
		return false
	}
	host, port, err := splitTarget(req.URL.Host, 80)
	if err != nil {
		p.logf("%s: %s: %v: 400", s.name, req.Method, err)
		s.reply(http.StatusBadRequest, err.Error()+"\n")
		return false
	}
	target := net.JoinHostPort(host, strconv.Itoa(int(port)))
	s.txs++
	if s.up != nil && s.up.key != target {
		s.closeUpstream()
	}
	if s.up == nil {
		addr, err := p.resolve(host)
		if err != nil {
			p.logf("%s: %s %s: cannot resolve: %v: 502", s.name, req.Method, req.RequestURI, err)
			s.reply(http.StatusBadGateway, "cannot resolve "+host+"\n")
			return false
		}
		f := p.newFlow(s.cli, netip.AddrPortFrom(addr, port), suricata.AppHTTP)
		s.up = &upstream{f: f, key: target}
		if r := f.handshake(); r != nil {
			p.logf("%s: %s %s: refused by %s on the TCP handshake: 403", s.name, req.Method, req.RequestURI, ruleName(r))
			s.reply(http.StatusForbidden, refusal(r))
			return false
		}
	}
	f := s.up.f
	removeHop(req.Header)
	head := requestHead(req)
	hostBuf := strings.ToLower(req.Host)
	if h, _, err := net.SplitHostPort(hostBuf); err == nil {
		hostBuf = h
	}
	f.host, f.url, f.ua, f.method, f.proto = hostBuf, req.RequestURI, req.UserAgent(), req.Method, req.Proto
	r := f.data(head, func(pk *suricata.Packet) { setHTTPBuffers(pk, req, head, hostBuf) })
	if r != nil {
		f.pkts[0].Add(1)
		f.bytes[0].Add(uint64(len(head)))
		p.logf("%s: %s %s: refused by %s: 403", s.name, req.Method, req.RequestURI, ruleName(r))
		s.reply(http.StatusForbidden, refusal(r))
		return false
	}
	if s.up.conn == nil {
		c, err := p.dial(f.srv, f)
		if err != nil {
			p.logf("%s: %s %s (%s): upstream: %v: 502", s.name, req.Method, req.RequestURI, f.srv, err)
			s.reply(http.StatusBadGateway, "upstream "+target+" did not answer: "+err.Error()+"\n")
			return false
		}
		s.up.conn = c.(*countConn)
		s.up.br = bufio.NewReader(s.up.conn)
	}
	up := s.up
	cw := &idleWriter{s.c, p.cfg.IdleTimeout}
	if strings.EqualFold(req.Header.Get("Expect"), "100-continue") {
		// The request is allowed: let the client send its body.
		req.Header.Del("Expect")
		if _, err := io.WriteString(cw, "HTTP/1.1 100 Continue\r\n\r\n"); err != nil {
			return false
		}
	}
	up.conn.idle = p.cfg.IdleTimeout // the request body: idle time between writes
	if err := req.Write(up.conn); err != nil {
		p.logf("%s: %s %s: writing upstream: %v: 502", s.name, req.Method, req.RequestURI, err)
		s.reply(http.StatusBadGateway, "upstream "+target+": "+err.Error()+"\n")
		return false
	}
	up.conn.idle = 0
	up.conn.SetReadDeadline(time.Now().Add(p.cfg.ResponseTimeout))
	resp, err := http.ReadResponse(up.br, req)
	for err == nil && resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
		// Interim responses (103 Early Hints...) go to the client as they come.
		fmt.Fprintf(cw, "HTTP/1.1 %s\r\n", resp.Status)
		resp.Header.Write(cw)
		io.WriteString(cw, "\r\n")
		resp, err = http.ReadResponse(up.br, req)
	}
	if err == nil && resp.StatusCode == http.StatusSwitchingProtocols {
		resp.Body.Close()
		err = errors.New("upstream switched protocols without an Upgrade request")
	}
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			p.logf("%s: %s %s: upstream sent no response within %s: 504", s.name, req.Method, req.RequestURI, p.cfg.ResponseTimeout)
			s.reply(http.StatusGatewayTimeout, "upstream "+target+" sent no response\n")
		} else {
			p.logf("%s: %s %s: upstream response: %v: 502", s.name, req.Method, req.RequestURI, err)
			s.reply(http.StatusBadGateway, "upstream "+target+": bad response\n")
		}
		return false
	}
	defer resp.Body.Close()
	up.conn.idle = p.cfg.IdleTimeout // the body: idle time between reads
	removeHop(resp.Header)
	keep := !req.Close && !resp.Close
	resp.Close = !keep
	bw := bufio.NewWriterSize(cw, 8<<10)
	if err := resp.Write(bw); err != nil || bw.Flush() != nil {
		return false
	}
	if resp.Close || !keep {
		return false
	}
	return true
}

// idleWriter pushes the write deadline before each write.
type idleWriter struct {
	c    net.Conn
	idle time.Duration
}

func (w *idleWriter) Write(b []byte) (int, error) {
	w.c.SetWriteDeadline(time.Now().Add(w.idle))
	return w.c.Write(b)
}

func (s *session) closeUpstream() {
	if s.up == nil {
		return
	}
	if s.up.conn != nil {
		s.up.conn.Close()
	}
	s.up.f.end()
	s.up = nil
}

// requestHead rebuilds the request line and headers as they go upstream
// (the payload that payload rules see).
func requestHead(req *http.Request) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s %s\r\nHost: %s\r\n", req.Method, req.URL.RequestURI(), req.Proto, req.Host)
	req.Header.WriteSubset(&b, nil)
	b.WriteString("\r\n")
	return b.Bytes()
}

// setHTTPBuffers fills the request-side sticky buffers Suricata would.
func setHTTPBuffers(pk *suricata.Packet, req *http.Request, head []byte, host string) {
	raw := []byte(req.RequestURI)
	pk.SetBuffer(suricata.BufHTTPRawURI, raw)
	pk.SetBuffer(suricata.BufHTTPURI, suricata.NormalizeURI(nil, raw))
	pk.SetBuffer(suricata.BufHTTPMethod, []byte(req.Method))
	pk.SetBuffer(suricata.BufHTTPHost, []byte(host))
	pk.SetBuffer(suricata.BufHTTPRawHost, []byte(req.Host))
	pk.SetBuffer(suricata.BufHTTPProtocol, []byte(req.Proto))
	pk.SetBuffer(suricata.BufHTTPRequestLine, []byte(req.Method+" "+req.RequestURI+" "+req.Proto))
	if ua := req.UserAgent(); ua != "" {
		pk.SetBuffer(suricata.BufHTTPUserAgent, []byte(ua))
	}
	// http.header: the normalised header lines, without the request line.
	if i := bytes.Index(head, []byte("\r\n")); i >= 0 {
		pk.SetBuffer(suricata.BufHTTPHeader, head[i+2:])
		pk.SetBuffer(suricata.BufHTTPRawHeader, head[i+2:])
	}
	if c := req.Header.Get("Cookie"); c != "" {
		pk.SetBuffer(suricata.BufHTTPCookie, []byte(c))
	}
	if c := req.Header.Get("Content-Type"); c != "" {
		pk.SetBuffer(suricata.BufHTTPContentType, []byte(c))
	}
}

func ruleName(r *suricata.Rule) string {
	if r.SID == 0 {
		return r.Msg
	}
	return fmt.Sprintf("sid %d (%q)", r.SID, r.Msg)
}

// refusal is the 403 body naming the rule.
func refusal(r *suricata.Rule) string {
	if r.SID == 0 { // a default action or the stateless engine
		return fmt.Sprintf("Blocked by the network firewall policy: %s\n", r.Msg)
	}
	return fmt.Sprintf("Blocked by the network firewall policy: %s rule sid %d: %s\n", r.Action, r.SID, r.Msg)
}
