package catalog_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/watchfire-status/watchfire/internal/catalog/curate"
)

// TestPagesTSVIsGenerated runs the generator in-process on the committed
// source and curation and compares with the committed pages.tsv, so a hand
// edit of pages.tsv, or a curation change without `go generate`, fails here.
func TestPagesTSVIsGenerated(t *testing.T) {
	src, err := os.Open("gen/source.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	cur, err := os.Open("gen/curation.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close()
	var got bytes.Buffer
	if err := curate.Generate(src, cur, &got); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("pages.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		gl, wl := bytes.Split(got.Bytes(), []byte("\n")), bytes.Split(want, []byte("\n"))
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w []byte
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if !bytes.Equal(g, w) {
				t.Fatalf("pages.tsv is stale; run `go generate ./internal/catalog`. First difference, line %d:\n generated: %q\n committed: %q", i+1, g, w)
			}
		}
	}
}
