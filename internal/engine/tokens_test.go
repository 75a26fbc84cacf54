package engine_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
)

func TestHashToken(t *testing.T) {
	// The stored form is the hex SHA-256 of the whole secret, prefix included.
	sum := sha256.Sum256([]byte("wf_abc"))
	if got, want := engine.HashToken("wf_abc"), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("HashToken = %s, want %s", got, want)
	}
	if engine.HashToken("wf_abc") == engine.HashToken("wf_abd") {
		t.Error("two secrets hash the same")
	}
}

func TestCreateToken(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		secrets := map[string]bool{}
		for _, name := range []string{"deploy", "  ci bot  "} {
			secret, tok, err := e.eng.CreateToken(ctx, name)
			if err != nil {
				t.Fatalf("CreateToken(%q): %v", name, err)
			}
			rest, ok := strings.CutPrefix(secret, engine.TokenPrefix)
			if !ok || len(rest) < 32 || strings.ToLower(rest) != rest {
				t.Errorf("secret %q: want %q and at least 32 lowercase characters", secret, engine.TokenPrefix)
			}
			if secrets[secret] {
				t.Errorf("secret %q handed out twice", secret)
			}
			secrets[secret] = true

			stored, err := e.db.TokenByHash(ctx, engine.HashToken(secret))
			if err != nil {
				t.Fatalf("TokenByHash(HashToken(secret)): %v", err)
			}
			if stored.ID != tok.ID || stored.Name != strings.TrimSpace(name) || !stored.CreatedAt.Equal(e.clock.Now()) {
				t.Errorf("stored token %+v, returned %+v; want the returned one, named %q, created at the clock's %v",
					stored, tok, strings.TrimSpace(name), e.clock.Now())
			}
			if stored.Hash == secret || strings.Contains(stored.Hash, rest) || len(stored.Hash) != 64 {
				t.Errorf("stored hash %q: want the 64 hex digits of the SHA-256, not the secret", stored.Hash)
			}
			if _, err := e.db.TokenByHash(ctx, secret); watchfire.ErrorCode(err) != watchfire.ENOTFOUND {
				t.Errorf("TokenByHash(secret itself) = %v, want ENOTFOUND: the secret must not be stored", err)
			}
		}

		tests := []struct {
			name string
			code string
		}{
			{"", watchfire.EINVALID},
			{" \t ", watchfire.EINVALID},
			{strings.Repeat("n", 101), watchfire.EINVALID},
			{"deploy", watchfire.ECONFLICT},
			{" ci bot", watchfire.ECONFLICT}, // names are trimmed before they are compared
		}
		for _, tt := range tests {
			secret, tok, err := e.eng.CreateToken(ctx, tt.name)
			if got := watchfire.ErrorCode(err); got != tt.code {
				t.Errorf("CreateToken(%q): code %q (%v), want %q", tt.name, got, err, tt.code)
			}
			if secret != "" || tok != nil {
				t.Errorf("CreateToken(%q) failed but returned %q, %+v", tt.name, secret, tok)
			}
		}
		if _, _, err := e.eng.CreateToken(ctx, strings.Repeat("n", 100)); err != nil {
			t.Errorf("CreateToken with a 100-character name: %v", err)
		}
		if published := e.drain(t); len(published) != 0 {
			t.Errorf("CreateToken published %v", describe(published))
		}
	})
}
