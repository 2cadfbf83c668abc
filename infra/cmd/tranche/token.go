package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/store"
)

// localIssuer is the stand-in for Clerk that make run serves: its signing
// key lives in .local/, its JWKS at /.well-known/jwks.json on the API port.
func localIssuer(dir, addr string) (*auth.LocalIssuer, error) {
	return auth.LoadLocalIssuer(filepath.Join(dir, "clerk-local.pem"), "http://"+addr)
}

// tokenCmd mints a session token for a local user, making the user a
// member of the workspace first, so every jwt route can be tried with curl
// against make run.
func tokenCmd(getenv func(string) string) *cobra.Command {
	var user, email, ws, role, dir, addr string
	var ttl time.Duration
	var create bool
	c := &cobra.Command{
		Use:   "token [--user ID] [--workspace NAME] [--role OWNER|ADMIN|MEMBER]",
		Short: "Mint a local session token (make run's stand-in for Clerk)",
		Long: `Mint a Clerk-shaped session token signed by make run's local issuer, after
making the user a member of the workspace with the role. The token is
printed on stdout, for curl -H "Authorization: Bearer $TOKEN".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			switch role {
			case store.RoleOwner, store.RoleAdmin, store.RoleMember:
			default:
				return errors.New("--role must be OWNER, ADMIN or MEMBER")
			}
			if email == "" {
				email = strings.ToLower(user) + "@tranche.local"
			}
			db, err := openStore(ctx, getenv, os.Stderr)
			if err != nil {
				return err
			}
			w, err := findWorkspace(ctx, db, ws, create)
			if err != nil {
				return err
			}
			if _, err := db.UpdateIdentity(ctx, user, func(id *store.Identity) error {
				if id.Email == "" {
					id.Email = email
				}
				id.IsActive = true
				return nil
			}); err != nil {
				return err
			}
			if _, err := db.PutMembership(ctx, w.ID, user, role, ""); err != nil {
				return err
			}
			li, err := localIssuer(dir, addr)
			if err != nil {
				return err
			}
			tok, err := li.Mint(user, ttl, auth.TokenOptions{})
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "session token for %s (%s of workspace %q, id %s), valid %s:\n", user, role, ws, w.ID, ttl)
			fmt.Println(tok)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&user, "user", "user_local", "Clerk user id of the session")
	f.StringVar(&email, "email", "", "the user's e-mail (default <user>@tranche.local)")
	f.StringVar(&ws, "workspace", "demo", "workspace the user belongs to")
	f.BoolVar(&create, "create-workspace", false, "create the workspace if it does not exist")
	f.StringVar(&role, "role", store.RoleOwner, "OWNER, ADMIN or MEMBER")
	f.DurationVar(&ttl, "ttl", time.Hour, "token lifetime")
	f.StringVar(&dir, "dir", ".local", "where make run keeps its local signing key")
	f.StringVar(&addr, "addr", "localhost:8080", "the address make run serves (the token's issuer)")
	return c
}
