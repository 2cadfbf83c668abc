package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// TestWorkspaceByName: the lookup finds a named workspace whatever the
// case, and for an unknown name returns ErrNotFound and creates nothing.
func TestWorkspaceByName(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	if _, err := db.WorkspaceByName(ctx, "acme"); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("unknown name: %v, want ErrNotFound", err)
	}
	if _, err := db.WorkspaceByName(ctx, "acme"); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("the first lookup created the workspace: %v", err)
	}
	w, err := db.WorkspaceNamed(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.WorkspaceByName(ctx, " acme ")
	if err != nil || got.ID != w.ID {
		t.Fatalf("WorkspaceByName = %+v, %v; want %s", got, err, w.ID)
	}
}
