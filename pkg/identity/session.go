package identity

import (
	"context"
	"errors"
	"log/slog"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Session is what a verified Clerk session token says: who (sub), which
// session (sid) and which organisation is active in Clerk (o.id).
type Session struct {
	UserID    string
	SessionID string
	OrgID     string
}

// Resolved is who a verified session is: the identity and, when the user
// belongs to a live workspace, the membership of the active one.
type Resolved struct {
	Identity   *store.Identity
	Membership *store.Membership // nil: no workspace
}

// Resolve turns a verified session into its identity, created when the
// session arrives before Clerk's user.created webhook. A deleted
// (inactive) user is ErrInactive. A session id not seen before is a
// sign-in: see signIn. The active workspace is the first live one the
// user is a member of among, in order:
//
//  1. the workspace switched to, if the token still holds the
//     organisation it held at the switch;
//  2. the token's organisation's workspace;
//  3. the workspace switched to (the token's organisation changed since);
//  4. every workspace of the user, by id.
//
// Resolve never needs a contended write: the identity is read, and the
// bookkeeping is best effort (issue 11, finding 1).
func (s *Service) Resolve(ctx context.Context, sess Session) (*Resolved, error) {
	id, err := s.db.EnsureIdentity(ctx, sess.UserID)
	if err != nil {
		return nil, err
	}
	if !id.IsActive {
		return nil, ErrInactive
	}
	if sess.SessionID != "" && sess.SessionID != id.LastSessionID {
		s.signIn(ctx, id, sess.SessionID)
	}
	m, err := s.activeWorkspace(ctx, id, sess.OrgID)
	if err != nil {
		return nil, err
	}
	return &Resolved{Identity: id, Membership: m}, nil
}

// signIn is the bookkeeping of a session seen for the first time: the
// invitee's pending invitations are accepted, the member's user record is
// linked in each workspace (seed 001), pending user invitations are
// accepted, then the session id and last_login are recorded
// (store.RecordSignIn: one idempotent UpdateItem, not a versioned rewrite
// of the identity). A dashboard opens with parallel requests that all see
// the new session; they all do this, and none of them may fail for it. So
// it is best effort: an error is logged (with the request's logger) and
// the request is served; when a step fails the session is not recorded,
// so the next request tries again.
func (s *Service) signIn(ctx context.Context, id *store.Identity, sid string) {
	log := httpapi.LoggerFrom(ctx)
	if _, err := s.db.AcceptInvitations(ctx, id.ClerkID, id.Email); err != nil {
		log.WarnContext(ctx, "sign-in: accept invitations", slog.String("error", err.Error()))
		return
	}
	if err := s.users.LinkMemberUsers(ctx, id.ClerkID, id.Email, id.FirstName, id.LastName); err != nil {
		log.WarnContext(ctx, "sign-in: link member users", slog.String("error", err.Error()))
		return
	}
	if err := s.users.AcceptUserInvitations(ctx, id.ClerkID, id.Email); err != nil {
		log.WarnContext(ctx, "sign-in: accept user invitations", slog.String("error", err.Error()))
		return
	}
	t := model.NewTime(s.clock.Now())
	if err := s.db.RecordSignIn(ctx, id.ClerkID, sid, t); err != nil {
		log.WarnContext(ctx, "sign-in: record session", slog.String("error", err.Error()))
		return
	}
	id.LastSessionID, id.LastLogin = sid, &t
}

// activeWorkspace is Resolve's workspace order.
func (s *Service) activeWorkspace(ctx context.Context, id *store.Identity, orgID string) (*store.Membership, error) {
	var candidates []string
	if id.ActiveWorkspace != "" && id.SwitchedWithOrg == orgID {
		candidates = append(candidates, id.ActiveWorkspace)
	}
	if orgID != "" {
		ws, err := s.db.WorkspaceByOrg(ctx, orgID)
		if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
			return nil, err
		}
		if ws != "" {
			candidates = append(candidates, ws)
		}
	}
	if id.ActiveWorkspace != "" {
		candidates = append(candidates, id.ActiveWorkspace)
	}
	for _, ws := range candidates {
		m, err := s.member(ctx, ws, id.ClerkID)
		if m != nil || err != nil {
			return m, err
		}
	}
	ms, err := s.db.MembershipsOf(ctx, id.ClerkID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m, err := s.member(ctx, m.Workspace, id.ClerkID); m != nil || err != nil {
			return m, err
		}
	}
	return nil, nil
}

// member returns the membership if the user belongs to a live workspace.
func (s *Service) member(ctx context.Context, ws, clerkID string) (*store.Membership, error) {
	m, err := s.db.Membership(ctx, ws, clerkID)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Workspace(ctx, ws); errors.Is(err, dynamo.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return m, nil
}
