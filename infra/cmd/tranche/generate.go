package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/tranche-dev/tranche/pkg/importer"
	"github.com/tranche-dev/tranche/pkg/importer/synth"
)

// generateCmd loads a synthetic workspace of N investments through the
// import path (validation, idempotent writes, aggregates): a local stack
// at realistic size for measuring lists (BENCHMARKS.md).
func generateCmd(getenv func(string) string) *cobra.Command {
	var ws string
	var n int
	var create bool
	c := &cobra.Command{
		Use:   "generate --workspace NAME [--create-workspace] [--investments N]",
		Short: "Load a synthetic workspace through the import path",
		Long: `Load a synthetic workspace of N investments (50 offerings, N/50 investors)
through the import path: a stack at realistic size for measuring lists.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if n <= 0 {
				return fmt.Errorf("--investments must be positive, not %d", n)
			}
			d, err := synth.Data(n)
			if err != nil {
				return err
			}
			db, err := openStore(ctx, getenv, os.Stderr)
			if err != nil {
				return err
			}
			w, err := findWorkspace(ctx, db, ws, create)
			if err != nil {
				return err
			}
			start := time.Now()
			res, err := importer.Write(ctx, db, w.ID, d, progressBar(os.Stderr, "generate"))
			if err != nil {
				return err
			}
			fmt.Printf("generated %d investments into workspace %q (id %s): %d objects, %d items written in %s\n",
				n, ws, w.ID, res.Objects, res.Items, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	c.Flags().StringVar(&ws, "workspace", "", "workspace to land the data in")
	c.Flags().BoolVar(&create, "create-workspace", false, "create the workspace if it does not exist")
	c.Flags().IntVar(&n, "investments", 30000, "how many investments (50 offerings, investments/50 investors)")
	_ = c.MarkFlagRequired("workspace")
	return c
}
