package replay

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/moatdev/moat/suricata"
)

// Limits on what the HTTP parser buffers; beyond them the data is counted and skipped.
const (
	maxHeaderBytes = 64 * 1024
	maxBodyBytes   = 1 << 20
)

// httpTx is one request/response pair.
type httpTx struct {
	id          int
	method      string
	uri         []byte // raw target
	normURI     []byte
	protocol    string
	reqLine     []byte
	reqHeaders  []header
	reqRaw      []byte
	reqBody     []byte
	reqDone     bool
	status      int
	statusMsg   string
	respProto   string
	respLine    []byte
	respHeaders []header
	respRaw     []byte
	respBody    []byte
	respLen     int
	respDone    bool
	respSeen    bool
	logged      bool

	reqBufs, reqHdrBufs, respBufs []bufVal // prepared sticky buffers
}

type header struct{ name, value string }

func (tx *httpTx) get(hs []header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.name, name) {
			return h.value
		}
	}
	return ""
}

// httpHalf parses one direction of an HTTP/1.x connection.
type httpHalf struct {
	buf        []byte
	inBody     bool
	bodyLeft   int // -1: until close
	chunked    bool
	chunkState int // 0 size line, 1 data, 2 CRLF after data, 3 trailers
	chunkLeft  int
	cur        *httpTx
	broken     bool
}

type httpState struct {
	keepReqBody, keepRespBody bool // some rule reads the body buffers
	txs                       []*httpTx
	req, rsp                  httpHalf
	nextResp                  int // index of the tx the next response belongs to
	errors                    int
}

// httpEvent says what became complete.
type httpEvent struct {
	tx       *httpTx
	toServer bool
	headers  bool // headers complete (else: body complete)
}

func (h *httpState) feed(data []byte, toServer bool, out []httpEvent) []httpEvent {
	half := &h.rsp
	if toServer {
		half = &h.req
	}
	if half.broken {
		return out
	}
	// Fast path: body bytes of a known length need no buffering.
	if half.inBody && !half.chunked && len(half.buf) == 0 && half.bodyLeft != 0 {
		n := len(data)
		if half.bodyLeft > 0 {
			n = min(n, half.bodyLeft)
		}
		h.keepBody(half.cur, toServer, data[:n])
		data = data[n:]
		if half.bodyLeft > 0 {
			half.bodyLeft -= n
			if half.bodyLeft == 0 {
				half.inBody = false
				if toServer {
					half.cur.reqDone = true
				} else {
					half.cur.respDone = true
				}
				out = append(out, httpEvent{tx: half.cur, toServer: toServer})
			}
		}
		if len(data) == 0 {
			return out
		}
	}
	half.buf = append(half.buf, data...)
	for {
		if !half.inBody {
			end, sep := headerEnd(half.buf)
			if end < 0 {
				if len(half.buf) > maxHeaderBytes {
					half.broken = true
					h.errors++
				}
				return out
			}
			block := half.buf[:end]
			rest := half.buf[end+sep:]
			var ok bool
			if toServer {
				ok = h.parseRequest(block)
			} else {
				ok = h.parseResponse(block)
			}
			if !ok {
				half.broken = true
				h.errors++
				return out
			}
			half.buf = append(half.buf[:0], rest...)
			out = append(out, httpEvent{tx: half.cur, toServer: toServer, headers: true})
			half.inBody = true
			h.setupBody(half, toServer)
		}
		if half.inBody {
			done := h.body(half, toServer)
			if !done {
				return out
			}
			half.inBody = false
			tx := half.cur
			if toServer {
				tx.reqDone = true
			} else {
				tx.respDone = true
			}
			out = append(out, httpEvent{tx: tx, toServer: toServer})
			if len(half.buf) == 0 {
				return out
			}
		}
	}
}

func headerEnd(b []byte) (int, int) {
	// Skip leading blank lines (allowed between messages).
	i := bytes.Index(b, []byte("\r\n\r\n"))
	j := bytes.Index(b, []byte("\n\n"))
	if i >= 0 && (j < 0 || i <= j) {
		return i, 4
	}
	if j >= 0 {
		return j, 2
	}
	return -1, 0
}

func splitLines(b []byte) [][]byte {
	lines := bytes.Split(b, []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte("\r"))
	}
	return lines
}

func parseHeaders(lines [][]byte) []header {
	var hs []header
	for _, l := range lines {
		if len(l) == 0 {
			continue
		}
		if (l[0] == ' ' || l[0] == '\t') && len(hs) > 0 {
			hs[len(hs)-1].value += " " + strings.TrimSpace(string(l))
			continue
		}
		n, v, ok := bytes.Cut(l, []byte(":"))
		if !ok {
			continue
		}
		hs = append(hs, header{name: string(bytes.TrimSpace(n)), value: string(bytes.TrimSpace(v))})
	}
	return hs
}

func (h *httpState) parseRequest(block []byte) bool {
	block = bytes.TrimLeft(block, "\r\n")
	lines := splitLines(block)
	line := lines[0]
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 <= 0 {
		return false
	}
	method := string(line[:sp1])
	if !isToken(method) {
		return false
	}
	rest := line[sp1+1:]
	// The target runs to the last " HTTP/"; a target with spaces stays whole.
	proto := ""
	target := rest
	if k := bytes.LastIndex(rest, []byte(" HTTP/")); k >= 0 {
		target, proto = rest[:k], string(rest[k+1:])
	}
	tx := &httpTx{id: len(h.txs), method: method, uri: append([]byte(nil), target...), protocol: proto,
		reqLine: append([]byte(nil), line...), reqHeaders: parseHeaders(lines[1:]), reqRaw: append([]byte(nil), block...)}
	tx.normURI = suricata.NormalizeURI(nil, tx.uri)
	h.txs = append(h.txs, tx)
	h.req.cur = tx
	return true
}

func isToken(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return true
}

func (h *httpState) parseResponse(block []byte) bool {
	block = bytes.TrimLeft(block, "\r\n")
	lines := splitLines(block)
	line := lines[0]
	if !bytes.HasPrefix(line, []byte("HTTP/")) {
		return false
	}
	parts := strings.SplitN(string(line), " ", 3)
	if len(parts) < 2 {
		return false
	}
	code, err := strconv.Atoi(parts[1])
	if err != nil {
		return false
	}
	var tx *httpTx
	if h.nextResp < len(h.txs) {
		tx = h.txs[h.nextResp]
	} else {
		tx = &httpTx{id: len(h.txs)} // a response without a request seen
		h.txs = append(h.txs, tx)
	}
	if code >= 100 && code < 200 && code != 101 {
		// Interim response: keep waiting for the final one.
		h.rsp.cur = &httpTx{}
		return true
	}
	h.nextResp++
	tx.respSeen = true
	tx.status, tx.respProto = code, parts[0]
	if len(parts) > 2 {
		tx.statusMsg = parts[2]
	}
	tx.respLine = append([]byte(nil), line...)
	tx.respHeaders = parseHeaders(lines[1:])
	tx.respRaw = append([]byte(nil), block...)
	h.rsp.cur = tx
	return true
}

func (h *httpState) setupBody(half *httpHalf, toServer bool) {
	tx := half.cur
	hs := tx.reqHeaders
	if !toServer {
		hs = tx.respHeaders
	}
	half.chunked, half.chunkState, half.bodyLeft = false, 0, 0
	if strings.Contains(strings.ToLower(tx.get(hs, "Transfer-Encoding")), "chunked") {
		half.chunked = true
		return
	}
	if cl := tx.get(hs, "Content-Length"); cl != "" {
		if n, err := strconv.Atoi(cl); err == nil && n >= 0 {
			half.bodyLeft = n
			// Size the kept body once instead of growing it.
			if toServer && h.keepReqBody && tx.reqBody == nil {
				tx.reqBody = make([]byte, 0, min(n, maxBodyBytes))
			} else if !toServer && h.keepRespBody && tx.respBody == nil {
				tx.respBody = make([]byte, 0, min(n, maxBodyBytes))
			}
			return
		}
	}
	if !toServer && tx.status != 204 && tx.status != 304 && tx.method != "HEAD" && tx.status != 101 && tx.method != "CONNECT" && tx.status >= 200 {
		half.bodyLeft = -1 // until the connection closes
	}
}

// keepBody counts body bytes and keeps them (up to maxBodyBytes) when a rule reads them.
func (h *httpState) keepBody(tx *httpTx, toServer bool, chunk []byte) {
	n := len(chunk)
	if toServer {
		if h.keepReqBody && len(tx.reqBody) < maxBodyBytes {
			tx.reqBody = append(tx.reqBody, chunk[:min(n, maxBodyBytes-len(tx.reqBody))]...)
		}
		return
	}
	tx.respLen += n
	if h.keepRespBody && len(tx.respBody) < maxBodyBytes {
		tx.respBody = append(tx.respBody, chunk[:min(n, maxBodyBytes-len(tx.respBody))]...)
	}
}

// body consumes body bytes; it reports whether the body is complete.
func (h *httpState) body(half *httpHalf, toServer bool) bool {
	tx := half.cur
	take := func(n int) {
		h.keepBody(tx, toServer, half.buf[:n])
		half.buf = half.buf[n:]
	}
	if !half.chunked {
		if half.bodyLeft < 0 {
			take(len(half.buf))
			return false
		}
		n := min(half.bodyLeft, len(half.buf))
		take(n)
		half.bodyLeft -= n
		return half.bodyLeft == 0
	}
	for {
		switch half.chunkState {
		case 0, 3:
			i := bytes.IndexByte(half.buf, '\n')
			if i < 0 {
				return false
			}
			line := strings.TrimSpace(string(half.buf[:i]))
			half.buf = half.buf[i+1:]
			if half.chunkState == 3 {
				if line == "" {
					return true
				}
				continue
			}
			if j := strings.IndexByte(line, ';'); j >= 0 {
				line = line[:j]
			}
			n, err := strconv.ParseInt(strings.TrimSpace(line), 16, 32)
			if err != nil || n < 0 {
				half.broken = true
				h.errors++
				return false
			}
			if n == 0 {
				half.chunkState = 3
				continue
			}
			half.chunkLeft, half.chunkState = int(n), 1
		case 1:
			n := min(half.chunkLeft, len(half.buf))
			take(n)
			half.chunkLeft -= n
			if half.chunkLeft > 0 {
				return false
			}
			half.chunkState = 2
		case 2:
			i := bytes.IndexByte(half.buf, '\n')
			if i < 0 {
				return false
			}
			half.buf = half.buf[i+1:]
			half.chunkState = 0
		}
	}
}

// close ends the response at connection close: a body that runs until
// close, or headers the server never terminated with a blank line (libhtp
// accepts both).
func (h *httpState) close() []httpEvent {
	half := &h.rsp
	var out []httpEvent
	if !half.inBody && !half.broken && len(bytes.TrimSpace(half.buf)) > 0 {
		if !h.parseResponse(bytes.TrimRight(half.buf, "\r\n")) {
			h.errors++
			return nil
		}
		half.buf = half.buf[:0]
		half.cur.respDone = true
		return append(out, httpEvent{tx: half.cur, headers: true}, httpEvent{tx: half.cur})
	}
	if half.inBody && !half.chunked && half.bodyLeft < 0 && half.cur != nil {
		half.inBody = false
		half.cur.respDone = true
		return append(out, httpEvent{tx: half.cur})
	}
	return nil
}

// bufVal is one prepared sticky buffer.
type bufVal struct {
	b suricata.Buffer
	v []byte
}

// setBuffers fills the HTTP sticky buffers of tx for a packet going in the
// given direction. The buffers are built once per transaction and side.
func (tx *httpTx) setBuffers(p *suricata.Packet, toServer bool) {
	if tx.reqLine != nil {
		if tx.reqBufs == nil {
			tx.reqBufs = tx.buildRequestBuffers()
		}
		for _, bv := range tx.reqBufs {
			p.SetBuffer(bv.b, bv.v)
		}
		if tx.reqDone && len(tx.reqBody) > 0 {
			p.SetBuffer(suricata.BufHTTPRequestBody, tx.reqBody)
		}
	}
	if toServer {
		if tx.reqRaw != nil {
			if tx.reqHdrBufs == nil {
				tx.reqHdrBufs = headerBuffers(tx.reqHeaders, tx.reqRaw, "Cookie", tx.protocol)
			}
			for _, bv := range tx.reqHdrBufs {
				p.SetBuffer(bv.b, bv.v)
			}
		}
		return
	}
	if tx.respLine == nil {
		return
	}
	if tx.respBufs == nil {
		tx.respBufs = append(headerBuffers(tx.respHeaders, tx.respRaw, "Set-Cookie", tx.respProto),
			bufVal{suricata.BufHTTPStatCode, []byte(strconv.Itoa(tx.status))},
			bufVal{suricata.BufHTTPStatMsg, []byte(tx.statusMsg)},
			bufVal{suricata.BufHTTPResponseLine, tx.respLine})
		tx.respBufs = appendHeader(tx.respBufs, suricata.BufHTTPServer, tx.respHeaders, "Server")
		tx.respBufs = appendHeader(tx.respBufs, suricata.BufHTTPLocation, tx.respHeaders, "Location")
	}
	for _, bv := range tx.respBufs {
		p.SetBuffer(bv.b, bv.v)
	}
	if tx.respDone && len(tx.respBody) > 0 {
		p.SetBuffer(suricata.BufHTTPResponseBody, tx.respBody)
	}
}

// buildRequestBuffers prepares the request-line and request-only buffers,
// which both directions of the transaction see.
func (tx *httpTx) buildRequestBuffers() []bufVal {
	out := []bufVal{{suricata.BufHTTPURI, tx.normURI}, {suricata.BufHTTPRawURI, tx.uri},
		{suricata.BufHTTPMethod, []byte(tx.method)}, {suricata.BufHTTPRequestLine, tx.reqLine}}
	if hasHeader(tx.reqHeaders, "Host") {
		host := tx.get(tx.reqHeaders, "Host")
		out = append(out, bufVal{suricata.BufHTTPRawHost, []byte(host)}, bufVal{suricata.BufHTTPHost, []byte(normHost(host))})
	}
	for _, h := range []struct {
		b    suricata.Buffer
		name string
	}{{suricata.BufHTTPUserAgent, "User-Agent"}, {suricata.BufHTTPReferer, "Referer"}, {suricata.BufHTTPAccept, "Accept"},
		{suricata.BufHTTPAcceptEnc, "Accept-Encoding"}, {suricata.BufHTTPAcceptLang, "Accept-Language"}} {
		out = appendHeader(out, h.b, tx.reqHeaders, h.name)
	}
	return out
}

// headerBuffers prepares the buffers one side's header block yields.
func headerBuffers(hs []header, raw []byte, cookie, proto string) []bufVal {
	var hb, names []byte
	names = append(names, "\r\n"...)
	for _, h := range hs {
		if strings.EqualFold(h.name, "Cookie") || strings.EqualFold(h.name, "Set-Cookie") {
			continue // Suricata keeps cookies out of http.header
		}
		hb = append(hb, h.name...)
		hb = append(hb, ": "...)
		hb = append(hb, h.value...)
		hb = append(hb, "\r\n"...)
		names = append(names, h.name...)
		names = append(names, "\r\n"...)
	}
	names = append(names, "\r\n"...)
	out := []bufVal{{suricata.BufHTTPHeader, hb}, {suricata.BufHTTPHeaderNames, names}, {suricata.BufHTTPRawHeader, raw},
		{suricata.BufHTTPStart, append(append([]byte(nil), raw...), "\r\n\r\n"...)}}
	if proto != "" {
		out = append(out, bufVal{suricata.BufHTTPProtocol, []byte(proto)})
	}
	out = appendHeader(out, suricata.BufHTTPCookie, hs, cookie)
	out = appendHeader(out, suricata.BufHTTPContentType, hs, "Content-Type")
	out = appendHeader(out, suricata.BufHTTPContentLen, hs, "Content-Length")
	return appendHeader(out, suricata.BufHTTPConnection, hs, "Connection")
}

func appendHeader(out []bufVal, b suricata.Buffer, hs []header, name string) []bufVal {
	for _, h := range hs {
		if strings.EqualFold(h.name, name) {
			return append(out, bufVal{b, []byte(h.value)})
		}
	}
	return out
}

func hasHeader(hs []header, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.name, name) {
			return true
		}
	}
	return false
}

// normHost lower-cases the Host header and drops the port (http.host).
func normHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if strings.HasPrefix(h, "[") {
		if i := strings.IndexByte(h, ']'); i > 0 {
			return h[:i+1]
		}
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 && strings.Count(h, ":") == 1 {
		return h[:i]
	}
	return h
}
