package postgres_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/watchfire-status/watchfire/internal/store"
)

// TestHistogramAddFunction checks the migration's SQL function against
// store.AddEncodedHistograms.
func TestHistogramAddFunction(t *testing.T) {
	_, dsn := openMigrated(t)
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	rng := rand.New(rand.NewPCG(3, 4))
	random := func() []byte {
		var h [store.HistogramBuckets]uint32
		for i := range rng.IntN(store.HistogramBuckets + 1) {
			h[i] = []uint32{0, 1, rng.Uint32(), math.MaxUint32}[rng.IntN(4)]
		}
		return store.EncodeHistogram(&h)
	}
	for range 200 {
		a, b := random(), random()
		want, err := store.AddEncodedHistograms(a, b)
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		if err := conn.QueryRow(t.Context(), `SELECT watchfire_histogram_add($1, $2)`, a, b).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("watchfire_histogram_add(%x, %x) = %x, want %x", a, b, got, want)
		}
	}
	var got []byte
	err = conn.QueryRow(t.Context(), `SELECT watchfire_histogram_add('\x010203'::bytea, ''::bytea)`).Scan(&got)
	if err == nil {
		t.Errorf("watchfire_histogram_add of 3 bytes = %x, want an error", got)
	}
}
