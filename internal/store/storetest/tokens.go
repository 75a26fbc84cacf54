package storetest

import (
	"context"
	"testing"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

func testTokens(t *testing.T, s store.Store) {
	ctx := t.Context()
	tok := newToken("tok", "deploy", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
	mustUpdate(t, s, func(tx store.Tx) error { return tx.CreateToken(ctx, tok) })

	got, err := s.TokenByHash(ctx, tok.Hash)
	if err != nil {
		t.Fatalf("TokenByHash: %v", err)
	}
	assertEqual(t, "new token", *got, *tok)

	if err := s.TouchToken(ctx, tok.ID, at(10)); err != nil {
		t.Fatalf("TouchToken: %v", err)
	}
	got, err = s.TokenByHash(ctx, tok.Hash)
	if err != nil {
		t.Fatalf("TokenByHash: %v", err)
	}
	want := *tok
	want.LastUsedAt = ptr(at(10))
	assertEqual(t, "touched token", *got, want)
}

func testPing(t *testing.T, s store.Store) {
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	// The test's cleanup closes the store again, which must be harmless.
	err := s.Ping(context.Background())
	assertCode(t, "Ping after Close", err, watchfire.EUNAVAILABLE)
}
