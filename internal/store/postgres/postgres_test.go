package postgres_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/store/postgres"
	"github.com/watchfire-status/watchfire/internal/store/storetest"
)

func TestMain(m *testing.M) {
	// This machine's zone may be UTC; another one makes a store that
	// returns local times fail the suite.
	time.Local = time.FixedZone("UTC-3", -3*60*60)
	m.Run()
}

// openMigrated opens a migrated store in a fresh schema.
func openMigrated(t *testing.T) (*postgres.DB, string) {
	t.Helper()
	dsn := storetest.PostgresDSN(t)
	db, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db, dsn
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, _ := openMigrated(t)
		return db
	})
}

// TestUpdatesSerializeAcrossReplicas runs read-modify-write transactions
// from two stores on one database, as two replicas would: only the
// advisory lock keeps their updates from being lost.
func TestUpdatesSerializeAcrossReplicas(t *testing.T) {
	first, dsn := openMigrated(t)
	second, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	ctx := t.Context()
	err = first.Update(ctx, func(tx store.Tx) error {
		return tx.CreateComponent(ctx, &watchfire.Component{ID: "counter", Name: "Counter"})
	})
	if err != nil {
		t.Fatal(err)
	}

	const goroutinesPerReplica, commitsEach = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, 2*goroutinesPerReplica)
	for _, replica := range []*postgres.DB{first, second} {
		for range goroutinesPerReplica {
			wg.Go(func() {
				for range commitsEach {
					err := replica.Update(ctx, func(tx store.Tx) error {
						c, err := tx.GetComponent(ctx, "counter")
						if err != nil {
							return err
						}
						c.Position++
						return tx.UpdateComponent(ctx, c)
					})
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	err = first.Update(ctx, func(tx store.Tx) error {
		c, err := tx.GetComponent(ctx, "counter")
		if err != nil {
			return err
		}
		if want := 2 * goroutinesPerReplica * commitsEach; c.Position != want {
			t.Errorf("counter = %d, want %d: replicas' writes interleaved", c.Position, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
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
	db, err := postgres.Open(t.Context(), storetest.PostgresDSN(t))
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
	db, dsn := openMigrated(t)
	_, latest, err := db.SchemaVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Pretend a newer watchfire migrated the schema.
	raw, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(t.Context(), `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, latest+1)
	raw.Close(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	db, err = postgres.Open(t.Context(), dsn)
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

func TestOpenUnreachableServer(t *testing.T) {
	// Needs no server: nothing listens on port 1.
	dsn := "postgres://watchfire:s3cret-password@127.0.0.1:1/watchfire?sslmode=disable&connect_timeout=5"
	db, err := postgres.Open(t.Context(), dsn)
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded against a closed port")
	}
	t.Log(err)
	if code := watchfire.ErrorCode(err); code != watchfire.EUNAVAILABLE {
		t.Errorf("code %q, want %q", code, watchfire.EUNAVAILABLE)
	}
	if msg := watchfire.ErrorMessage(err); !strings.Contains(msg, "127.0.0.1:1") {
		t.Errorf("message %q does not name the server", msg)
	}
	if strings.Contains(err.Error(), "s3cret-password") {
		t.Errorf("error %q shows the password", err)
	}
}
