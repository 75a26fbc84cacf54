package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

const payloadListColumns = `id, received_at, source, provider, source_id, content_type, length(body), state, error,
	attempts, event_key, events, processed_at`

func scanPayload(s scanner, withBody bool) (watchfire.Payload, error) {
	var p watchfire.Payload
	dest := []any{&p.ID, timeColumn{&p.ReceivedAt}, &p.Source, &p.Provider, &p.SourceID, &p.ContentType,
		&p.Size, &p.State, &p.Error, &p.Attempts, &p.EventKey, &p.Events, nullTimeColumn{&p.ProcessedAt}}
	if withBody {
		dest = append(dest, &p.Body)
	}
	err := s.Scan(dest...)
	return p, err
}

// AppendPayloads inserts every payload in one transaction on the writer
// connection: one commit, one fsync of the WAL, for the whole batch.
func (db *DB) AppendPayloads(ctx context.Context, ps []*watchfire.Payload) error {
	if len(ps) == 0 {
		return nil
	}
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return interpretError(err, "starting to store payloads")
	}
	defer sqlTx.Rollback()
	stmt, err := sqlTx.PrepareContext(ctx, `
		INSERT INTO payloads (received_at, source, provider, source_id, content_type, body, state, error,
		                      attempts, event_key, events, processed_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', '', 0, '', 0, NULL)`)
	if err != nil {
		return interpretError(err, "storing payloads")
	}
	defer stmt.Close()
	for _, p := range ps {
		body := p.Body
		if body == nil {
			body = []byte{} // NOT NULL
		}
		res, err := stmt.ExecContext(ctx, encodeTime(p.ReceivedAt), p.Source, p.Provider, p.SourceID,
			p.ContentType, body)
		if err != nil {
			return interpretError(err, "storing a payload")
		}
		if p.ID, err = res.LastInsertId(); err != nil {
			return interpretError(err, "storing a payload")
		}
		p.State, p.Size = watchfire.PayloadPending, len(p.Body)
	}
	if err := sqlTx.Commit(); err != nil {
		return interpretError(err, "committing payloads")
	}
	return nil
}

func (db *DB) PendingPayloads(ctx context.Context, afterID int64, limit int) ([]watchfire.Payload, error) {
	ps, err := queryAll(ctx, db.reader, func(s scanner) (watchfire.Payload, error) { return scanPayload(s, true) },
		`SELECT `+payloadListColumns+`, body FROM payloads WHERE state = 'pending' AND id > ? ORDER BY id LIMIT ?`,
		afterID, max(limit, 1))
	return ps, interpretError(err, "reading pending payloads")
}

func (db *DB) Payloads(ctx context.Context, f store.PayloadFilter) ([]watchfire.Payload, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.State != "" {
		add("state = ?", f.State)
	}
	if f.Source != "" {
		add("source = ?", f.Source)
	}
	if f.Provider != "" {
		add("provider = ?", f.Provider)
	}
	if !f.Since.IsZero() {
		add("received_at >= ?", encodeTime(f.Since))
	}
	if f.BeforeID > 0 {
		add("id < ?", f.BeforeID)
	}
	query := `SELECT ` + payloadListColumns + ` FROM payloads`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, store.EventLimit(f.Limit))
	ps, err := queryAll(ctx, db.reader, func(s scanner) (watchfire.Payload, error) { return scanPayload(s, false) },
		query, args...)
	return ps, interpretError(err, "reading payloads")
}

func (db *DB) Payload(ctx context.Context, id int64) (*watchfire.Payload, error) {
	p, err := scanPayload(db.reader.QueryRowContext(ctx,
		`SELECT `+payloadListColumns+`, body FROM payloads WHERE id = ?`, id), true)
	if err != nil {
		return nil, interpretError(err, fmt.Sprintf("payload %d", id))
	}
	return &p, nil
}

func (db *DB) FailPayload(ctx context.Context, id int64, reason string, final bool) error {
	state := watchfire.PayloadPending
	if final {
		state = watchfire.PayloadFailed
	}
	_, err := db.writer.ExecContext(ctx,
		`UPDATE payloads SET attempts = attempts + 1, error = ?, state = ? WHERE id = ? AND state = 'pending'`,
		reason, state, id)
	return interpretError(err, fmt.Sprintf("payload %d", id))
}

func (db *DB) PrunePayloads(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.Update(ctx, func(st store.Tx) error {
		q := st.(*tx).q
		res, err := q.ExecContext(ctx, `DELETE FROM payloads WHERE received_at < ? AND state <> 'pending'`,
			encodeTime(before))
		if err != nil {
			return interpretError(err, "pruning payloads")
		}
		n, _ = res.RowsAffected()
		_, err = q.ExecContext(ctx, `DELETE FROM payload_keys WHERE received_at < ?`, encodeTime(before))
		return interpretError(err, "pruning payload keys")
	})
	return n, err
}

func (t *tx) ClaimEventKey(ctx context.Context, provider, sourceID, key string, payloadID int64, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `
		INSERT INTO payload_keys (provider, source_id, key, payload_id, received_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (provider, source_id, key) DO NOTHING`,
		provider, sourceID, key, payloadID, encodeTime(at))
	if err != nil {
		return false, interpretError(err, "recording a vendor event id")
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err, "recording a vendor event id")
}

func (t *tx) FinishPayload(ctx context.Context, p *watchfire.Payload) error {
	res, err := t.q.ExecContext(ctx, `
		UPDATE payloads SET state = ?, error = ?, event_key = ?, events = ?, processed_at = ?
		WHERE id = ? AND state = 'pending'`,
		p.State, p.Error, p.EventKey, p.Events, encodeNullTime(p.ProcessedAt), p.ID)
	if err != nil {
		return interpretError(err, fmt.Sprintf("payload %d", p.ID))
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notPending(p.ID)
	}
	return nil
}

func notPending(id int64) error {
	return watchfire.Errorf(watchfire.ECONFLICT, "payload %d is not pending: it was applied already, or pruned", id)
}
