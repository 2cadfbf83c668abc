package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tranche-dev/tranche/pkg/importer"
	"github.com/tranche-dev/tranche/pkg/store"
)

// findWorkspace returns the named workspace. It creates one only when the
// operator said so (--create-workspace): a mistyped name must not become
// a new, empty tenant.
func findWorkspace(ctx context.Context, db *store.DB, name string, create bool) (*store.Workspace, error) {
	if create {
		return db.WorkspaceNamed(ctx, name)
	}
	w, err := db.WorkspaceByName(ctx, name)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("workspace %q not found in table %s (give --create-workspace to create it)", name, db.Name())
	}
	return w, err
}

func importCmd(getenv func(string) string) *cobra.Command {
	var ws string
	var create bool
	c := &cobra.Command{
		Use:   "import --workspace NAME [--create-workspace] FILE",
		Short: "Validate and import an issuer's tranche-import/1 file",
		Long: `Validate and import an issuer's tranche-import/1 file into a workspace.
The whole file is validated first; an invalid file writes nothing. Ids are
kept, and only what the table does not hold yet is written, so a second run
changes nothing and an interrupted run finishes when run again.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			// The file first: its problems show without a table to
			// reach, and an invalid file creates nothing, not even
			// with --create-workspace.
			d, err := parseFile(b)
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
			res, err := writeData(ctx, db, w, d, progressBar(os.Stderr, "import"))
			if err != nil {
				return err
			}
			fmt.Printf("imported %s into workspace %q (id %s): %d objects, %d items written in %s\n",
				args[0], ws, w.ID, res.Objects, res.Items, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	c.Flags().StringVar(&ws, "workspace", "", "workspace to land the data in")
	c.Flags().BoolVar(&create, "create-workspace", false, "create the workspace if it does not exist")
	_ = c.MarkFlagRequired("workspace")
	return c
}

// maxProblems is how many problems of an invalid file are printed: past
// the first few, most are consequences of them (an offering that failed
// leaves each of its investments pointing nowhere) and bury the cause.
const maxProblems = 20

// importFile validates a file and writes it into workspace w.
func importFile(ctx context.Context, db *store.DB, w *store.Workspace, b []byte, progress func(done, total int)) (importer.Result, error) {
	d, err := parseFile(b)
	if err != nil {
		return importer.Result{}, err
	}
	return writeData(ctx, db, w, d, progress)
}

// parseFile validates a file, printing the problems of an invalid one
// (each names its JSON path and field).
func parseFile(b []byte) (*importer.Data, error) {
	d, err := importer.Parse(b)
	return d, problems(err)
}

func writeData(ctx context.Context, db *store.DB, w *store.Workspace, d *importer.Data, progress func(done, total int)) (importer.Result, error) {
	res, err := importer.Write(ctx, db, w.ID, d, progress)
	return res, problems(err)
}

// problems prints the problems of an invalid file and sums them up in
// the error; other errors pass through.
func problems(err error) error {
	var probs importer.Problems
	if errors.As(err, &probs) {
		printProblems(os.Stderr, probs)
		return fmt.Errorf("%d problems; nothing was imported", len(probs))
	}
	return err
}

func printProblems(w io.Writer, probs importer.Problems) {
	for i, p := range probs {
		if i == maxProblems {
			fmt.Fprintf(w, "... %d more problems held back: most follow from those above; fix them and run again\n", len(probs)-i)
			return
		}
		fmt.Fprintln(w, p)
	}
}

// progressBar draws a bar on a terminal; elsewhere (CI, a log file, a
// pipe) it prints a line at every tenth of the work and at the end, so a
// long import still shows it is alive without flooding the log.
func progressBar(f *os.File, what string) func(done, total int) {
	if term.IsTerminal(int(f.Fd())) {
		return func(done, total int) {
			const width = 40
			n := width * done / max(total, 1)
			fmt.Fprintf(f, "\r[%-*s] %d/%d items", width, strings.Repeat("#", n), done, total)
			if done == total {
				fmt.Fprintln(f)
			}
		}
	}
	return progressLines(f, what)
}

func progressLines(w io.Writer, what string) func(done, total int) {
	last := -1 // the tenth of the work last reported
	return func(done, total int) {
		tenth := 10 * done / max(total, 1)
		if tenth == last {
			return
		}
		last = tenth
		fmt.Fprintf(w, "%s: %d/%d items (%d%%)\n", what, done, total, 100*done/max(total, 1))
	}
}
