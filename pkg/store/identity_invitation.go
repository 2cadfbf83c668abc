package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Invitation statuses.
const (
	InvitationPending  = "pending"
	InvitationAccepted = "accepted"
)

// ErrDuplicateInvitation is returned when the e-mail already has a pending
// invitation to the workspace.
var ErrDuplicateInvitation = errors.New("store: a pending invitation for this e-mail exists")

// Invitation is seed 004's invitation of an e-mail address into a
// workspace. While pending it is in GSI1 under INVITEE#<e-mail> (sparse), so
// the invitee's sign-in finds it; a uniqueness item
// WS#<ws>#INVITEEMAIL#<e-mail> / UNIQUE keeps one pending invitation per
// address and workspace.
type Invitation struct {
	PK     string `dynamo:"PK"`
	SK     string `dynamo:"SK"`
	GSI1PK string `dynamo:"GSI1PK,omitempty"`
	GSI1SK string `dynamo:"GSI1SK,omitempty"`

	ID         string      `dynamo:"id"` // UUID
	Workspace  string      `dynamo:"ws"`
	Email      string      `dynamo:"email"`
	AuthGroup  int         `dynamo:"auth_group"`
	Role       string      `dynamo:"role"`
	InvitedBy  string      `dynamo:"invited_by"` // Clerk id
	Status     string      `dynamo:"status"`
	AcceptedBy string      `dynamo:"accepted_by"`
	CreatedAt  model.Time  `dynamo:"created_at"`
	AcceptedAt *model.Time `dynamo:"accepted_at"`

	// A shell invitation (usergroups.go) names the group the invitee
	// takes over as lead and the invitee's user record; zero otherwise.
	ShellGroup int64 `dynamo:"shell_group,omitempty"`
	ShellUser  int64 `dynamo:"shell_user,omitempty"`
}

func inviteeEmailPK(ws, email string) string {
	return wsPK(ws) + "#INVITEEMAIL#" + strings.ToLower(strings.TrimSpace(email))
}

func inviteePK(email string) string { return "INVITEE#" + strings.ToLower(strings.TrimSpace(email)) }

// CreateInvitation writes a pending invitation and its uniqueness item in
// one transaction. Returns ErrDuplicateInvitation if the address already
// has a pending invitation to the workspace.
func (db IdentityStore) CreateInvitation(ctx context.Context, ws, email string, authGroup int, role, invitedBy string) (*Invitation, error) {
	email = strings.TrimSpace(email)
	inv := &Invitation{
		PK: wsPK(ws), SK: skInvitePrefix + NewUUID(),
		ID: "", Workspace: ws, Email: email, AuthGroup: authGroup, Role: role, InvitedBy: invitedBy,
		Status: InvitationPending, CreatedAt: idNow(),
	}
	inv.ID = strings.TrimPrefix(inv.SK, skInvitePrefix)
	inv.GSI1PK, inv.GSI1SK = inviteePK(email), ws+"#"+inv.ID
	err := db.db.WriteTx().
		Put(db.table.Put(inv).If("attribute_not_exists(PK)")).
		Put(db.table.Put(map[string]any{AttrPK: inviteeEmailPK(ws, email), AttrSK: skUnique, "id": inv.ID}).If("attribute_not_exists(PK)")).
		Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return nil, ErrDuplicateInvitation
	}
	if err != nil {
		return nil, fmt.Errorf("store: create invitation: %w", err)
	}
	return inv, nil
}

// Invitation returns an invitation of the workspace, or dynamo.ErrNotFound.
func (db IdentityStore) Invitation(ctx context.Context, ws, id string) (*Invitation, error) {
	var inv Invitation
	if err := db.table.Get(AttrPK, wsPK(ws)).Range(AttrSK, dynamo.Equal, skInvitePrefix+id).Consistent(true).One(ctx, &inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

// AcceptInvitations turns every pending invitation of the e-mail address
// into a membership of the user. For each invitation, the membership, the
// member count, the invitation's status and the removal of its uniqueness
// item are one transaction. It returns the workspaces joined.
func (db IdentityStore) AcceptInvitations(ctx context.Context, clerkID, email string) ([]string, error) {
	if strings.TrimSpace(email) == "" {
		return nil, nil
	}
	var pending []Invitation
	err := db.table.Get("GSI1PK", inviteePK(email)).Index("GSI1").All(ctx, &pending)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: pending invitations: %w", err)
	}
	var joined []string
	for _, inv := range pending {
		if inv.Status != InvitationPending {
			continue
		}
		if _, err := db.Workspace(ctx, inv.Workspace); errors.Is(err, dynamo.ErrNotFound) {
			continue
		} else if err != nil {
			return joined, err
		}
		t := idNow()
		// Parallel first requests of a new session all accept the same
		// invitations: txn.run retries their TransactionConflicts, and
		// the losers' failed conditions mean "accepted concurrently".
		tx := db.newTxn().
			update(tagStale, db.table.Update(AttrPK, inv.PK).Range(AttrSK, inv.SK).
				Set("status", InvitationAccepted).Set("accepted_by", clerkID).Set("accepted_at", t).
				Remove("GSI1PK", "GSI1SK").If("$ = ?", "status", InvitationPending)).
			delete(tagNone, db.table.Delete(AttrPK, inviteeEmailPK(inv.Workspace, inv.Email)).Range(AttrSK, skUnique))
		if inv.ShellGroup != 0 {
			// The invitee leads the shell group as a user of the workspace,
			// not a member of its team: no workspace role (usergroups.go).
			tx = GroupStore(db).shellTakeover(tx, &inv)
		} else if _, err := db.Membership(ctx, inv.Workspace, clerkID); errors.Is(err, dynamo.ErrNotFound) {
			m, err := db.newMembership(ctx, inv.Workspace, clerkID, inv.Role)
			if err != nil {
				return joined, err
			}
			tx = tx.put(tagExists, db.table.Put(m).If("attribute_not_exists(PK)")).
				update(tagNone, db.table.Update(AttrPK, wsPK(inv.Workspace)).Range(AttrSK, skMeta).Add("member_count", 1))
		} else if err != nil {
			return joined, err
		}
		err := tx.run(ctx)
		if errors.Is(err, ErrStale) || errors.Is(err, ErrExists) {
			continue // accepted concurrently
		}
		if err != nil {
			return joined, fmt.Errorf("store: accept invitation: %w", err)
		}
		joined = append(joined, inv.Workspace)
	}
	return joined, nil
}

// ClaimWebhook records a webhook delivery id. It returns false if the id
// was recorded before (a replay). The receipt is stamped now (the
// caller's clock) and expires ttl after it.
func (db IdentityStore) ClaimWebhook(ctx context.Context, id string, now time.Time, ttl time.Duration) (bool, error) {
	item := map[string]any{AttrPK: "WEBHOOK#" + id, AttrSK: "RECEIPT", AttrTTL: now.Add(ttl).Unix(), "received_at": model.NewTime(now)}
	err := db.table.Put(item).If("attribute_not_exists(PK)").Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: claim webhook: %w", err)
	}
	return true, nil
}

// ReleaseWebhook forgets a delivery id whose processing failed, so that
// Svix's retry applies it.
func (db IdentityStore) ReleaseWebhook(ctx context.Context, id string) error {
	return db.table.Delete(AttrPK, "WEBHOOK#"+id).Range(AttrSK, "RECEIPT").Run(ctx)
}

// DeleteInvitation removes an invitation and its uniqueness item (an
// invitation whose e-mail could not be sent).
func (db IdentityStore) DeleteInvitation(ctx context.Context, inv *Invitation) error {
	return db.db.WriteTx().
		Delete(db.table.Delete(AttrPK, inv.PK).Range(AttrSK, inv.SK)).
		Delete(db.table.Delete(AttrPK, inviteeEmailPK(inv.Workspace, inv.Email)).Range(AttrSK, skUnique).If("id = ?", inv.ID)).
		Run(ctx)
}
