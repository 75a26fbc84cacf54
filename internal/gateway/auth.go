package gateway

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Source is one configured webhook sender (config webhooks.sources).
type Source struct {
	ID       string
	Provider string
	// Token, when set, must be in the URL (?token=) or the
	// X-Watchfire-Token header.
	Token string
	// Secret, when set, verifies the signature the provider's scheme
	// defines (provider.Signature).
	Secret string
	// Dependency is the dependency its pushes update; "" finds it by the
	// page the payload names.
	Dependency string
}

// Sources is the set of configured senders.
type Sources struct {
	// Open accepts deliveries for providers that have no source,
	// unauthenticated.
	Open       bool
	byProvider map[string][]*Source
	byID       map[string]*Source
}

// NewSources indexes the configured sources.
func NewSources(open bool, list []Source) *Sources {
	s := &Sources{Open: open, byProvider: map[string][]*Source{}, byID: map[string]*Source{}}
	for i := range list {
		src := &list[i]
		s.byProvider[src.Provider] = append(s.byProvider[src.Provider], src)
		s.byID[src.ID] = src
	}
	return s
}

// signatureTolerance bounds how old a Standard Webhooks timestamp may be,
// so that a captured delivery cannot be replayed later.
const signatureTolerance = 5 * time.Minute

func unauthorized(format string, args ...any) error {
	return watchfire.Errorf(watchfire.EUNAUTHORIZED, format, args...)
}

// Authorize checks a delivery against the provider's sources and returns
// the id of the source it came from ("" for an open provider). Its errors
// are EUNAUTHORIZED and say what to fix.
func (g *Gateway) Authorize(providerName string, r *http.Request, body []byte) (string, error) {
	s := g.sources.Load()
	candidates := s.byProvider[providerName]
	if want := r.URL.Query().Get("source"); want != "" {
		src := s.byID[want]
		if src == nil || src.Provider != providerName {
			return "", unauthorized("no webhook source %q for provider %s is configured", want, providerName)
		}
		candidates = []*Source{src}
	}
	if len(candidates) == 0 {
		if s.Open {
			return "", nil
		}
		return "", unauthorized("no webhook source is configured for provider %s: add one under webhooks.sources "+
			"in the config, with a token or a secret, and put its token in the URL (?token=)", providerName)
	}
	token := r.URL.Query().Get("token")
	if token == "" {
		token = r.Header.Get("X-Watchfire-Token")
	}
	var sig provider.Signature
	if a := g.adapters[providerName]; a != nil {
		sig = a.Signature()
	}
	// Several sources may share a provider: the delivery is theirs if it
	// passes one's checks. When none passes, say what went wrong with the
	// credential the sender did bring.
	var tokenErr, sigErr error
	for _, src := range candidates {
		if src.Token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(src.Token)) != 1 {
			if token == "" {
				tokenErr = unauthorized("this webhook needs its token: add ?token=… to the URL the vendor calls")
			} else {
				tokenErr = unauthorized("the token does not match any webhook source for provider %s", providerName)
			}
			continue
		}
		if src.Secret != "" {
			if err := verifySignature(sig, src.Secret, r.Header, body, g.opts.Now()); err != nil {
				sigErr = err
				continue
			}
		}
		return src.ID, nil
	}
	if (token != "" || sigErr == nil) && tokenErr != nil {
		return "", tokenErr
	}
	return "", sigErr
}

// verifySignature checks a delivery's signature with the scheme its
// provider uses.
func verifySignature(sig provider.Signature, secret string, h http.Header, body []byte, now time.Time) error {
	switch sig.Scheme {
	case provider.SchemeStandardWebhooks:
		return verifyStandardWebhooks(secret, h, body, now)
	case provider.SchemeHMACHex:
		return verifyHMACHex(sig.Header, secret, h, body)
	}
	// The vendor does not sign; the config asked for a signature anyway,
	// so read it as Watchfire's own header.
	return verifyHMACHex("X-Watchfire-Signature", secret, h, body)
}

func verifyHMACHex(header, secret string, h http.Header, body []byte) error {
	got := strings.TrimSpace(h.Get(header))
	if got == "" {
		return unauthorized("the %s header is missing: sign the body with HMAC-SHA256 and the source's secret, "+
			"hex-encoded, as %s: sha256=<hex>", header, header)
	}
	got = strings.TrimPrefix(got, "sha256=")
	sum, err := hex.DecodeString(got)
	if err != nil {
		return unauthorized("the %s header is not hex: send sha256=<hex HMAC-SHA256 of the body>", header)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	if !hmac.Equal(sum, mac.Sum(nil)) {
		return unauthorized("the %s signature does not match the body and the source's secret", header)
	}
	return nil
}

// verifyStandardWebhooks checks https://www.standardwebhooks.com
// signatures, which incident.io (through Svix) sends.
func verifyStandardWebhooks(secret string, h http.Header, body []byte, now time.Time) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		// Svix's own header names, for senders that use them.
		id, ts, sigs = h.Get("svix-id"), h.Get("svix-timestamp"), h.Get("svix-signature")
	}
	if id == "" || ts == "" || sigs == "" {
		return unauthorized("the webhook-id, webhook-timestamp and webhook-signature headers are required (Standard Webhooks)")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return unauthorized("webhook-timestamp %q is not a Unix time in seconds", ts)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > signatureTolerance || d < -signatureTolerance {
		return unauthorized("webhook-timestamp is %s away from this server's clock (more than %s): check both clocks",
			d.Round(time.Second), signatureTolerance)
	}
	key := []byte(secret)
	if rest, ok := strings.CutPrefix(secret, "whsec_"); ok {
		if key, err = base64.StdEncoding.DecodeString(rest); err != nil {
			return unauthorized("the source's secret starts with whsec_ but is not base64: copy it again from the vendor")
		}
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		version, value, ok := strings.Cut(s, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(value)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return unauthorized("no webhook-signature matches the body and the source's secret")
}
