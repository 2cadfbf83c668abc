package identity

import (
	"context"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/store"
)

// UpdateOrganisation applies apply to the workspace's organisation fields
// and saves it with optimistic concurrency (re-read and re-applied on a
// concurrent change, like a Clerk organisation event landing meanwhile).
// A deleted workspace is not found: its organisation is Clerk's to
// delete, not the API's to revive.
func (s *Service) UpdateOrganisation(ctx context.Context, ws string, apply func(*store.Workspace)) (*store.Workspace, error) {
	return s.db.UpdateWorkspace(ctx, ws, func(w *store.Workspace) error {
		if w.Deleted {
			return dynamo.ErrNotFound
		}
		apply(w)
		return nil
	})
}
