package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/guregu/dynamo/v2"
	"github.com/spf13/cobra"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

func keysCmd(getenv func(string) string) *cobra.Command {
	var ws string
	c := &cobra.Command{
		Use:   "keys",
		Short: "Mint, list and revoke issuer API keys",
		Long: `Mint, list and revoke a workspace's issuer API keys. The workspace must
exist: keys never create one.`,
		Args: cobra.NoArgs,
		// Without a subcommand cobra would print help and succeed; an
		// operator who typed "tranche keys" wants to know it did nothing.
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("keys needs a command: mint, list or revoke (tranche keys --help)")
		},
	}
	// Checked in open, not marked required: cobra would check it before
	// "tranche keys" alone could say that a command is missing.
	c.PersistentFlags().StringVar(&ws, "workspace", "", "the workspace (its name); required")

	// open finds the table and the workspace, never creating either.
	open := func(ctx context.Context) (*store.DB, *store.Workspace, error) {
		if ws == "" {
			return nil, nil, errors.New("--workspace is required")
		}
		db, err := openStore(ctx, getenv, os.Stderr)
		if err != nil {
			return nil, nil, err
		}
		w, err := db.WorkspaceByName(ctx, ws)
		if errors.Is(err, dynamo.ErrNotFound) {
			return nil, nil, fmt.Errorf("workspace %q not found in table %s", ws, db.Name())
		}
		return db, w, err
	}

	var issuer, offering int64
	var write bool
	var name string
	var scopes []string
	mint := &cobra.Command{
		Use:   "mint --workspace NAME [--issuer N | --offering N] [--write] [--scope S]... [--name TEXT]",
		Short: "Mint an API key; the secret is printed once",
		Long: `Mint an API key for a workspace, or for one issuer or one offering of it
(which must exist), read-only unless --write. The secret is printed once on
stdout; what it was minted for goes to stderr. --scope (repeatable) adds a
named scope: accounts.read, accounts.write (seed 002's profiles routes
need them; accounts.write includes accounts.read).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if issuer != 0 && offering != 0 {
				return errors.New("give --issuer or --offering, not both")
			}
			if err := auth.CheckScopes(scopes); err != nil {
				return err
			}
			db, w, err := open(ctx)
			if err != nil {
				return err
			}
			scope, id := auth.ScopeWorkspace, int64(0)
			switch {
			case issuer != 0:
				scope, id = auth.ScopeIssuer, issuer
				_, err = db.Issuer(ctx, w.ID, issuer)
			case offering != 0:
				scope, id = auth.ScopeOffering, offering
				_, err = db.Offering(ctx, w.ID, offering)
			}
			if errors.Is(err, dynamo.ErrNotFound) {
				return fmt.Errorf("%s %d not found in workspace %q (id %s)", scope, id, ws, w.ID)
			}
			if err != nil {
				return err
			}
			k, err := auth.MintScoped(ctx, db, w.ID, scope, id, write, name, scopes, time.Now())
			if err != nil {
				return err
			}
			what := "the whole workspace"
			if id != 0 {
				what = fmt.Sprintf("%s %d", scope, id)
			}
			fmt.Fprintf(os.Stderr, "key %s for workspace %q (id %s), scope %s, write=%v, scopes=%v; shown once, store it now:\n",
				k.Key.ID, ws, w.ID, what, write, k.Key.Scopes)
			fmt.Println(k.Secret)
			return nil
		},
	}
	mint.Flags().Int64Var(&issuer, "issuer", 0, "scope the key to one issuer (its id)")
	mint.Flags().Int64Var(&offering, "offering", 0, "scope the key to one offering (its id)")
	mint.Flags().BoolVar(&write, "write", false, "allow writes (default: read only)")
	mint.Flags().StringVar(&name, "name", "", "a label for the key")
	mint.Flags().StringArrayVar(&scopes, "scope", nil, "a named scope: accounts.read or accounts.write (repeatable)")

	list := &cobra.Command{
		Use:   "list --workspace NAME",
		Short: "List a workspace's API keys (masked)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, w, err := open(ctx)
			if err != nil {
				return err
			}
			keys, err := db.APIKeys(ctx, w.ID)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKEY\tSCOPE\tWRITE\tCREATED\tLAST USED\tREVOKED\tNAME")
			for i := range keys {
				k := &keys[i]
				fmt.Fprintf(tw, "%s\t%s\t%s %d\t%v\t%s\t%s\t%s\t%s\n", k.ID, auth.Masked(k), k.Scope, k.ScopeID, k.Write,
					k.CreatedAt, orDash(k.LastUsedAt), orDash(k.RevokedAt), k.Name)
			}
			return tw.Flush()
		},
	}

	revoke := &cobra.Command{
		Use:   "revoke --workspace NAME KEY_ID",
		Short: "Revoke an API key (its id, as keys list prints it)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, w, err := open(ctx)
			if err != nil {
				return err
			}
			k, err := db.RevokeAPIKey(ctx, w.ID, args[0], time.Now())
			if err != nil {
				return fmt.Errorf("revoke %s: %w", args[0], err)
			}
			fmt.Printf("revoked %s at %s\n", k.ID, k.RevokedAt)
			return nil
		},
	}
	c.AddCommand(mint, list, revoke)
	return c
}

func orDash(t *model.Time) string {
	if t == nil {
		return "-"
	}
	return t.String()
}
