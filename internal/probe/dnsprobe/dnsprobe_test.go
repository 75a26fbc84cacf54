package dnsprobe

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"go.uber.org/goleak"

	"github.com/watchfire-status/watchfire/internal/probe"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// zone is what the test server knows, by "name TYPE".
var zone = map[string][]string{
	"a.test. A":                  {"a.test. 60 IN A 10.0.0.1", "a.test. 60 IN A 10.0.0.3"},
	"a.test. TXT":                nil, // the name exists, without TXT records
	"aaaa.test. AAAA":            {"aaaa.test. 60 IN AAAA 2001:db8::1"},
	"txt.test. TXT":              {`txt.test. 60 IN TXT "v=spf1 " "include:_spf.acme.test -all"`, `txt.test. 60 IN TXT "Verify=Me"`},
	"mx.test. MX":                {"mx.test. 60 IN MX 10 Mail.Acme.TEST.", "mx.test. 60 IN MX 20 backup.acme.test."},
	"www.test. A":                {"www.test. 60 IN CNAME a.test.", "a.test. 60 IN A 10.0.0.1"},
	"www.test. CNAME":            {"www.test. 60 IN CNAME a.test."},
	"srv.test. SRV":              {"srv.test. 60 IN SRV 10 5 5060 sip.acme.test."},
	"caa.test. CAA":              {`caa.test. 60 IN CAA 0 issue "letsencrypt.org"`},
	"soa.test. SOA":              {"soa.test. 60 IN SOA ns1.acme.test. hostmaster.acme.test. 2024010101 7200 3600 1209600 3600"},
	"ns.test. NS":                {"ns.test. 60 IN NS ns1.acme.test.", "ns.test. 60 IN NS ns2.acme.test."},
	"1.0.0.10.in-addr.arpa. PTR": {"1.0.0.10.in-addr.arpa. 60 IN PTR a.test."},
}

// handle answers from zone; a few names behave specially.
func handle(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	switch name {
	case "fail.test.":
		m.Rcode = dns.RcodeServerFailure
	case "wrongtype.test.": // answers an A record whatever the question
		rr, _ := dns.NewRR(name + " 60 IN A 10.9.9.9")
		m.Answer = append(m.Answer, rr)
	case "big.test.": // only fits over TCP
		if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
			m.Truncated = true
			break
		}
		for i := 1; i <= 100; i++ {
			rr, _ := dns.NewRR(fmt.Sprintf("big.test. 60 IN A 10.1.0.%d", i))
			m.Answer = append(m.Answer, rr)
		}
	default:
		key := name + " " + dns.TypeToString[q.Qtype]
		known := false
		for k := range zone {
			if strings.HasPrefix(k, name+" ") {
				known = true
			}
		}
		if !known {
			m.Rcode = dns.RcodeNameError
			break
		}
		for _, s := range zone[key] {
			rr, err := dns.NewRR(s)
			if err != nil {
				panic(err)
			}
			m.Answer = append(m.Answer, rr)
		}
	}
	_ = w.WriteMsg(m)
}

// startServer runs the test DNS server on 127.0.0.1, UDP and TCP on the
// same port, and returns its address.
func startServer(t *testing.T) string {
	t.Helper()
	var pc net.PacketConn
	var l net.Listener
	for range 20 {
		var err error
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		l, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			break
		}
		pc.Close()
		pc = nil
	}
	if pc == nil {
		t.Fatal("no port free for both UDP and TCP")
	}
	for _, srv := range []*dns.Server{
		{PacketConn: pc, Handler: dns.HandlerFunc(handle)},
		{Listener: l, Handler: dns.HandlerFunc(handle)},
	} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = srv.ActivateAndServe()
		}()
		<-started
		t.Cleanup(func() {
			_ = srv.Shutdown()
			<-done
		})
	}
	return pc.LocalAddr().String()
}

func newProber(t *testing.T, spec probe.Spec) probe.Prober {
	t.Helper()
	spec.Type = "dns"
	if spec.Timeout == 0 {
		spec.Timeout = 2 * time.Second
	}
	p, err := New(spec, probe.Deps{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

func TestCheck(t *testing.T) {
	t.Parallel()
	server := startServer(t)
	tests := []struct {
		name       string
		host, typ  string
		answers    []string
		rcode      string
		wantReason string // "" means OK
	}{
		{name: "A resolves", host: "a.test", typ: "A"},
		{name: "A default type", host: "a.test"},
		{name: "A answers match", host: "a.test", typ: "A", answers: []string{"10.0.0.3", "10.0.0.1"}},
		{name: "A answer missing", host: "a.test", typ: "A", answers: []string{"10.0.0.2"},
			wantReason: "answer 10.0.0.2 missing; got 10.0.0.1, 10.0.0.3"},
		{name: "A answers missing", host: "a.test", typ: "A", answers: []string{"10.0.0.1", "10.0.0.2", "10.0.0.4"},
			wantReason: "answers 10.0.0.2, 10.0.0.4 missing; got 10.0.0.1, 10.0.0.3"},
		{name: "AAAA compared by value", host: "aaaa.test", typ: "AAAA", answers: []string{"2001:0db8:0:0::0001"}},
		{name: "AAAA missing", host: "aaaa.test", typ: "AAAA", answers: []string{"2001:db8::2"},
			wantReason: "answer 2001:db8::2 missing; got 2001:db8::1"},
		{name: "TXT strings joined", host: "txt.test", typ: "TXT", answers: []string{"v=spf1 include:_spf.acme.test -all"}},
		{name: "TXT is case-sensitive", host: "txt.test", typ: "TXT", answers: []string{"verify=me"},
			wantReason: `answer "verify=me" missing; got "v=spf1 include:_spf.acme.test -all", "Verify=Me"`},
		{name: "MX by host, any case, trailing dot", host: "mx.test", typ: "MX", answers: []string{"mail.acme.test.", "BACKUP.acme.test"}},
		{name: "MX with preference", host: "mx.test", typ: "MX", answers: []string{"10  mail.acme.test"}},
		{name: "MX wrong preference", host: "mx.test", typ: "MX", answers: []string{"20 mail.acme.test"},
			wantReason: "answer 20 mail.acme.test missing; got 10 Mail.Acme.TEST, 20 backup.acme.test"}, // shown as received
		{name: "CNAME chain: only A records count", host: "www.test", typ: "A", answers: []string{"10.0.0.1"}},
		{name: "CNAME chain target is not an A answer", host: "www.test", typ: "A", answers: []string{"a.test"},
			wantReason: "answer a.test missing; got 10.0.0.1"},
		{name: "CNAME", host: "www.test", typ: "CNAME", answers: []string{"A.test."}},
		{name: "NS", host: "ns.test", typ: "NS", answers: []string{"ns2.acme.test"}},
		{name: "SRV by target", host: "srv.test", typ: "SRV", answers: []string{"sip.acme.test"}},
		{name: "SRV full", host: "srv.test", typ: "SRV", answers: []string{"10 5 5060 sip.acme.test."}},
		{name: "CAA value", host: "caa.test", typ: "CAA", answers: []string{"letsencrypt.org"}},
		{name: "CAA zone form", host: "caa.test", typ: "CAA", answers: []string{`0 issue "letsencrypt.org"`}},
		{name: "SOA primary", host: "soa.test", typ: "SOA", answers: []string{"ns1.acme.test"}},
		{name: "PTR from an IP", host: "10.0.0.1", typ: "PTR", answers: []string{"a.test"}},
		{name: "NXDOMAIN", host: "nope.test", typ: "A",
			wantReason: "rcode NXDOMAIN, expected NOERROR"},
		{name: "NXDOMAIN expected", host: "nope.test", typ: "A", rcode: "NXDOMAIN"},
		{name: "NXDOMAIN expected, got NOERROR", host: "a.test", typ: "A", rcode: "NXDOMAIN",
			wantReason: "rcode NOERROR, expected NXDOMAIN"},
		{name: "SERVFAIL", host: "fail.test", typ: "A",
			wantReason: "rcode SERVFAIL, expected NOERROR"},
		{name: "SERVFAIL expected", host: "fail.test", typ: "A", rcode: "SERVFAIL"},
		{name: "name without records of the type", host: "a.test", typ: "TXT",
			wantReason: "no TXT records for a.test"},
		{name: "name without records of the type, answers expected", host: "a.test", typ: "TXT", answers: []string{"x"},
			wantReason: `answer "x" missing; got no TXT records`},
		{name: "server answers the wrong type", host: "wrongtype.test", typ: "TXT",
			wantReason: "no TXT records for wrongtype.test"},
		{name: "truncated answer retried over TCP", host: "big.test", typ: "A", answers: []string{"10.1.0.1", "10.1.0.100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newProber(t, probe.Spec{Host: tt.host, RecordType: tt.typ, Server: server,
				Expect: probe.Expect{Answers: tt.answers, Rcode: tt.rcode}})
			res := p.Check(context.Background())
			if tt.wantReason == "" {
				if !res.OK || res.Reason != "" {
					t.Fatalf("Check = %+v, want OK", res)
				}
			} else if res.OK || res.Reason != tt.wantReason {
				t.Fatalf("Check = %+v, want failure %q", res, tt.wantReason)
			}
			if res.Latency <= 0 {
				t.Errorf("Latency = %v, want the exchange's round trip", res.Latency)
			}
		})
	}
}

func TestLongAnswerList(t *testing.T) {
	t.Parallel()
	p := newProber(t, probe.Spec{Host: "big.test", Server: startServer(t), Expect: probe.Expect{Answers: []string{"10.2.0.1"}}})
	res := p.Check(context.Background())
	want := "answer 10.2.0.1 missing; got 10.1.0.1, 10.1.0.2, 10.1.0.3, 10.1.0.4, 10.1.0.5 and 95 more"
	if res.OK || res.Reason != want {
		t.Fatalf("Check = %+v, want %q", res, want)
	}
}

// silentServer reads queries and never answers.
func silentServer(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 2048)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		pc.Close()
		<-done
	})
	return pc.LocalAddr().String()
}

func TestNoAnswerTimesOut(t *testing.T) {
	t.Parallel()
	server := silentServer(t)
	p := newProber(t, probe.Spec{Host: "a.test", Server: server, Timeout: 300 * time.Millisecond})
	start := time.Now()
	res := p.Check(context.Background())
	elapsed := time.Since(start)
	want := fmt.Sprintf("no answer from %s within 300ms", server)
	if res.OK || res.Reason != want {
		t.Fatalf("Check = %+v, want %q", res, want)
	}
	if elapsed < 250*time.Millisecond || elapsed > time.Second {
		t.Errorf("Check took %v, want about the 300ms timeout", elapsed)
	}
}

func TestContextDeadlineWins(t *testing.T) {
	t.Parallel()
	server := silentServer(t)
	p := newProber(t, probe.Spec{Host: "a.test", Server: server, Timeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	res := p.Check(ctx)
	if elapsed := time.Since(start); elapsed > 700*time.Millisecond {
		t.Errorf("Check took %v past a 200ms deadline", elapsed)
	}
	want := fmt.Sprintf("no answer from %s within 200ms", server)
	if res.OK || res.Reason != want {
		t.Fatalf("Check = %+v, want %q", res, want)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	server := silentServer(t)
	p := newProber(t, probe.Spec{Host: "a.test", Server: server, Timeout: 10 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	res := p.Check(ctx)
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("Check took %v after a cancel at 100ms", elapsed)
	}
	if res.OK || res.Reason != "query to "+server+" cancelled" {
		t.Fatalf("Check = %+v, want a cancelled failure", res)
	}
}

func TestExpiredContext(t *testing.T) {
	t.Parallel()
	p := newProber(t, probe.Spec{Host: "a.test", Server: "127.0.0.1:53"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := p.Check(ctx)
	if res.OK || res.Reason != "no time left to query 127.0.0.1:53" {
		t.Fatalf("Check = %+v", res)
	}
}

func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := pc.LocalAddr().String()
	pc.Close()
	p := newProber(t, probe.Spec{Host: "a.test", Server: server, Timeout: time.Second})
	res := p.Check(context.Background())
	// Linux reports the ICMP port unreachable on the connected socket.
	want := "no DNS server at " + server + ": connection refused"
	if res.OK || res.Reason != want && res.Reason != "no answer from "+server+" within 1s" {
		t.Fatalf("Check = %+v, want %q", res, want)
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec probe.Spec
		want string
	}{
		{"no host", probe.Spec{Server: "127.0.0.1:53"}, "needs a host"},
		{"bad type", probe.Spec{Host: "a.test", RecordType: "HINFO", Server: "127.0.0.1:53"}, "not a DNS record type"},
		{"bad rcode", probe.Spec{Host: "a.test", Server: "127.0.0.1:53", Expect: probe.Expect{Rcode: "NOPE"}}, "not a DNS response code"},
		{"bad server", probe.Spec{Host: "a.test", Server: "127.0.0.1"}, "not a resolver address"},
		{"empty answer", probe.Spec{Host: "a.test", Server: "127.0.0.1:53", Expect: probe.Expect{Answers: []string{" "}}}, "empty expected answer"},
		{"bad name", probe.Spec{Host: "a..test", Server: "127.0.0.1:53"}, "not a domain name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.spec, probe.Deps{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestNewCaseInsensitive(t *testing.T) {
	t.Parallel()
	p := newProber(t, probe.Spec{Host: "nope.test", RecordType: "aaaa", Server: startServer(t),
		Expect: probe.Expect{Rcode: "nxdomain"}})
	if res := p.Check(context.Background()); !res.OK {
		t.Fatalf("Check = %+v", res)
	}
}

func TestSystemResolver(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name, path, want, wantErr string
	}{
		{name: "first nameserver", path: write("two", "search acme.test\nnameserver 10.0.0.53\nnameserver 10.0.0.54\n"), want: "10.0.0.53:53"},
		{name: "IPv6", path: write("six", "nameserver fd00::53\n"), want: "[fd00::53]:53"},
		{name: "none", path: write("none", "search acme.test\n"), wantErr: "lists no nameserver; set server"},
		{name: "missing", path: filepath.Join(dir, "missing"), wantErr: "does not exist; set server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := systemResolver(tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("systemResolver = %q, %v; want error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("systemResolver = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestDefaultServer checks that New reads /etc/resolv.conf when no server
// is set; what it finds depends on the machine.
func TestDefaultServer(t *testing.T) {
	t.Parallel()
	p, err := New(probe.Spec{Type: "dns", Host: "a.test"}, probe.Deps{})
	want, werr := systemResolver(resolvConf)
	if werr != nil {
		if err == nil || err.Error() != werr.Error() {
			t.Fatalf("New error = %v, want %v", err, werr)
		}
		return
	}
	if err != nil || p.(*prober).server != want {
		t.Fatalf("New = %+v, %v; want server %s", p, err, want)
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		qtype uint16
		in    string
		want  string
	}{
		{dns.TypeA, " 10.0.0.1 ", "10.0.0.1"},
		{dns.TypeA, "::ffff:10.0.0.1", "10.0.0.1"},
		{dns.TypeAAAA, "2001:DB8::0:1", "2001:db8::1"},
		{dns.TypeCNAME, "Foo.Example.COM.", "foo.example.com"},
		{dns.TypeMX, "10   Mail.Example.com.", "10 mail.example.com"},
		{dns.TypeTXT, "Keep Case.", "Keep Case."},
		{dns.TypeCAA, `0 issue "LetsEncrypt.org"`, "0 issue letsencrypt.org"},
	}
	for _, tt := range tests {
		if got := normalize(tt.qtype, tt.in); got != tt.want {
			t.Errorf("normalize(%s, %q) = %q, want %q", dns.TypeToString[tt.qtype], tt.in, got, tt.want)
		}
	}
}

func TestRoundBudget(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		1999 * time.Millisecond:   "2s",
		299*time.Millisecond + 7:  "300ms",
		5*time.Millisecond + 2000: "5ms",
		2500 * time.Millisecond:   "2.5s",
	} {
		if got := probe.RoundBudget(d); got != want {
			t.Errorf("probe.RoundBudget(%v) = %q, want %q", d, got, want)
		}
	}
}
