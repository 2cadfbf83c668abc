package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/guregu/dynamo/v2"
)

type nameItem struct {
	PK string `dynamo:"PK"`
	SK string `dynamo:"SK"`
	WS string `dynamo:"ws"`
}

func workspaceNamePK(name string) string { return "WSNAME#" + strings.ToLower(strings.TrimSpace(name)) }

// WorkspaceNamed returns the workspace an operator named on the command
// line (tranche import --workspace NAME --create-workspace), creating it
// on first use. The name → id item is global by nature: it is how a name
// finds its tenant.
func (db IdentityStore) WorkspaceNamed(ctx context.Context, name string) (*Workspace, error) {
	var it nameItem
	err := db.table.Get(AttrPK, workspaceNamePK(name)).Range(AttrSK, dynamo.Equal, skUnique).One(ctx, &it)
	if err == nil {
		return db.Workspace(ctx, it.WS)
	}
	if !errors.Is(err, dynamo.ErrNotFound) {
		return nil, err
	}
	w, err := db.CreateWorkspace(ctx, WorkspaceFields{Name: name, Slug: slugify(name), Type: "active"})
	if err != nil {
		return nil, err
	}
	err = db.table.Put(nameItem{PK: workspaceNamePK(name), SK: skUnique, WS: w.ID}).If("attribute_not_exists(PK)").Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return db.WorkspaceNamed(ctx, name) // another run named it first
	}
	if err != nil {
		return nil, fmt.Errorf("store: name workspace %q: %w", name, err)
	}
	return w, nil
}

// WorkspaceByName returns the workspace an operator named, or
// dynamo.ErrNotFound: it never creates one, so a mistyped name on the
// command line is an error and not a new tenant.
func (db IdentityStore) WorkspaceByName(ctx context.Context, name string) (*Workspace, error) {
	var it nameItem
	err := db.table.Get(AttrPK, workspaceNamePK(name)).Range(AttrSK, dynamo.Equal, skUnique).One(ctx, &it)
	if err != nil {
		return nil, err
	}
	return db.Workspace(ctx, it.WS)
}

func slugify(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

type idCounter struct {
	PK string `dynamo:"PK"`
	SK string `dynamo:"SK"`
	N  int64  `dynamo:"n"`
}

// Id kinds allocated from counters.
const (
	KindOffering   = "offering"
	KindInvestment = "investment"
	KindInvestor   = "investor"
	KindEntity     = "entity"
	KindUser       = "user"
	KindIssuer     = "issuer"
	KindWatchlist  = "watchlist"
)

// NextID allocates the next integer id of a kind with one atomic ADD.
func (db *core) NextID(ctx context.Context, ws, kind string) (int64, error) {
	var c idCounter
	err := db.table.Update(AttrPK, wsPK(ws)).Range(AttrSK, "COUNTER#"+kind).Add("n", 1).Value(ctx, &c)
	if err != nil {
		return 0, fmt.Errorf("store: next %s id: %w", kind, err)
	}
	return c.N, nil
}

// RaiseCounter makes sure ids of a kind continue above floor (after an
// import that kept its ids). It never lowers a counter.
func (db *core) RaiseCounter(ctx context.Context, ws, kind string, floor int64) error {
	err := db.table.Update(AttrPK, wsPK(ws)).Range(AttrSK, "COUNTER#"+kind).
		Set("n", floor).If("attribute_not_exists(n) OR n < ?", floor).Run(ctx)
	if err != nil && !dynamo.IsCondCheckFailed(err) {
		return fmt.Errorf("store: raise %s counter: %w", kind, err)
	}
	return nil
}

// Counter returns the last id allocated of a kind (0 if none).
func (db *core) Counter(ctx context.Context, ws, kind string) (int64, error) {
	var c idCounter
	err := db.table.Get(AttrPK, wsPK(ws)).Range(AttrSK, dynamo.Equal, "COUNTER#"+kind).One(ctx, &c)
	if errors.Is(err, dynamo.ErrNotFound) {
		return 0, nil
	}
	return c.N, err
}
