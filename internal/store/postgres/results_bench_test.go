package postgres_test

import (
	"testing"

	"github.com/watchfire-status/watchfire/internal/store/postgres"
	"github.com/watchfire-status/watchfire/internal/store/storetest"
)

func BenchmarkAppendResults(b *testing.B) {
	storetest.BenchAppendResults(b, openBench(b))
}

func BenchmarkRollups200Monitors90Days(b *testing.B) {
	storetest.BenchRollups(b, openBench(b))
}

// openBench opens a migrated store in a fresh schema.
func openBench(b *testing.B) *postgres.DB {
	db, err := postgres.Open(b.Context(), storetest.PostgresDSN(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	return db
}
