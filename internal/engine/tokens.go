package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// TokenPrefix starts every API token, so secret scanners and people can
// tell what a leaked string is.
const TokenPrefix = "wf_"

// HashToken returns the stored form of a token secret. Tokens carry 160
// random bits, so a plain SHA-256 is enough: there is nothing to brute-force.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes an API token and returns its secret, which is shown
// once and never stored. ECONFLICT if the name is taken.
func (e *Engine) CreateToken(ctx context.Context, name string) (string, *watchfire.Token, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, invalid("name: required; name the token after who or what will use it")
	}
	if len(name) > 100 {
		return "", nil, invalid("name: %d characters is too long; the limit is 100", len(name))
	}
	var raw [20]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, err
	}
	secret := TokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw[:]))
	t := &watchfire.Token{ID: watchfire.NewID(), Name: name, Hash: HashToken(secret), CreatedAt: e.now().UTC()}
	err := e.store.Update(ctx, func(tx store.Tx) error { return tx.CreateToken(ctx, t) })
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}
