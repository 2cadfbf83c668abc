package identity

import (
	"context"
	"errors"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Caller returns the identity of the authenticated Clerk user, created
// when the request arrives before Clerk's user.created webhook (the
// Authenticator has normally created it already). The account,
// workspaces and trades handlers read the caller through it.
func (s *Service) Caller(ctx context.Context, clerkID string) (*store.Identity, error) {
	return s.db.EnsureIdentity(ctx, clerkID)
}

// UpdateCaller applies fn to the caller's identity and saves it with
// optimistic concurrency, re-reading and re-applying fn on a concurrent
// change (store.UpdateIdentity's Retry): a dashboard's parallel settings
// writes of one user all land.
func (s *Service) UpdateCaller(ctx context.Context, clerkID string, fn func(*store.Identity)) (*store.Identity, error) {
	return s.db.UpdateIdentity(ctx, clerkID, func(i *store.Identity) error {
		fn(i)
		return nil
	})
}

// SwitchWorkspace makes ws the caller's active workspace (Resolve's rules
// 1 and 3), remembering orgID, the organisation the caller's token holds
// now, so that a later organisation switch in Clerk takes precedence
// again. A workspace the caller is not a member of, or one that does not
// exist (or was deleted), is DRF's 403, so the ids of other tenants reveal
// nothing. It returns the workspace switched to.
func (s *Service) SwitchWorkspace(ctx context.Context, clerkID, ws, orgID string) (*store.Workspace, error) {
	if _, err := s.db.Membership(ctx, ws, clerkID); errors.Is(err, dynamo.ErrNotFound) {
		return nil, apierr.Forbid()
	} else if err != nil {
		return nil, err
	}
	w, err := s.db.Workspace(ctx, ws)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, apierr.Forbid()
	} else if err != nil {
		return nil, err
	}
	if _, err := s.UpdateCaller(ctx, clerkID, func(i *store.Identity) {
		i.ActiveWorkspace, i.SwitchedWithOrg = ws, orgID
	}); err != nil {
		return nil, err
	}
	return w, nil
}

// CallerUser returns the caller's identity and their user record in the
// workspace: the user whose e-mail is the caller's Clerk e-mail
// (case-insensitively, as the user model links them). The identity is nil
// when the caller has none yet; the user id is 0 when no user record
// matches. Forms and profiles act for a session caller through it.
func (s *Service) CallerUser(ctx context.Context, ws, clerkID string) (*store.Identity, int64, error) {
	id, err := s.db.Identity(ctx, clerkID)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	uid, err := s.users.UserIDByEmail(ctx, ws, id.Email)
	if errors.Is(err, dynamo.ErrNotFound) {
		return id, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	return id, uid, nil
}
