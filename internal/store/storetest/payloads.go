package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

func newPayload(provider string, n int, at time.Time) *watchfire.Payload {
	return &watchfire.Payload{
		ReceivedAt:  at,
		Source:      watchfire.SourceWebhook,
		Provider:    provider,
		SourceID:    "src-" + provider,
		ContentType: "application/json",
		Body:        []byte(fmt.Sprintf(`{"id":"ev-%d","bytes":"\u0000\xff"}`, n)),
	}
}

// A batch is stored whole with increasing ids, bodies byte for byte, and
// listed newest first without bodies.
func testPayloadRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	var batch []*watchfire.Payload
	for i := range 5 {
		batch = append(batch, newPayload("generic", i, at(i)))
	}
	batch[4].Body = nil // an empty body is stored as empty
	if err := s.AppendPayloads(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(batch); i++ {
		if batch[i].ID <= batch[i-1].ID {
			t.Fatalf("ids not increasing: %d then %d", batch[i-1].ID, batch[i].ID)
		}
	}
	got, err := s.Payload(ctx, batch[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, "Payload", *got, *batch[2])
	empty, err := s.Payload(ctx, batch[4].ID)
	if err != nil || len(empty.Body) != 0 || empty.Size != 0 {
		t.Errorf("empty body: %+v, %v", empty, err)
	}
	list, err := s.Payloads(ctx, store.PayloadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 5 || list[0].ID != batch[4].ID || list[4].ID != batch[0].ID {
		t.Fatalf("Payloads: %d, want 5 newest first", len(list))
	}
	if list[1].Body != nil || list[1].Size != len(batch[3].Body) {
		t.Errorf("listed payload carries body %q, size %d", list[1].Body, list[1].Size)
	}
	if _, err := s.Payload(ctx, batch[4].ID+100); !isCode(err, watchfire.ENOTFOUND) {
		t.Errorf("unknown payload: %v, want ENOTFOUND", err)
	}
}

// Pending payloads come oldest first after a cursor; finishing one in a
// transaction takes it off the list, failing it does only when final.
func testPayloadLifecycle(t *testing.T, s store.Store) {
	ctx := context.Background()
	var batch []*watchfire.Payload
	for i := range 4 {
		batch = append(batch, newPayload("atlassian", i, at(i)))
	}
	if err := s.AppendPayloads(ctx, batch); err != nil {
		t.Fatal(err)
	}
	pending, err := s.PendingPayloads(ctx, 0, 10)
	if err != nil || len(pending) != 4 || pending[0].ID != batch[0].ID || !bytes.Equal(pending[3].Body, batch[3].Body) {
		t.Fatalf("PendingPayloads = %d payloads, %v", len(pending), err)
	}
	if after, _ := s.PendingPayloads(ctx, batch[1].ID, 1); len(after) != 1 || after[0].ID != batch[2].ID {
		t.Fatalf("PendingPayloads after %d limit 1 = %+v", batch[1].ID, after)
	}

	done := at(10)
	err = s.Update(ctx, func(tx store.Tx) error {
		first, err := tx.ClaimEventKey(ctx, "atlassian", "src", "upd-1", batch[0].ID, done)
		if err != nil || !first {
			return fmt.Errorf("first claim = %v, %v", first, err)
		}
		again, err := tx.ClaimEventKey(ctx, "atlassian", "src", "upd-1", batch[1].ID, done)
		if err != nil || again {
			return fmt.Errorf("second claim = %v, %v", again, err)
		}
		other, err := tx.ClaimEventKey(ctx, "atlassian", "other-src", "upd-1", batch[1].ID, done)
		if err != nil || !other {
			return fmt.Errorf("same key from another source = %v, %v", other, err)
		}
		return tx.FinishPayload(ctx, &watchfire.Payload{ID: batch[0].ID, State: watchfire.PayloadProcessed,
			EventKey: "upd-1", Events: 2, ProcessedAt: &done})
	})
	if err != nil {
		t.Fatal(err)
	}
	// A claim rolled back with its transaction is not kept.
	boom := fmt.Errorf("boom")
	err = s.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.ClaimEventKey(ctx, "atlassian", "src", "upd-2", batch[1].ID, done); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Update = %v", err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		ok, err := tx.ClaimEventKey(ctx, "atlassian", "src", "upd-2", batch[1].ID, done)
		if err == nil && !ok {
			err = fmt.Errorf("key of a rolled-back claim was kept")
		}
		if err != nil {
			return err
		}
		return tx.FinishPayload(ctx, &watchfire.Payload{ID: 1 << 40, State: watchfire.PayloadProcessed})
	})
	if !isCode(err, watchfire.ECONFLICT) {
		t.Errorf("finishing an unknown payload: %v, want ECONFLICT", err)
	}
	// Finishing twice: the second worker learns it came too late.
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.FinishPayload(ctx, &watchfire.Payload{ID: batch[0].ID, State: watchfire.PayloadProcessed})
	})
	if !isCode(err, watchfire.ECONFLICT) {
		t.Errorf("finishing a processed payload again: %v, want ECONFLICT", err)
	}

	got, err := s.Payload(ctx, batch[0].ID)
	if err != nil || got.State != watchfire.PayloadProcessed || got.EventKey != "upd-1" || got.Events != 2 ||
		got.ProcessedAt == nil || !got.ProcessedAt.Truncate(time.Microsecond).Equal(done.Truncate(time.Microsecond)) {
		t.Errorf("finished payload = %+v, %v", got, err)
	}
	if err := s.FailPayload(ctx, batch[1].ID, "adapter exploded", false); err != nil {
		t.Fatal(err)
	}
	if err := s.FailPayload(ctx, batch[2].ID, "gave up", true); err != nil {
		t.Fatal(err)
	}
	p1, _ := s.Payload(ctx, batch[1].ID)
	p2, _ := s.Payload(ctx, batch[2].ID)
	if p1.State != watchfire.PayloadPending || p1.Attempts != 1 || p1.Error != "adapter exploded" {
		t.Errorf("failed once: %+v", p1)
	}
	if p2.State != watchfire.PayloadFailed || p2.Attempts != 1 || p2.Error != "gave up" {
		t.Errorf("failed for good: %+v", p2)
	}
	pending, _ = s.PendingPayloads(ctx, 0, 10)
	if len(pending) != 2 || pending[0].ID != batch[1].ID || pending[1].ID != batch[3].ID {
		t.Errorf("pending after finishing and failing: %+v", pending)
	}
	failed, _ := s.Payloads(ctx, store.PayloadFilter{State: watchfire.PayloadFailed})
	if len(failed) != 1 || failed[0].ID != batch[2].ID {
		t.Errorf("Payloads(state failed) = %+v", failed)
	}
}

func testPayloadFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	batch := []*watchfire.Payload{
		newPayload("atlassian", 0, at(0)), newPayload("generic", 1, at(10)), newPayload("generic", 2, at(20)),
	}
	batch[2].Source = watchfire.SourcePoller
	if err := s.AppendPayloads(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		f    store.PayloadFilter
		want []int
	}{
		"provider": {store.PayloadFilter{Provider: "generic"}, []int{2, 1}},
		"source":   {store.PayloadFilter{Source: watchfire.SourcePoller}, []int{2}},
		"since":    {store.PayloadFilter{Since: at(10)}, []int{2, 1}},
		"before":   {store.PayloadFilter{BeforeID: batch[2].ID}, []int{1, 0}},
		"limit":    {store.PayloadFilter{Limit: 1}, []int{2}},
		"state":    {store.PayloadFilter{State: watchfire.PayloadUnparsed}, nil},
	} {
		got, err := s.Payloads(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, p := range got {
			ids = append(ids, p.ID)
		}
		var want []int64
		for _, i := range tc.want {
			want = append(want, batch[i].ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(want) {
			t.Errorf("%s: ids %v, want %v", name, ids, want)
		}
	}
}

// Pruning deletes old payloads that are done, never pending ones, and old
// event keys; ids are not reused afterwards.
func testPrunePayloads(t *testing.T, s store.Store) {
	ctx := context.Background()
	old, oldPending, recent := newPayload("generic", 0, at(-100)), newPayload("generic", 1, at(-100)), newPayload("generic", 2, at(0))
	if err := s.AppendPayloads(ctx, []*watchfire.Payload{old, oldPending, recent}); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.ClaimEventKey(ctx, "generic", "", "old-key", old.ID, at(-100)); err != nil {
			return err
		}
		if _, err := tx.ClaimEventKey(ctx, "generic", "", "new-key", recent.ID, at(0)); err != nil {
			return err
		}
		for _, p := range []*watchfire.Payload{old, recent} {
			done := at(0)
			if err := tx.FinishPayload(ctx, &watchfire.Payload{ID: p.ID, State: watchfire.PayloadProcessed, ProcessedAt: &done}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.PrunePayloads(ctx, at(-50))
	if err != nil || n != 1 {
		t.Fatalf("PrunePayloads = %d, %v; want 1", n, err)
	}
	if _, err := s.Payload(ctx, old.ID); !isCode(err, watchfire.ENOTFOUND) {
		t.Errorf("pruned payload still readable: %v", err)
	}
	for _, p := range []*watchfire.Payload{oldPending, recent} {
		if _, err := s.Payload(ctx, p.ID); err != nil {
			t.Errorf("payload %d should survive pruning: %v", p.ID, err)
		}
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		if ok, err := tx.ClaimEventKey(ctx, "generic", "", "old-key", recent.ID, at(0)); err != nil || !ok {
			return fmt.Errorf("pruned key not claimable again: %v %v", ok, err)
		}
		if ok, err := tx.ClaimEventKey(ctx, "generic", "", "new-key", recent.ID, at(0)); err != nil || ok {
			return fmt.Errorf("recent key pruned: %v %v", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	// Delete the newest payload too: the next id must still be new.
	done := at(0)
	_ = s.Update(ctx, func(tx store.Tx) error {
		return tx.FinishPayload(ctx, &watchfire.Payload{ID: oldPending.ID, State: watchfire.PayloadProcessed, ProcessedAt: &done})
	})
	if _, err := s.PrunePayloads(ctx, at(100)); err != nil {
		t.Fatal(err)
	}
	next := newPayload("generic", 3, at(1))
	if err := s.AppendPayloads(ctx, []*watchfire.Payload{next}); err != nil {
		t.Fatal(err)
	}
	if next.ID <= recent.ID {
		t.Errorf("id %d reused after pruning (last was %d)", next.ID, recent.ID)
	}
}

// Concurrent appends all land, each once, with distinct ids.
func testAppendPayloadsConcurrently(t *testing.T, s store.Store) {
	ctx := context.Background()
	var wg sync.WaitGroup
	ids := make(chan int64, 200)
	for w := range 8 {
		wg.Go(func() {
			for i := range 5 {
				var batch []*watchfire.Payload
				for j := range 5 {
					batch = append(batch, newPayload("generic", w*100+i*10+j, at(0)))
				}
				if err := s.AppendPayloads(ctx, batch); err != nil {
					t.Error(err)
					return
				}
				for _, p := range batch {
					ids <- p.ID
				}
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("id %d given twice", id)
		}
		seen[id] = true
	}
	all, err := s.PendingPayloads(ctx, 0, 1000)
	if err != nil || len(all) != 200 || len(seen) != 200 {
		t.Errorf("stored %d payloads, handed out %d ids, want 200: %v", len(all), len(seen), err)
	}
}

func isCode(err error, code string) bool { return watchfire.ErrorCode(err) == code }
