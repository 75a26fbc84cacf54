package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/watchfire-status/watchfire/internal/store/sqlite"
	"github.com/watchfire-status/watchfire/internal/store/storetest"
)

func BenchmarkAppendResults(b *testing.B) {
	storetest.BenchAppendResults(b, openBench(b))
}

func BenchmarkRollups200Monitors90Days(b *testing.B) {
	storetest.BenchRollups(b, openBench(b))
}

// openBench opens a fresh, migrated database in a temporary directory.
func openBench(b *testing.B) *sqlite.DB {
	db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "watchfire.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	return db
}
