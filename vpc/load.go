package vpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// MaxFileSize bounds one input file.
const MaxFileSize = 512 << 20

// LoadDir reads every *.json file of dir as the output of an
// "aws ec2 describe-*" command (see Load) into one Network. A file with an
// error contributes nothing and its error is returned in errs (sorted by
// file); every good file is kept.
func LoadDir(dir string) (n *Network, errs []error) {
	n = NewNetwork("")
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return n, []error{err}
	}
	if len(names) == 0 {
		return n, []error{&LoadError{File: dir, Message: "no *.json files (expected aws ec2 describe-* outputs)"}}
	}
	sort.Strings(names)
	for _, name := range names {
		data, err := readFile(name)
		if err == nil {
			err = n.Load(name, data)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return n, errs
}

func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &LoadError{File: name, Message: err.Error(), Err: err}
	}
	if len(data) > MaxFileSize {
		return nil, &LoadError{File: name, Message: fmt.Sprintf("file is larger than %d bytes", MaxFileSize)}
	}
	return data, nil
}

// Load merges one JSON document into n: the output of aws ec2
// describe-vpcs, describe-subnets, describe-route-tables,
// describe-security-groups, describe-network-acls,
// describe-network-interfaces, describe-instances,
// describe-internet-gateways, describe-nat-gateways,
// describe-vpc-peering-connections, describe-managed-prefix-lists,
// describe-vpc-endpoints, or get-managed-prefix-list-entries (whose prefix
// list ID is taken from the file name, e.g. pl-0123abcd.json). One document
// may hold several of these top-level keys. On error n is unchanged.
func (n *Network) Load(name string, data []byte) error {
	l := &loader{name: name, data: data, t: NewNetwork("")}
	if err := l.document(); err != nil {
		return err
	}
	n.merge(l.t)
	return nil
}

func (n *Network) merge(t *Network) {
	maps.Copy(n.VPCs, t.VPCs)
	maps.Copy(n.Subnets, t.Subnets)
	maps.Copy(n.RouteTables, t.RouteTables)
	maps.Copy(n.InternetGateways, t.InternetGateways)
	maps.Copy(n.NATGateways, t.NATGateways)
	maps.Copy(n.Peerings, t.Peerings)
	maps.Copy(n.SecurityGroups, t.SecurityGroups)
	maps.Copy(n.NetworkACLs, t.NetworkACLs)
	maps.Copy(n.Instances, t.Instances)
	maps.Copy(n.Endpoints, t.Endpoints)
	if n.Addresses == nil {
		n.Addresses = map[string]*Address{}
	}
	for id, e := range t.Interfaces {
		if old := n.Interfaces[id]; old != nil && e.InstanceId == "" {
			e.InstanceId = old.InstanceId
		}
		n.Interfaces[id] = e
	}
	for id, pl := range t.PrefixLists {
		old := n.PrefixLists[id]
		switch {
		case old == nil:
			n.PrefixLists[id] = pl
		case pl.PrefixListName == "" && pl.MaxEntries == 0: // entries only
			old.Entries = pl.Entries
		default:
			if len(pl.Entries) == 0 {
				pl.Entries = old.Entries
			}
			n.PrefixLists[id] = pl
		}
	}
}

type loader struct {
	name string
	data []byte
	t    *Network
}

func (l *loader) errAt(off int64, path, format string, args ...any) *LoadError {
	line, col := position(l.data, off)
	return &LoadError{File: l.name, Line: line, Column: col, Path: path, Message: fmt.Sprintf(format, args...)}
}

// position converts a byte offset to a 1-based line and column.
func position(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// jsonErr turns a decoding error into a LoadError at its offset.
func (l *loader) jsonErr(err error, base int64, path string) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return l.errAt(base+se.Offset, path, "%v", se)
	case errors.As(err, &te):
		p := path
		if te.Field != "" {
			p += "." + te.Field
		}
		return l.errAt(base+te.Offset, p, "%s is %s, want %s", fieldName(te), te.Value, te.Type)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return l.errAt(int64(len(l.data)), path, "unexpected end of file (truncated?)")
	}
	return l.errAt(base, path, "%v", err)
}

func fieldName(te *json.UnmarshalTypeError) string {
	if te.Field == "" {
		return "value"
	}
	return te.Field
}

var topKeys = []string{"Vpcs", "Subnets", "RouteTables", "SecurityGroups", "NetworkAcls", "NetworkInterfaces",
	"Reservations", "InternetGateways", "NatGateways", "VpcPeeringConnections", "PrefixLists", "VpcEndpoints", "Entries"}

func (l *loader) document() error {
	dec := json.NewDecoder(bytes.NewReader(l.data))
	tok, err := dec.Token()
	if err != nil {
		return l.jsonErr(err, 0, "")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return l.errAt(0, "", "the document must be a JSON object such as {\"SecurityGroups\": [...]}, as aws ec2 describe-* prints it")
	}
	known := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return l.jsonErr(err, dec.InputOffset(), "")
		}
		key, _ := tok.(string)
		if !slices.Contains(topKeys, key) {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return l.jsonErr(err, dec.InputOffset(), key)
			}
			continue
		}
		known++
		if err := l.array(dec, key); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return l.jsonErr(err, dec.InputOffset(), "")
	}
	if _, err := dec.Token(); err != io.EOF {
		return l.errAt(dec.InputOffset(), "", "unexpected data after the JSON object")
	}
	if known == 0 {
		return l.errAt(0, "", "no known top-level key (want one of %s)", strings.Join(topKeys, ", "))
	}
	return nil
}

// array decodes the elements of one top-level array, each at its position.
func (l *loader) array(dec *json.Decoder, key string) error {
	tok, err := dec.Token()
	if err != nil {
		return l.jsonErr(err, dec.InputOffset(), key)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return l.errAt(dec.InputOffset(), key, "must be an array")
	}
	for i := 0; dec.More(); i++ {
		start := l.skipSpace(dec.InputOffset())
		path := fmt.Sprintf("%s[%d]", key, i)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return l.jsonErr(err, 0, path) // the decoder's offsets are absolute
		}
		if err := l.element(key, raw, start, path); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	if err != nil {
		return l.jsonErr(err, dec.InputOffset(), key)
	}
	return nil
}

func (l *loader) skipSpace(off int64) int64 {
	for off < int64(len(l.data)) && strings.IndexByte(" \t\r\n,", l.data[off]) >= 0 {
		off++
	}
	return off
}

// element decodes and converts one resource.
func (l *loader) element(key string, raw json.RawMessage, start int64, path string) error {
	conv := map[string]func(json.RawMessage) error{
		"Vpcs": l.vpc, "Subnets": l.subnet, "RouteTables": l.routeTable, "SecurityGroups": l.securityGroup,
		"NetworkAcls": l.networkACL, "NetworkInterfaces": l.networkInterface, "Reservations": l.reservation,
		"InternetGateways": l.internetGateway, "NatGateways": l.natGateway, "VpcPeeringConnections": l.peering,
		"PrefixLists": l.prefixList, "VpcEndpoints": l.endpoint, "Entries": l.entry,
	}[key]
	err := conv(raw)
	if err == nil {
		return nil
	}
	var fe *fieldError
	if errors.As(err, &fe) {
		p := path
		if fe.path != "" {
			p += "." + fe.path
		}
		return l.errAt(start, p, "%s", fe.msg)
	}
	if le, ok := err.(*LoadError); ok {
		return le
	}
	return l.jsonErr(err, start, path)
}

// fieldError is a bad value inside an element.
type fieldError struct{ path, msg string }

func (e *fieldError) Error() string { return e.path + ": " + e.msg }

func bad(path, format string, args ...any) error {
	return &fieldError{path: path, msg: fmt.Sprintf(format, args...)}
}

func decode(raw json.RawMessage, v any) error { return json.Unmarshal(raw, v) }

func need(id, field, prefix string) error {
	if id == "" {
		return bad(field, "missing")
	}
	if prefix != "" && !strings.HasPrefix(id, prefix) {
		return bad(field, "%q does not start with %q", id, prefix)
	}
	return nil
}

func prefix4(s, field string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, bad(field, "%q is not an IPv4 CIDR block", s)
	}
	return p.Masked(), nil
}

func prefix6(s, field string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil || !p.Addr().Is6() {
		return netip.Prefix{}, bad(field, "%q is not an IPv6 CIDR block", s)
	}
	return p.Masked(), nil
}

func addr(s, field string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, bad(field, "%q is not an IP address", s)
	}
	return a, nil
}

var plInName = regexp.MustCompile(`pl-[0-9a-zA-Z]+`)

func (l *loader) entry(raw json.RawMessage) error {
	id := plInName.FindString(filepath.Base(l.name))
	if id == "" {
		return bad("", "get-managed-prefix-list-entries output needs its prefix list ID in the file name (e.g. pl-0123abcd.json)")
	}
	var w struct{ Cidr, Description string }
	if err := decode(raw, &w); err != nil {
		return err
	}
	p, err := netip.ParsePrefix(strings.TrimSpace(w.Cidr))
	if err != nil {
		return bad("Cidr", "%q is not a CIDR block", w.Cidr)
	}
	pl := l.t.PrefixLists[id]
	if pl == nil {
		pl = &PrefixList{PrefixListId: id}
		l.t.PrefixLists[id] = pl
	}
	pl.Entries = append(pl.Entries, PrefixListEntry{Cidr: p.Masked(), Description: w.Description})
	return nil
}
