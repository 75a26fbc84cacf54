package sqlite

import (
	"bytes"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/watchfire-status/watchfire/internal/store"
)

// TestHistogramAddFunction checks the SQL function against
// store.AddEncodedHistograms.
func TestHistogramAddFunction(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "watchfire.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
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
		if err := db.reader.QueryRowContext(t.Context(), `SELECT watchfire_histogram_add(?, ?)`, a, b).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("watchfire_histogram_add(%x, %x) = %x, want %x", a, b, got, want)
		}
	}
	var got []byte
	err = db.reader.QueryRowContext(t.Context(), `SELECT watchfire_histogram_add(x'010203', x'')`).Scan(&got)
	if err == nil {
		t.Errorf("watchfire_histogram_add of 3 bytes = %x, want an error", got)
	}
}
