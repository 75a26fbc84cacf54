// Command gen writes the catalog's pages.tsv from the source list and the
// hand curation. Run it with `go generate ./internal/catalog`.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/watchfire-status/watchfire/internal/catalog/curate"
)

func main() {
	source := flag.String("source", "gen/source.tsv", "source list, name<TAB>url")
	curation := flag.String("curation", "gen/curation.tsv", "hand decisions")
	out := flag.String("out", "pages.tsv", "where to write the catalog")
	verbose := flag.Bool("v", false, "list the dropped rows and why")
	flag.Parse()
	if err := run(*source, *curation, *out, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(source, curation, out string, verbose bool) error {
	src, err := os.Open(source)
	if err != nil {
		return err
	}
	defer src.Close()
	cur, err := os.Open(curation)
	if err != nil {
		return err
	}
	defer cur.Close()
	res, err := curate.Curate(src, cur)
	if err != nil {
		return err
	}
	// Written whole once curation succeeded, so a failed run leaves the
	// committed file as it was.
	var buf bytes.Buffer
	if err := curate.Write(&buf, res.Pages); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if verbose {
		for _, d := range res.Dropped {
			fmt.Fprintf(os.Stderr, "dropped %s <%s>: %s\n", d.Name, d.URL, d.Reason)
		}
	}
	fmt.Fprintf(os.Stderr, "gen: %d pages written to %s, %d source rows dropped\n", len(res.Pages), out, len(res.Dropped))
	return nil
}
