package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

const payloadListColumns = `id, received_at, source, provider, source_id, content_type, length(body), state, error,
	attempts, event_key, events, processed_at`

func scanPayload(s scanner, withBody bool) (watchfire.Payload, error) {
	var p watchfire.Payload
	dest := []any{&p.ID, &p.ReceivedAt, &p.Source, &p.Provider, &p.SourceID, &p.ContentType,
		&p.Size, &p.State, &p.Error, &p.Attempts, &p.EventKey, &p.Events, &p.ProcessedAt}
	if withBody {
		dest = append(dest, &p.Body)
	}
	err := s.Scan(dest...)
	if err == nil {
		p.ReceivedAt = p.ReceivedAt.UTC()
		if p.ProcessedAt != nil {
			t := p.ProcessedAt.UTC()
			p.ProcessedAt = &t
		}
	}
	return p, err
}

// AppendPayloads inserts every payload in one transaction, sent as one
// batch: one round trip and one commit for the whole group. It does not
// take the writers' lock: appending payloads never races a state change.
func (db *DB) AppendPayloads(ctx context.Context, ps []*watchfire.Payload) error {
	if len(ps) == 0 {
		return nil
	}
	pgTx, err := db.pool.Begin(ctx)
	if err != nil {
		return interpretError(err, "starting to store payloads")
	}
	defer pgTx.Rollback(ctx)
	var b pgx.Batch
	for _, p := range ps {
		body := p.Body
		if body == nil {
			body = []byte{}
		}
		b.Queue(`
			INSERT INTO payloads (received_at, source, provider, source_id, content_type, body, state, error,
			                      attempts, event_key, events, processed_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'pending', '', 0, '', 0, NULL) RETURNING id`,
			p.ReceivedAt, p.Source, p.Provider, p.SourceID, p.ContentType, body)
	}
	res := pgTx.SendBatch(ctx, &b)
	for _, p := range ps {
		if err := res.QueryRow().Scan(&p.ID); err != nil {
			res.Close()
			return interpretError(err, "storing a payload")
		}
		p.State, p.Size = watchfire.PayloadPending, len(p.Body)
	}
	if err := res.Close(); err != nil {
		return interpretError(err, "storing payloads")
	}
	if err := pgTx.Commit(ctx); err != nil {
		return interpretError(err, "committing payloads")
	}
	return nil
}

func (db *DB) PendingPayloads(ctx context.Context, afterID int64, limit int) ([]watchfire.Payload, error) {
	ps, err := queryAll(ctx, db.pool, func(s scanner) (watchfire.Payload, error) { return scanPayload(s, true) },
		`SELECT `+payloadListColumns+`, body FROM payloads WHERE state = 'pending' AND id > $1 ORDER BY id LIMIT $2`,
		afterID, max(limit, 1))
	return ps, interpretError(err, "reading pending payloads")
}

func (db *DB) Payloads(ctx context.Context, f store.PayloadFilter) ([]watchfire.Payload, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.State != "" {
		add("state = ?", string(f.State))
	}
	if f.Source != "" {
		add("source = ?", string(f.Source))
	}
	if f.Provider != "" {
		add("provider = ?", f.Provider)
	}
	if !f.Since.IsZero() {
		add("received_at >= ?", f.Since)
	}
	if f.BeforeID > 0 {
		add("id < ?", f.BeforeID)
	}
	query := `SELECT ` + payloadListColumns + ` FROM payloads`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, store.EventLimit(f.Limit))
	query += ` ORDER BY id DESC LIMIT $` + strconv.Itoa(len(args))
	ps, err := queryAll(ctx, db.pool, func(s scanner) (watchfire.Payload, error) { return scanPayload(s, false) },
		query, args...)
	return ps, interpretError(err, "reading payloads")
}

func (db *DB) Payload(ctx context.Context, id int64) (*watchfire.Payload, error) {
	p, err := scanPayload(db.pool.QueryRow(ctx,
		`SELECT `+payloadListColumns+`, body FROM payloads WHERE id = $1`, id), true)
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
	_, err := db.pool.Exec(ctx,
		`UPDATE payloads SET attempts = attempts + 1, error = $1, state = $2 WHERE id = $3 AND state = 'pending'`,
		reason, string(state), id)
	return interpretError(err, fmt.Sprintf("payload %d", id))
}

func (db *DB) PrunePayloads(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.Update(ctx, func(st store.Tx) error {
		q := st.(*tx).q
		tag, err := q.Exec(ctx, `DELETE FROM payloads WHERE received_at < $1 AND state <> 'pending'`, before)
		if err != nil {
			return interpretError(err, "pruning payloads")
		}
		n = tag.RowsAffected()
		_, err = q.Exec(ctx, `DELETE FROM payload_keys WHERE received_at < $1`, before)
		return interpretError(err, "pruning payload keys")
	})
	return n, err
}

func (t *tx) ClaimEventKey(ctx context.Context, provider, sourceID, key string, payloadID int64, at time.Time) (bool, error) {
	tag, err := t.q.Exec(ctx, `
		INSERT INTO payload_keys (provider, source_id, key, payload_id, received_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (provider, source_id, key) DO NOTHING`,
		provider, sourceID, key, payloadID, at)
	if err != nil {
		return false, interpretError(err, "recording a vendor event id")
	}
	return tag.RowsAffected() == 1, nil
}

func (t *tx) FinishPayload(ctx context.Context, p *watchfire.Payload) error {
	tag, err := t.q.Exec(ctx, `
		UPDATE payloads SET state = $1, error = $2, event_key = $3, events = $4, processed_at = $5
		WHERE id = $6 AND state = 'pending'`,
		string(p.State), p.Error, p.EventKey, p.Events, p.ProcessedAt, p.ID)
	if err != nil {
		return interpretError(err, fmt.Sprintf("payload %d", p.ID))
	}
	if tag.RowsAffected() == 0 {
		return watchfire.Errorf(watchfire.ECONFLICT, "payload %d is not pending: it was applied already, or pruned", p.ID)
	}
	return nil
}
