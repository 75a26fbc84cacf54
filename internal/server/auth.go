package server

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
)

// tokenTTL is how long a verified token is trusted without asking the
// store again.
const tokenTTL = time.Minute

type cachedToken struct {
	id      string
	expires time.Time
}

type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedToken // by hash
}

// requireToken lets a request through only with a valid bearer token.
func (s *Server) requireToken(h handlerFunc) http.Handler {
	return s.api(func(w http.ResponseWriter, r *http.Request) error {
		if err := s.authenticate(r); err != nil {
			return err
		}
		return h(w, r)
	})
}

func (s *Server) authenticate(r *http.Request) error {
	header := r.Header.Get("Authorization")
	scheme, secret, _ := strings.Cut(header, " ")
	secret = strings.TrimSpace(secret)
	if header == "" || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return watchfire.Errorf(watchfire.EUNAUTHORIZED,
			"this endpoint needs an API token: send 'Authorization: Bearer <token>'; create one with 'watchfire token create --name NAME'")
	}
	hash := engine.HashToken(secret)
	now := s.now()

	s.tokens.mu.Lock()
	c, ok := s.tokens.m[hash]
	s.tokens.mu.Unlock()
	if ok && now.Before(c.expires) {
		return nil
	}
	t, err := s.store.TokenByHash(r.Context(), hash)
	if watchfire.ErrorCode(err) == watchfire.ENOTFOUND {
		return watchfire.Errorf(watchfire.EUNAUTHORIZED,
			"the API token is not valid; check it, or create a new one with 'watchfire token create --name NAME'")
	}
	if err != nil {
		return err
	}
	s.tokens.mu.Lock()
	s.tokens.m[hash] = cachedToken{id: t.ID, expires: now.Add(tokenTTL)}
	s.tokens.mu.Unlock()
	if err := s.store.TouchToken(r.Context(), t.ID, now); err != nil {
		s.log.Warn("could not record token use", "token", t.Name, "err", err)
	}
	return nil
}
