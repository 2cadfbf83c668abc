package workspaces

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/identity"
	tmail "github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Invitations is seed 004's invitation service: inviting an address into
// the caller's workspace with an auth group, and an invitation's status.
// It owns the rules (who may invite an ADMIN, no invitation of a member,
// one pending invitation per address) and the e-mail; acceptance is the
// identity service's, at sign-in. It knows nothing of HTTP.
type Invitations struct {
	db   store.IdentityStore
	ids  *identity.Service
	mail Mailer
}

// NewInvitations returns the invitation service over db, mailing with m.
func NewInvitations(db *store.DB, m Mailer) *Invitations {
	if db == nil {
		db = &store.DB{} // routes bound without a store (tests): nothing is usable, as with a nil *DB
	}
	return &Invitations{db: db.IdentityStore, ids: identity.NewService(db, nil), mail: m}
}

// Invite invites email into p's workspace with group g and e-mails the
// invitee a link under base (…/invitations/<id>/accept/). Inviting an
// ADMIN needs add_admin_invitation (403); a member of the workspace, or
// an address with a pending invitation, is a 400 on email. When the
// e-mail cannot be sent the invitation is taken back: it would be useless
// and block a retry as a duplicate.
func (s *Invitations) Invite(ctx context.Context, p *auth.Principal, email string, g auth.Group, base url.URL) (*store.Invitation, error) {
	if g.Name == store.RoleAdmin && !p.HasPermission("add_admin_invitation") {
		return nil, apierr.Forbid()
	}
	ws, err := s.db.Workspace(ctx, p.Workspace)
	if err != nil {
		return nil, err
	}
	if member, err := s.ids.MemberByEmail(ctx, p.Workspace, email); err != nil {
		return nil, err
	} else if member {
		return nil, apierr.Field("email", "This user is already a member of this workspace.")
	}
	inv, err := s.db.CreateInvitation(ctx, p.Workspace, email, g.ID, g.Name, p.UserID)
	if errors.Is(err, store.ErrDuplicateInvitation) {
		return nil, apierr.Field("email", "A pending invitation for this email address already exists.")
	}
	if err != nil {
		return nil, err
	}
	base.Path += "/invitations/" + inv.ID + "/accept/"
	msg := tmail.Message{
		To:      []string{email},
		Subject: "You are invited to join " + ws.Name + " on Tranche",
		Text: fmt.Sprintf("You have been invited to join %s as %s.\n\nSign in with this e-mail address to accept: %s\n\nInvitation id: %s\n",
			ws.Name, strings.ToLower(g.Name), base.String(), inv.ID),
	}
	if _, err := s.mail.Send(ctx, msg); err != nil {
		if derr := s.db.DeleteInvitation(ctx, inv); derr != nil {
			err = errors.Join(err, derr)
		}
		return nil, err
	}
	return inv, nil
}

// InvitationState is what the invitee's client needs of an invitation:
// the invitation, its workspace, and whether the invitee already has an
// identity (sign in rather than sign up).
type InvitationState struct {
	Invitation *store.Invitation
	Workspace  *store.Workspace
	Existing   bool
}

// Status reads one invitation of p's workspace (another workspace's is
// not found, like one that does not exist).
func (s *Invitations) Status(ctx context.Context, p *auth.Principal, id string) (*InvitationState, error) {
	inv, err := s.db.Invitation(ctx, p.Workspace, id)
	if err != nil {
		return nil, err
	}
	ws, err := s.db.Workspace(ctx, p.Workspace)
	if err != nil {
		return nil, err
	}
	known, err := s.ids.Known(ctx, inv.Email)
	if err != nil {
		return nil, err
	}
	return &InvitationState{Invitation: inv, Workspace: ws, Existing: known || inv.Status == store.InvitationAccepted}, nil
}
