// Package tlsprobe is the "tls" probe: it connects to host:port (port 443
// when unset), completes a TLS handshake with SNI set to the host, and
// reports when the server's certificate expires.
//
// What passes: the handshake succeeds and, unless InsecureSkipVerify is
// set, the chain verifies against the system's roots for the host name
// (or IP address). With Expect.CertDays set, the leaf certificate must
// still have at least that many whole days left; this rule applies even
// with InsecureSkipVerify (an expired certificate then fails as "expired"
// through this rule, and passes when CertDays is 0, since verification
// was turned off).
//
// A failed verification is worded after its cause: "certificate expired 3
// days ago (2026-11-18)", "certificate signed by unknown authority
// (issuer "Acme Test CA")", "certificate for other.test does not match
// api.acme.test". CertExpiry is reported even then, from the certificate
// the server presented.
//
// Latency is the connect time plus the handshake. Certificate dates are
// judged with Deps.Now, the handshake's verification included.
//
// The package also holds the certificate wording the http and websocket
// probes share: DescribeCertError, CertDaysReason, PresentedExpiry.
package tlsprobe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire/internal/probe"
	"github.com/watchfire-status/watchfire/internal/probe/tcpprobe"
)

var _ probe.Factory = New

// DefaultPort is the port a tls monitor without one connects to.
const DefaultPort = 443

type prober struct {
	host     string
	addr     string
	cfg      *tls.Config // RootCAs replaced by tests
	certDays int
	timeout  time.Duration
	now      func() time.Time
	dial     tcpprobe.DialFunc // replaced by tests
}

// New builds a tls prober for spec.Host (required) and spec.Port (443
// when 0).
func New(spec probe.Spec, deps probe.Deps) (probe.Prober, error) {
	host := strings.TrimSpace(spec.Host)
	if host == "" {
		return nil, errors.New("tls monitor needs a host")
	}
	port := spec.Port
	if port == 0 {
		port = DefaultPort
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("tls monitor needs a port from 1 to 65535, got %d", spec.Port)
	}
	if spec.Expect.CertDays < 0 {
		return nil, fmt.Errorf("cert_days must be 0 or more, got %d", spec.Expect.CertDays)
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	d := &net.Dialer{Timeout: tcpprobe.Fallback(spec.Timeout)}
	return &prober{
		host: host,
		addr: net.JoinHostPort(host, strconv.Itoa(port)),
		cfg: &tls.Config{
			ServerName:         strings.TrimSuffix(host, "."),
			InsecureSkipVerify: spec.InsecureSkipVerify, //nolint:gosec // the user asked for it
			Time:               now,
		},
		certDays: spec.Expect.CertDays,
		timeout:  spec.Timeout,
		now:      now,
		dial:     d.DialContext,
	}, nil
}

// Check connects, shakes hands and judges the certificate.
func (p *prober) Check(ctx context.Context) (res probe.Result) {
	defer func() {
		if r := recover(); r != nil {
			res = probe.Failf(0, "internal error in the tls probe: %v", r)
		}
	}()
	ctx, cancel := tcpprobe.Bound(ctx, p.timeout)
	defer cancel()
	budget := tcpprobe.Budget(ctx, p.timeout)

	start := time.Now()
	raw, err := p.dial(ctx, "tcp", p.addr)
	if err != nil {
		return probe.Failf(time.Since(start), "%s", tcpprobe.DescribeDial(err, budget, p.addr))
	}
	defer raw.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = raw.SetDeadline(dl) // bounds the close_notify write too
	}
	conn := tls.Client(raw, p.cfg)
	defer conn.Close()
	err = conn.HandshakeContext(ctx)
	latency := time.Since(start)
	now := p.now()
	if err != nil {
		res := probe.Failf(latency, "%s", DescribeHandshakeError(err, budget, p.host, now))
		res.CertExpiry = PresentedExpiry(err)
		return res
	}
	state := conn.ConnectionState()
	if len(state.PeerCertificates) == 0 {
		return probe.Failf(latency, "%s presented no certificate", p.addr)
	}
	leaf := state.PeerCertificates[0]
	res = probe.Result{OK: true, Latency: latency, CertExpiry: leaf.NotAfter}
	if reason := CertDaysReason(leaf.NotAfter, p.certDays, now); reason != "" {
		res.OK, res.Reason = false, reason
	}
	return res
}

// DescribeHandshakeError words an error from a TLS handshake with host:
// a certificate problem (see DescribeCertError), a server that does not
// speak TLS or refused the handshake, or a network error
// (tcpprobe.Describe).
func DescribeHandshakeError(err error, budget time.Duration, host string, now time.Time) string {
	if reason, ok := DescribeCertError(err, host, now); ok {
		return reason
	}
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) {
		return fmt.Sprintf("%s does not speak TLS: %s", host, strings.TrimPrefix(rh.Msg, "tls: "))
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		return fmt.Sprintf("%s refused the TLS handshake: %v", host, op.Err)
	}
	reason := tcpprobe.Describe(err, budget, "during the TLS handshake with "+host)
	if !strings.HasPrefix(reason, "timed out") && !strings.HasPrefix(reason, "check canceled") {
		reason += " during the TLS handshake"
	}
	return reason
}

// DescribeCertError words a certificate verification error, and reports
// whether err was one:
//
//	certificate expired 3 days ago (2026-11-18)
//	certificate is not valid before 2027-01-01
//	certificate signed by unknown authority (issuer "Acme Test CA")
//	certificate for other.test does not match api.acme.test
//
// now dates the expiry; host is the name that was verified.
func DescribeCertError(err error, host string, now time.Time) (string, bool) {
	var inv x509.CertificateInvalidError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var leaf *x509.Certificate
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) && len(verr.UnverifiedCertificates) > 0 {
		leaf = verr.UnverifiedCertificates[0]
	}
	switch {
	case errors.As(err, &inv):
		what := "certificate"
		if inv.Cert != nil && leaf != nil && !inv.Cert.Equal(leaf) {
			what = fmt.Sprintf("intermediate certificate %q", name(inv.Cert.Subject.CommonName, inv.Cert.Subject.Organization))
		}
		if inv.Reason == x509.Expired && inv.Cert != nil {
			if now.Before(inv.Cert.NotBefore) {
				return fmt.Sprintf("%s is not valid before %s", what, day(inv.Cert.NotBefore)), true
			}
			return what + " " + expired(inv.Cert.NotAfter, now), true
		}
		return fmt.Sprintf("%s is invalid: %s", what, strings.TrimPrefix(inv.Error(), "x509: ")), true
	case errors.As(err, &ua):
		issuer := ""
		if ua.Cert != nil {
			issuer = name(ua.Cert.Issuer.CommonName, ua.Cert.Issuer.Organization)
			if ua.Cert.CheckSignatureFrom(ua.Cert) == nil {
				return fmt.Sprintf("certificate signed by unknown authority (self-signed by %q)", issuer), true
			}
		}
		if issuer == "" {
			return "certificate signed by unknown authority", true
		}
		return fmt.Sprintf("certificate signed by unknown authority (issuer %q)", issuer), true
	case errors.As(err, &hn):
		got := "no name"
		if hn.Certificate != nil {
			got = names(hn.Certificate)
		}
		want := hn.Host
		if want == "" {
			want = host
		}
		return fmt.Sprintf("certificate for %s does not match %s", got, want), true
	case verr != nil:
		return "certificate rejected: " + strings.TrimPrefix(verr.Err.Error(), "x509: "), true
	}
	return "", false
}

// CertDaysReason applies the cert_days rule: a certificate expiring at
// notAfter must have at least certDays whole days left at now. It returns
// the reason the rule fails, or "" (always "" when certDays is 0).
//
//	certificate expires in 5 days (2026-11-23), less than the 14 days required
//	certificate expired 3 days ago (2026-11-18)
func CertDaysReason(notAfter time.Time, certDays int, now time.Time) string {
	if certDays <= 0 || notAfter.IsZero() {
		return ""
	}
	left := notAfter.Sub(now)
	if left <= 0 {
		return "certificate " + expired(notAfter, now)
	}
	days := int(left / (24 * time.Hour))
	if days >= certDays {
		return ""
	}
	when := fmt.Sprintf("in %d days", days)
	switch days {
	case 0:
		when = "in less than a day"
	case 1:
		when = "in 1 day"
	}
	return fmt.Sprintf("certificate expires %s (%s), less than the %d days required", when, day(notAfter), certDays)
}

// PresentedExpiry is the NotAfter of the leaf certificate the server
// presented, when err is a failed verification; zero otherwise.
func PresentedExpiry(err error) time.Time {
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) && len(verr.UnverifiedCertificates) > 0 {
		return verr.UnverifiedCertificates[0].NotAfter
	}
	return time.Time{}
}

func expired(notAfter, now time.Time) string {
	days := int(now.Sub(notAfter) / (24 * time.Hour))
	switch days {
	case 0:
		return fmt.Sprintf("expired less than a day ago (%s)", day(notAfter))
	case 1:
		return fmt.Sprintf("expired 1 day ago (%s)", day(notAfter))
	}
	return fmt.Sprintf("expired %d days ago (%s)", days, day(notAfter))
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

func name(cn string, org []string) string {
	if cn != "" {
		return cn
	}
	if len(org) > 0 {
		return org[0]
	}
	return ""
}

// names lists what a certificate is valid for: its DNS names and IP
// addresses, or its common name when it has neither; at most three.
func names(c *x509.Certificate) string {
	var all []string
	all = append(all, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		all = append(all, ip.String())
	}
	if len(all) == 0 && c.Subject.CommonName != "" {
		all = append(all, c.Subject.CommonName)
	}
	switch {
	case len(all) == 0:
		return "no name"
	case len(all) > 3:
		return fmt.Sprintf("%s and %d more", strings.Join(all[:3], ", "), len(all)-3)
	}
	return strings.Join(all, ", ")
}
