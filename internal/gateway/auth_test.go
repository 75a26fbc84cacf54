package gateway_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/gateway"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// svixAdapter signs like incident.io.
type svixAdapter struct{ testAdapter }

func (svixAdapter) Name() string { return "svix" }
func (svixAdapter) Signature() provider.Signature {
	return provider.Signature{Scheme: provider.SchemeStandardWebhooks}
}

func TestAuthorize(t *testing.T) {
	now := time.Date(2025, 11, 3, 14, 32, 0, 0, time.UTC)
	gw := gateway.New(gateway.Options{Adapters: []provider.WebhookAdapter{testAdapter{}, svixAdapter{}},
		Now: func() time.Time { return now }})
	secretKey := []byte("0123456789abcdef0123456789abcdef")
	whsec := "whsec_" + base64.StdEncoding.EncodeToString(secretKey)
	gw.SetSources(gateway.NewSources(false, []gateway.Source{
		{ID: "by-token", Provider: "test", Token: "tok-aaaaaaaaaaaaaaaa"},
		{ID: "by-hmac", Provider: "test", Secret: "hmac-secret"},
		{ID: "svix", Provider: "svix", Secret: whsec},
	}))
	body := []byte(`{"product":"Vendor"}`)
	hexSig := func(secret string) string {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(body)
		return "sha256=" + hex.EncodeToString(m.Sum(nil))
	}
	svixSig := func(id string, at time.Time) string {
		m := hmac.New(sha256.New, secretKey)
		m.Write([]byte(id + "." + strconv.FormatInt(at.Unix(), 10) + "." + string(body)))
		return "v1,bm90IGl0 v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	for _, tc := range []struct {
		name, provider, query string
		headers               map[string]string
		source, err           string
	}{
		{"token in URL", "test", "?token=tok-aaaaaaaaaaaaaaaa", nil, "by-token", ""},
		{"token in header", "test", "", map[string]string{"X-Watchfire-Token": "tok-aaaaaaaaaaaaaaaa"}, "by-token", ""},
		{"wrong token", "test", "?token=nope", nil, "", "does not match"},
		{"nothing", "test", "", nil, "", ""},
		{"hmac", "test", "", map[string]string{"X-Sig": hexSig("hmac-secret")}, "by-hmac", ""},
		{"hmac with the wrong secret", "test", "", map[string]string{"X-Sig": hexSig("other")}, "", "does not match"},
		{"named source, wrong provider", "test", "?source=svix", nil, "", `no webhook source "svix" for provider test`},
		{"standard webhooks", "svix", "", map[string]string{"webhook-id": "msg_1",
			"webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": svixSig("msg_1", now)}, "svix", ""},
		{"standard webhooks, svix headers", "svix", "", map[string]string{"svix-id": "msg_1",
			"svix-timestamp": strconv.FormatInt(now.Unix(), 10), "svix-signature": svixSig("msg_1", now)}, "svix", ""},
		{"standard webhooks, replayed", "svix", "", map[string]string{"webhook-id": "msg_1",
			"webhook-timestamp": strconv.FormatInt(now.Add(-time.Hour).Unix(), 10),
			"webhook-signature": svixSig("msg_1", now.Add(-time.Hour))}, "", "away from this server's clock"},
		{"standard webhooks, other id", "svix", "", map[string]string{"webhook-id": "msg_2",
			"webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": svixSig("msg_1", now)}, "", "no webhook-signature matches"},
		{"no source for the provider", "other", "", nil, "", "no webhook source is configured for provider other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/webhooks/"+tc.provider+tc.query, strings.NewReader(string(body)))
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			src, err := gw.Authorize(tc.provider, r, body)
			if tc.err == "" && tc.source == "" { // "nothing": some error, 401
				if watchfire.ErrorCode(err) != watchfire.EUNAUTHORIZED {
					t.Fatalf("Authorize = %q, %v; want EUNAUTHORIZED", src, err)
				}
				return
			}
			if tc.err != "" {
				if watchfire.ErrorCode(err) != watchfire.EUNAUTHORIZED || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Authorize = %q, %v; want EUNAUTHORIZED with %q", src, err, tc.err)
				}
				return
			}
			if err != nil || src != tc.source {
				t.Fatalf("Authorize = %q, %v; want source %q", src, err, tc.source)
			}
		})
	}
	// Open: providers without sources take anyone; those with sources
	// still check them.
	gw.SetSources(gateway.NewSources(true, []gateway.Source{{ID: "by-token", Provider: "test", Token: "tok-aaaaaaaaaaaaaaaa"}}))
	if src, err := gw.Authorize("svix", httptest.NewRequest("POST", "/webhooks/svix", nil), body); err != nil || src != "" {
		t.Errorf("open provider: %q, %v", src, err)
	}
	if _, err := gw.Authorize("test", httptest.NewRequest("POST", "/webhooks/test", nil), body); err == nil {
		t.Error("a provider with a source accepted a delivery without its token while open")
	}
}
