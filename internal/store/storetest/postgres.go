package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// PostgresEnv names the variable holding the DSN of a PostgreSQL database
// that tests may create schemas in.
const PostgresEnv = "WATCHFIRE_TEST_POSTGRES"

// PostgresDSN creates an empty schema in the database named by
// $WATCHFIRE_TEST_POSTGRES and returns a DSN whose search_path selects it;
// the schema is dropped when the test ends. It skips the test when the
// variable is unset.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip("set " + PostgresEnv + " to a DSN to test PostgreSQL")
	}
	var random [8]byte
	rand.Read(random[:])
	schema := "wf_test_" + hex.EncodeToString(random[:])
	admin := func(ctx context.Context, sql string) {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Fatalf("connecting to %s: %v", PostgresEnv, err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	admin(context.Background(), "CREATE SCHEMA "+schema)
	// Registered first, so it runs after the cleanups that close stores.
	t.Cleanup(func() { admin(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
	return withSearchPath(base, schema)
}

// withSearchPath adds search_path to a URL or a key=value DSN; pgx sends it
// as a run-time parameter, so every connection works in the schema.
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " search_path=" + schema
}
