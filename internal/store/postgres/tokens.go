package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/watchfire-status/watchfire"
)

// TokenByHash reads outside any transaction: authentication never waits
// for a write.
func (db *DB) TokenByHash(ctx context.Context, hash string) (*watchfire.Token, error) {
	var tok watchfire.Token
	err := db.pool.QueryRow(ctx,
		`SELECT id, name, hash, created_at, last_used_at FROM tokens WHERE hash = $1`, hash).
		Scan(&tok.ID, &tok.Name, &tok.Hash, &tok.CreatedAt, &tok.LastUsedAt)
	if err != nil {
		return nil, interpretError(err, "token") // never echo the hash
	}
	return &tok, nil
}

// TouchToken skips the writers' lock: it changes one column that no
// derivation reads, and must not queue authentication behind writes.
func (db *DB) TouchToken(ctx context.Context, id string, t time.Time) error {
	res, err := db.pool.Exec(ctx, `UPDATE tokens SET last_used_at = $1 WHERE id = $2`, t, id)
	return changedOne(res, err, fmt.Sprintf("token %q", id))
}
