// Package dnsprobe is the "dns" probe: it asks one resolver one question
// and checks the response code and the answers.
//
// The query goes over UDP (with EDNS0, 1232-byte buffer) and is repeated
// over TCP when the answer comes back truncated. There is one UDP query per
// check, waiting for the whole check's time: a lost packet is a failed
// check, and the monitor's retries deal with it.
//
// What passes:
//   - the response code must be Expect.Rcode (NOERROR when unset);
//   - every Expect.Answers entry must be among the answer records of the
//     queried type (names compare without case or trailing dot, addresses
//     by value, TXT exactly, the strings of a record joined);
//   - when NOERROR is expected and no answers are listed, at least one
//     record of the queried type must come back: an empty answer (the
//     name exists but has no such record) fails the check, since a monitor
//     of "does this name resolve" would otherwise pass on nothing.
//
// A PTR monitor whose host is an IP address asks for its reverse name
// (10.0.0.1 → 1.0.0.10.in-addr.arpa.).
package dnsprobe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/miekg/dns"

	"github.com/watchfire-status/watchfire/internal/probe"
)

var _ probe.Factory = New

// resolvConf is where the system's resolver is read from.
const resolvConf = "/etc/resolv.conf"

// ednsSize is the UDP payload size we advertise: the DNS flag day 2020
// value, small enough to avoid fragmentation on any path.
const ednsSize = 1232

type prober struct {
	qname   string // fully qualified
	qtype   uint16
	typ     string // "A", "MX", ...
	server  string // host:port
	rcode   int
	rcodeS  string
	answers []string // as configured, for messages
	want    []string // normalized, same order as answers
	timeout time.Duration
}

// New builds a dns prober. The resolver is spec.Server, or the first
// nameserver of /etc/resolv.conf (read here, once).
func New(spec probe.Spec, _ probe.Deps) (probe.Prober, error) {
	host := strings.TrimSpace(spec.Host)
	if host == "" {
		return nil, errors.New("dns monitor needs a host to query")
	}
	typ := strings.ToUpper(spec.RecordType)
	if typ == "" {
		typ = "A"
	}
	qtype, ok := dns.StringToType[typ]
	if !ok || !supported(qtype) {
		return nil, fmt.Errorf("%q is not a DNS record type this probe can query; use one of A, AAAA, CNAME, MX, NS, TXT, SRV, CAA, PTR, SOA", spec.RecordType)
	}
	qname := dns.Fqdn(host)
	if qtype == dns.TypePTR && net.ParseIP(host) != nil {
		arpa, err := dns.ReverseAddr(host)
		if err != nil {
			return nil, fmt.Errorf("cannot make the reverse name of %s: %w", host, err)
		}
		qname = arpa
	}
	if _, ok := dns.IsDomainName(qname); !ok {
		return nil, fmt.Errorf("%q is not a domain name", host)
	}

	rcodeS := strings.ToUpper(spec.Expect.Rcode)
	if rcodeS == "" {
		rcodeS = "NOERROR"
	}
	rcode, ok := dns.StringToRcode[rcodeS]
	if !ok {
		return nil, fmt.Errorf("%q is not a DNS response code; use NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP or REFUSED", spec.Expect.Rcode)
	}

	server := spec.Server
	if server == "" {
		var err error
		if server, err = systemResolver(resolvConf); err != nil {
			return nil, err
		}
	} else if h, p, err := net.SplitHostPort(server); err != nil || h == "" || p == "" {
		return nil, fmt.Errorf("%q is not a resolver address; use host:port, e.g. 1.1.1.1:53", server)
	}

	p := &prober{
		qname:   qname,
		qtype:   qtype,
		typ:     typ,
		server:  server,
		rcode:   rcode,
		rcodeS:  rcodeS,
		timeout: spec.Timeout,
	}
	for _, a := range spec.Expect.Answers {
		if strings.TrimSpace(a) == "" {
			return nil, errors.New("empty expected answer; list the records the name must resolve to")
		}
		p.answers = append(p.answers, a)
		p.want = append(p.want, normalize(qtype, a))
	}
	return p, nil
}

func supported(t uint16) bool {
	switch t {
	case dns.TypeA, dns.TypeAAAA, dns.TypeCNAME, dns.TypeMX, dns.TypeNS, dns.TypeTXT,
		dns.TypeSRV, dns.TypeCAA, dns.TypePTR, dns.TypeSOA:
		return true
	}
	return false
}

// systemResolver returns the first nameserver of a resolv.conf file as
// host:port.
func systemResolver(path string) (string, error) {
	cc, err := dns.ClientConfigFromFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("no system resolver: %s does not exist; set server, e.g. server: 1.1.1.1:53", path)
		}
		return "", fmt.Errorf("no system resolver: reading %s: %v; set server, e.g. server: 1.1.1.1:53", path, err)
	}
	if len(cc.Servers) == 0 {
		return "", fmt.Errorf("no system resolver: %s lists no nameserver; set server, e.g. server: 1.1.1.1:53", path)
	}
	port := cc.Port
	if port == "" {
		port = "53"
	}
	return net.JoinHostPort(cc.Servers[0], port), nil
}

// Check sends the query and judges the response.
func (p *prober) Check(ctx context.Context) (res probe.Result) {
	defer func() {
		if r := recover(); r != nil {
			res = probe.Failf(0, "internal error in the dns probe: %v", r)
		}
	}()
	ctx, cancel := probe.Bound(ctx, p.timeout)
	defer cancel()
	budget := probe.Remaining(ctx)
	if budget <= 0 || ctx.Err() != nil {
		return probe.Failf(0, "no time left to query %s", p.server)
	}

	m := new(dns.Msg)
	m.SetQuestion(p.qname, p.qtype)
	m.SetEdns0(ednsSize, false)

	r, rtt, err := exchange(ctx, "udp", m, p.server)
	if err == nil && r.Truncated {
		var rtt2 time.Duration
		r, rtt2, err = exchange(ctx, "tcp", m, p.server)
		rtt += rtt2
	}
	if err != nil {
		return probe.Result{Reason: p.describe(err, budget)}
	}
	return p.judge(r, rtt)
}

// exchange sends m over network and waits for the answer until ctx is
// done (deadline or cancellation).
func exchange(ctx context.Context, network string, m *dns.Msg, server string) (*dns.Msg, time.Duration, error) {
	c := &dns.Client{Net: network, Timeout: probe.Remaining(ctx)}
	if c.Timeout <= 0 {
		return nil, 0, context.DeadlineExceeded
	}
	conn, err := c.DialContext(ctx, server)
	if err != nil {
		return nil, 0, err
	}
	defer conn.Close()
	// The library obeys the deadline, not cancellation: close the socket
	// when ctx is cancelled so the read returns.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	r, rtt, err := c.ExchangeWithConnContext(ctx, m, conn)
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return r, rtt, err
}

func (p *prober) describe(err error, budget time.Duration) string {
	var nerr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nerr) && nerr.Timeout():
		return fmt.Sprintf("no answer from %s within %s", p.server, probe.RoundBudget(budget))
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("query to %s cancelled", p.server)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("no DNS server at %s: connection refused", p.server)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Sprintf("cannot resolve the resolver's name %s: %s", p.server, dnsErr.Err)
	}
	if _, ok := err.(*dns.Error); ok {
		return fmt.Sprintf("bad answer from %s: %v", p.server, err)
	}
	return fmt.Sprintf("query to %s failed: %v", p.server, err)
}

// judge compares a response with what the spec expects.
func (p *prober) judge(r *dns.Msg, rtt time.Duration) probe.Result {
	if r.Rcode != p.rcode {
		return probe.Failf(rtt, "rcode %s, expected %s", rcodeName(r.Rcode), p.rcodeS)
	}
	var got []string // display values
	have := map[string]bool{}
	for _, rr := range r.Answer {
		if rr.Header().Rrtype != p.qtype {
			continue // the CNAME chain leading to the records, say
		}
		display, forms := values(rr)
		got = append(got, display)
		for _, f := range forms {
			have[normalize(p.qtype, f)] = true
		}
	}
	if len(p.want) == 0 {
		if len(got) == 0 && p.rcode == dns.RcodeSuccess {
			return probe.Failf(rtt, "no %s records for %s", p.typ, strings.TrimSuffix(p.qname, "."))
		}
		return probe.Result{OK: true, Latency: rtt}
	}
	var missing []string
	for i, w := range p.want {
		if !have[w] {
			missing = append(missing, p.show(p.answers[i]))
		}
	}
	if len(missing) == 0 {
		return probe.Result{OK: true, Latency: rtt}
	}
	noun := "answer"
	if len(missing) > 1 {
		noun = "answers"
	}
	return probe.Failf(rtt, "%s %s missing; got %s", noun, strings.Join(missing, ", "), p.list(got))
}

// show formats a value for a message: TXT values are quoted.
func (p *prober) show(v string) string {
	if p.qtype == dns.TypeTXT {
		return strconv.Quote(v)
	}
	return v
}

// list formats the answers received, at most 5.
func (p *prober) list(got []string) string {
	if len(got) == 0 {
		return "no " + p.typ + " records"
	}
	const most = 5
	shown := make([]string, 0, most)
	for i, g := range got {
		if i == most {
			break
		}
		shown = append(shown, p.show(g))
	}
	s := strings.Join(shown, ", ")
	if len(got) > most {
		s += fmt.Sprintf(" and %d more", len(got)-most)
	}
	return s
}

func rcodeName(rc int) string {
	if s, ok := dns.RcodeToString[rc]; ok {
		return s
	}
	return "RCODE" + strconv.Itoa(rc)
}

// values returns how a record is shown in messages and the forms an
// expected answer may take to match it (e.g. an MX matches "mail.acme.test"
// or "10 mail.acme.test").
func values(rr dns.RR) (display string, forms []string) {
	name := func(s string) string { return strings.TrimSuffix(s, ".") }
	switch rr := rr.(type) {
	case *dns.A:
		s := rr.A.String()
		return s, []string{s}
	case *dns.AAAA:
		s := rr.AAAA.String()
		return s, []string{s}
	case *dns.CNAME:
		s := name(rr.Target)
		return s, []string{s}
	case *dns.NS:
		s := name(rr.Ns)
		return s, []string{s}
	case *dns.PTR:
		s := name(rr.Ptr)
		return s, []string{s}
	case *dns.MX:
		full := fmt.Sprintf("%d %s", rr.Preference, name(rr.Mx))
		return full, []string{name(rr.Mx), full}
	case *dns.SRV:
		full := fmt.Sprintf("%d %d %d %s", rr.Priority, rr.Weight, rr.Port, name(rr.Target))
		return full, []string{name(rr.Target), full, net.JoinHostPort(name(rr.Target), strconv.Itoa(int(rr.Port)))}
	case *dns.TXT:
		s := strings.Join(rr.Txt, "")
		return s, []string{s}
	case *dns.CAA:
		full := fmt.Sprintf("%d %s %q", rr.Flag, rr.Tag, rr.Value)
		return full, []string{rr.Value, rr.Tag + " " + rr.Value, full}
	case *dns.SOA:
		full := fmt.Sprintf("%s %s %d %d %d %d %d", name(rr.Ns), name(rr.Mbox), rr.Serial, rr.Refresh, rr.Retry, rr.Expire, rr.Minttl)
		return name(rr.Ns), []string{name(rr.Ns), full}
	}
	s := strings.TrimSpace(strings.TrimPrefix(rr.String(), rr.Header().String()))
	return s, []string{s}
}

// normalize puts an answer, expected or received, in the form answers are
// compared in.
func normalize(qtype uint16, s string) string {
	s = strings.TrimSpace(s)
	switch qtype {
	case dns.TypeA, dns.TypeAAAA:
		if a, err := netip.ParseAddr(s); err == nil {
			return a.Unmap().String()
		}
		return strings.ToLower(s)
	case dns.TypeTXT:
		return s
	case dns.TypeCAA:
		s = strings.ReplaceAll(s, `"`, "")
	}
	fields := strings.Fields(strings.ToLower(s))
	for i, f := range fields {
		fields[i] = strings.TrimSuffix(f, ".")
	}
	return strings.Join(fields, " ")
}
