package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/watchfire-status/watchfire"
)

// TokenByHash reads from the read pool: authentication never waits for a
// write.
func (db *DB) TokenByHash(ctx context.Context, hash string) (*watchfire.Token, error) {
	var tok watchfire.Token
	err := db.reader.QueryRowContext(ctx,
		`SELECT id, name, hash, created_at, last_used_at FROM tokens WHERE hash = ?`, hash).
		Scan(&tok.ID, &tok.Name, &tok.Hash, timeColumn{&tok.CreatedAt}, nullTimeColumn{&tok.LastUsedAt})
	if err != nil {
		return nil, interpretError(err, "token") // never echo the hash
	}
	return &tok, nil
}

// TouchToken writes through the writer connection, the only one allowed
// to write; it is one short statement.
func (db *DB) TouchToken(ctx context.Context, id string, t time.Time) error {
	res, err := db.writer.ExecContext(ctx, `UPDATE tokens SET last_used_at = ? WHERE id = ?`, encodeTime(t), id)
	return changedOne(res, err, fmt.Sprintf("token %q", id))
}
