package sqlite

import (
	"path/filepath"
	"testing"
)

// TestConnectionSettings checks that every pooled connection got the
// settings durability and isolation rely on.
func TestConnectionSettings(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "watchfire.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		pool   string
		pragma string
		want   string
	}{
		{"writer", "journal_mode", "wal"},
		{"writer", "synchronous", "2"}, // FULL
		{"writer", "foreign_keys", "1"},
		{"writer", "busy_timeout", "5000"},
		{"writer", "query_only", "0"},
		{"reader", "journal_mode", "wal"},
		{"reader", "foreign_keys", "1"},
		{"reader", "busy_timeout", "5000"},
		{"reader", "query_only", "1"},
	}
	for _, tt := range tests {
		pool := db.writer
		if tt.pool == "reader" {
			pool = db.reader
		}
		var got string
		if err := pool.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Fatalf("%s: PRAGMA %s: %v", tt.pool, tt.pragma, err)
		}
		if got != tt.want {
			t.Errorf("%s: PRAGMA %s = %s, want %s", tt.pool, tt.pragma, got, tt.want)
		}
	}
	if n := db.writer.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("the writer pool allows %d connections, want 1", n)
	}
	if _, err := db.reader.ExecContext(t.Context(), "CREATE TABLE t (x)"); err == nil {
		t.Error("the read pool accepted a write")
	}
}
