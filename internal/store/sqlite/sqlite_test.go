package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
	"github.com/watchfire-status/watchfire/internal/store/storetest"
)

func TestMain(m *testing.M) {
	// This machine's zone may be UTC; another one makes a store that
	// returns local times fail the suite.
	time.Local = time.FixedZone("UTC-3", -3*60*60)
	m.Run()
}

// openMigrated opens a fresh, migrated database in a temporary directory.
func openMigrated(t *testing.T) (*sqlite.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "watchfire.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db, path
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, _ := openMigrated(t)
		return db
	})
}

func TestMigrateIsIdempotent(t *testing.T) {
	db, _ := openMigrated(t)
	for range 2 {
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	current, latest, err := db.SchemaVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if current != latest || latest < 1 {
		t.Errorf("SchemaVersion = %d, %d; want equal and at least 1", current, latest)
	}
}

func TestOpenLeavesAnEmptyDatabaseUnmigrated(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "new.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	current, latest, err := db.SchemaVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if current != 0 || latest < 1 {
		t.Errorf("SchemaVersion of a new database = %d, %d; want 0 and at least 1", current, latest)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	db, path := openMigrated(t)
	_, latest, err := db.SchemaVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Pretend a newer watchfire migrated the file.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)`, latest+1)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}

	db, err = sqlite.Open(t.Context(), path)
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded on a database migrated by a newer binary")
	}
	t.Log(err)
	msg := watchfire.ErrorMessage(err)
	for _, want := range []string{"newer than this watchfire binary supports", "upgrade watchfire"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Open error %q does not contain %q", msg, want)
		}
	}
}

func TestOpenFailsClearly(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, path string
	}{
		{"a directory", dir},
		{"a file in a missing directory", filepath.Join(dir, "missing", "watchfire.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := sqlite.Open(t.Context(), tt.path)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", tt.path)
			}
			t.Log(err)
			if code := watchfire.ErrorCode(err); code != watchfire.EUNAVAILABLE {
				t.Errorf("Open(%q): code %q, want %q (%v)", tt.path, code, watchfire.EUNAVAILABLE, err)
			}
			if msg := watchfire.ErrorMessage(err); !strings.Contains(msg, tt.path) {
				t.Errorf("Open(%q): message %q does not name the path", tt.path, msg)
			}
		})
	}
}
