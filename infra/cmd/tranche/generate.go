package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tranche-dev/tranche/pkg/importer"
	"github.com/tranche-dev/tranche/pkg/importer/synth"
)

// cmdGenerate loads a synthetic workspace of N investments through the
// import path (validation, idempotent writes, aggregates): a local stack
// at realistic size for measuring lists (BENCHMARKS.md).
func cmdGenerate(ctx context.Context, args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	ws := fs.String("workspace", "", "workspace to land the data in (created if missing)")
	n := fs.Int("investments", 30000, "how many investments (50 offerings, investments/50 investors)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ws == "" || *n <= 0 || fs.NArg() != 0 {
		return errors.New("usage: tranche generate --workspace NAME [--investments N]")
	}
	d, err := synth.Data(*n)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	w, err := db.WorkspaceNamed(ctx, *ws)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := importer.Write(ctx, db, w.ID, d, progressBar(os.Stderr))
	if err != nil {
		return err
	}
	fmt.Printf("generated %d investments into workspace %q: %d objects, %d items written in %s\n",
		*n, *ws, res.Objects, res.Items, time.Since(start).Round(time.Millisecond))
	return nil
}
