package providers

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/watchfire-status/watchfire/internal/config"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

// Every provider the config accepts is in the table, and nothing else.
func TestEveryConfigProviderIsInTheTable(t *testing.T) {
	reg := Registry()
	for _, name := range config.Providers {
		switch name {
		case "auto", "directory", "generic": // not readers: detection, a link only, webhooks only
			continue
		}
		if reg.Get(name) == nil {
			t.Errorf("provider %q is accepted by the config but not in the table", name)
		}
	}
	for _, name := range reg.Names() {
		if !slices.Contains(config.Providers, name) {
			t.Errorf("provider %q is in the table but the config refuses it", name)
		}
	}
}

// claimedBy names the provider for fixture directories of one format.
var claimedBy = map[string]string{
	"atlassian": "atlassian", "betterstack": "betterstack", "cachet": "cachet", "gcp": "gcp",
	"instatus": "instatus", "slack": "slack", "statusio": "statusio",
}

// Every real payload in testdata/fixtures parses with some provider, as
// `watchfire deps parse FILE` does without --provider, and the result
// passes the invariants every report keeps.
func TestEveryFixtureParses(t *testing.T) {
	reg := Registry()
	root := providertest.FixturesDir()
	n := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".tsv") || strings.Contains(path, string(filepath.Separator)+"webhooks"+string(filepath.Separator)) {
			return err
		}
		n++
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		p, rep, err := reg.ParseAny(body)
		if err != nil {
			t.Errorf("%s: no provider parses it: %v", rel, err)
			return nil
		}
		// Fixtures are filed by format: the first provider to claim one
		// must be that format's (the cascade relies on it).
		if want, ok := claimedBy[filepath.Dir(rel)]; ok && p.Name() != want {
			t.Errorf("%s: claimed by %s, want %s", rel, p.Name(), want)
		}
		if msg := providertest.Validate(rep); msg != "" {
			t.Errorf("%s (read by %s): %s", rel, p.Name(), msg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Errorf("only %d fixtures found under %s", n, root)
	}
}
