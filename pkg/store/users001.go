package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Seed 001 (issue 12): the workspace's users as one person with their
// memberships, the seed 001 invitations (seed 004 invitation items with
// more attributes) and impersonation login tokens.

// InvitationRevoked is the status of an invitation taken back.
const InvitationRevoked = "revoked"

// Errors of the seed 001 user and invitation writes.
var (
	// ErrResendTooSoon: the invitation was sent too recently or too often.
	ErrResendTooSoon = errors.New("store: invitation resent too soon")
	// ErrTokenInvalid: the login token is unknown, expired or used. One
	// error for all three so an answer tells a guesser nothing.
	ErrTokenInvalid = errors.New("store: login token invalid")
)

// UserIDByEmail returns the id of the workspace's user record with the
// e-mail (case-insensitively; a consistent read of its uniqueness item),
// or dynamo.ErrNotFound, also for a blank e-mail.
func (db UserStore) UserIDByEmail(ctx context.Context, ws, email string) (int64, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return 0, dynamo.ErrNotFound
	}
	var u uniqueItem
	err := db.table.Get(AttrPK, userEmailPK(ws, email)).Range(AttrSK, dynamo.Equal, skUniqueItem).Consistent(true).One(ctx, &u)
	return u.ID, err
}

// UserByEmail returns the workspace's user with the e-mail (compared
// lower-cased, as the uniqueness item is keyed), or dynamo.ErrNotFound.
func (db UserStore) UserByEmail(ctx context.Context, ws, email string) (*model.User, error) {
	id, err := db.UserIDByEmail(ctx, ws, email)
	if err != nil {
		return nil, err
	}
	return db.UserForWrite(ctx, ws, id)
}

// EnsureUser returns the workspace's user with the e-mail, creating it
// (first and last name, no password) if there is none: how a member of the
// workspace, or an invitee, gets their user record. A concurrent creation
// of the same e-mail is read back, not an error.
func (db UserStore) EnsureUser(ctx context.Context, ws, email, first, last string) (*model.User, error) {
	for range 3 {
		u, err := db.UserByEmail(ctx, ws, email)
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, dynamo.ErrNotFound) {
			return nil, err
		}
		u = &model.User{Email: strings.TrimSpace(email), FirstName: first, LastName: last, DateJoined: idNow(), IsActive: true}
		err = db.CreateUser(ctx, ws, u)
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, ErrEmailTaken) {
			return nil, err
		}
	}
	return nil, ErrBusy
}

// UserInvitation is a seed 001 invitation: the seed 004 invitation item
// (same keys, same uniqueness item, so one pending invitation per address
// and workspace across both APIs) with more attributes. An internal
// invitation (a workspace role) is in GSI1 like seed 004's, so sign-in
// accepts it into a membership; a user invitation (investor, issuer or
// user) is not: its user record is created with it, and it is accepted by
// AcceptUserInvitation.
type UserInvitation struct {
	Invitation
	// UserType is the invited type: internal, investor, issuer or user.
	UserType  string `dynamo:"user_type,omitempty"`
	UserID    int64  `dynamo:"user_id,omitempty"`
	FirstName string `dynamo:"first_name,omitempty"`
	LastName  string `dynamo:"last_name,omitempty"`
	// SentCount and LastSent (Unix seconds) rate-limit resends.
	SentCount int   `dynamo:"sent_count"`
	LastSent  int64 `dynamo:"last_sent"`
}

// NewUserInvitation is what CreateUserInvitation writes.
type NewUserInvitation struct {
	Email, UserType, FirstName, LastName string
	// Role and AuthGroup are set for an internal invitation only.
	Role      string
	AuthGroup int
	InvitedBy string // Clerk id
	// Issuer marks the user record created for the invitee as a
	// third-party issuer user.
	Issuer bool
}

// CreateUserInvitation writes a pending seed 001 invitation, its
// uniqueness item and, for a user invitation whose address has no user
// record yet, the user record and its e-mail uniqueness item: one
// transaction, so a refused invitation leaves nothing behind. Returns
// ErrDuplicateInvitation when the address has a pending invitation.
func (db UserStore) CreateUserInvitation(ctx context.Context, ws string, n NewUserInvitation) (*UserInvitation, error) {
	email := strings.TrimSpace(n.Email)
	now := time.Now()
	inv := &UserInvitation{Invitation: Invitation{
		PK: wsPK(ws), SK: skInvitePrefix + NewUUID(), Workspace: ws, Email: email,
		AuthGroup: n.AuthGroup, Role: n.Role, InvitedBy: n.InvitedBy, Status: InvitationPending, CreatedAt: model.NewTime(now),
	}, UserType: n.UserType, FirstName: n.FirstName, LastName: n.LastName, SentCount: 1, LastSent: now.Unix()}
	inv.ID = strings.TrimPrefix(inv.SK, skInvitePrefix)
	t := db.newTxn()
	if n.Role != "" {
		inv.GSI1PK, inv.GSI1SK = inviteePK(email), ws+"#"+inv.ID
	} else {
		inv.GSI1PK, inv.GSI1SK = userInviteePK(email), ws+"#"+inv.ID
		u, err := db.UserByEmail(ctx, ws, email)
		switch {
		case err == nil:
			inv.UserID = u.ID
		case errors.Is(err, dynamo.ErrNotFound):
			id, err := db.nextID(ctx, ws, KindUser)
			if err != nil {
				return nil, err
			}
			u := &model.User{ID: id, Version: 1, Email: email, FirstName: n.FirstName, LastName: n.LastName, DateJoined: model.NewTime(now), IsActive: true}
			if n.Issuer {
				u.ThirdPartyIssuerEmail = &email
			}
			inv.UserID = id
			t.changed(ws, KindUser, id)
			t.put(tagEmail, db.table.Put(uniqueItem{PK: userEmailPK(ws, strings.ToLower(email)), SK: skUniqueItem, ID: id}).If("attribute_not_exists(PK)"))
			t.put(tagExists, db.table.Put(newUserItem(ws, u)).If("attribute_not_exists(PK)"))
		default:
			return nil, err
		}
	}
	t.put(tagExists, db.table.Put(inv).If("attribute_not_exists(PK)"))
	t.put(tagStale, // the only stale condition here: ErrStale means a pending invitation exists
		db.table.Put(map[string]any{AttrPK: inviteeEmailPK(ws, email), AttrSK: skUnique, "id": inv.ID}).If("attribute_not_exists(PK)"))
	err := t.run(ctx)
	if errors.Is(err, ErrStale) {
		return nil, ErrDuplicateInvitation
	}
	if errors.Is(err, ErrEmailTaken) {
		return nil, ErrBusy // the address got a user concurrently: the client retries
	}
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// UserInvitation returns an invitation of the workspace with its seed 001
// attributes (zero for a seed 004 invitation), or dynamo.ErrNotFound.
func (db UserStore) UserInvitation(ctx context.Context, ws, id string) (*UserInvitation, error) {
	var inv UserInvitation
	if err := db.table.Get(AttrPK, wsPK(ws)).Range(AttrSK, dynamo.Equal, skInvitePrefix+id).Consistent(true).One(ctx, &inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

// InvitationsOfEmail returns the workspace's invitations of an address,
// any status, oldest first: one Query of the workspace's invitations.
func (db UserStore) InvitationsOfEmail(ctx context.Context, ws, email string) ([]UserInvitation, error) {
	var all []UserInvitation
	err := db.table.Get(AttrPK, wsPK(ws)).Range(AttrSK, dynamo.BeginsWith, skInvitePrefix).All(ctx, &all)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, err
	}
	var out []UserInvitation
	for _, inv := range all {
		if strings.EqualFold(strings.TrimSpace(inv.Email), strings.TrimSpace(email)) {
			out = append(out, inv)
		}
	}
	return out, nil
}

// ClaimResend records a resend of a pending invitation if the last send is
// at least gap old and fewer than max sends were made: one conditional
// update, so racing resends send one e-mail. Returns ErrResendTooSoon, or
// ErrStale when the invitation is no longer pending.
func (db UserStore) ClaimResend(ctx context.Context, ws, id string, gap time.Duration, maxSends int, now time.Time) error {
	err := db.table.Update(AttrPK, wsPK(ws)).Range(AttrSK, skInvitePrefix+id).
		Set("last_sent", now.Unix()).Add("sent_count", 1).
		If("attribute_exists(PK) AND $ = ?", "status", InvitationPending).
		If("(attribute_not_exists(last_sent) OR last_sent <= ?)", now.Add(-gap).Unix()).
		If("(attribute_not_exists(sent_count) OR sent_count < ?)", maxSends).
		Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		inv, gerr := db.UserInvitation(ctx, ws, id)
		if gerr != nil {
			return gerr
		}
		if inv.Status != InvitationPending {
			return ErrStale
		}
		return ErrResendTooSoon
	}
	return err
}

// UnclaimResend takes back a resend whose e-mail could not be sent.
func (db UserStore) UnclaimResend(ctx context.Context, ws, id string, lastSent int64) error {
	return db.table.Update(AttrPK, wsPK(ws)).Range(AttrSK, skInvitePrefix+id).
		Set("last_sent", lastSent).Add("sent_count", -1).If("attribute_exists(PK)").Run(ctx)
}

// userInviteePK is GSI1's key of a pending seed 001 user invitation: not
// seed 004's INVITEE#, which sign-in turns into memberships.
func userInviteePK(email string) string {
	return "USERINVITEE#" + strings.ToLower(strings.TrimSpace(email))
}

// AcceptUserInvitations accepts every pending seed 001 user invitation
// (investor, issuer, user) of the e-mail address, in every workspace: the
// invitation's status, its leaving GSI1 and the removal of its uniqueness
// item are one transaction each. The invitee's user record exists since
// the invitation; no membership is made (they are not the team). Sign-in
// calls it beside seed 004's AcceptInvitations.
func (db UserStore) AcceptUserInvitations(ctx context.Context, clerkID, email string) error {
	if strings.TrimSpace(email) == "" {
		return nil
	}
	var pending []UserInvitation
	err := db.table.Get("GSI1PK", userInviteePK(email)).Index("GSI1").All(ctx, &pending)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return fmt.Errorf("store: pending user invitations: %w", err)
	}
	for _, inv := range pending {
		if inv.Status != InvitationPending {
			continue
		}
		err := db.db.WriteTx().
			Update(db.table.Update(AttrPK, inv.PK).Range(AttrSK, inv.SK).
				Set("status", InvitationAccepted).Set("accepted_by", clerkID).Set("accepted_at", idNow()).
				Remove("GSI1PK", "GSI1SK").If("$ = ?", "status", InvitationPending)).
			Delete(db.table.Delete(AttrPK, inviteeEmailPK(inv.Workspace, inv.Email)).Range(AttrSK, skUnique)).
			Run(ctx)
		if dynamo.IsCondCheckFailed(err) {
			continue // accepted concurrently
		}
		if err != nil {
			return fmt.Errorf("store: accept user invitation: %w", err)
		}
	}
	return nil
}

// ---- impersonation login tokens ---------------------------------------

// LoginToken is an impersonation token: stored under the SHA-256 of its
// secret (the secret itself is never stored or logged), expiring at
// ExpiresAt, used at most once (UsedAt set by a conditional write).
// DynamoDB's TTL removes it a day after expiry.
type LoginToken struct {
	PK        string `dynamo:"PK"`
	SK        string `dynamo:"SK"`
	Workspace string `dynamo:"ws"`
	User      int64  `dynamo:"user"`
	Group     int64  `dynamo:"group"`
	MintedBy  string `dynamo:"minted_by"`
	ExpiresAt int64  `dynamo:"expires_at"` // Unix seconds
	UsedAt    int64  `dynamo:"used_at,omitempty"`
	UsedBy    string `dynamo:"used_by,omitempty"`
	TTL       int64  `dynamo:"ttl"`
}

// AuditUser is the audit kind of a workspace user's records (impersonation).
const AuditUser = "USER"

func loginTokenPK(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return "LOGINTOKEN#" + hex.EncodeToString(h[:])
}

// MintLoginToken stores a token for the secret and the user's audit record
// of the mint, in one transaction.
func (db UserStore) MintLoginToken(ctx context.Context, ws, secret string, user, group int64, actor string, expires time.Time) (*LoginToken, error) {
	now := time.Now()
	tok := &LoginToken{PK: loginTokenPK(secret), SK: "TOKEN", Workspace: ws, User: user, Group: group, MintedBy: actor,
		ExpiresAt: expires.Unix(), TTL: expires.Add(24 * time.Hour).Unix()}
	a := newAudit(ws, AuditUser, user, "impersonation_token_minted", "", "group:"+strconv.FormatInt(group, 10), actor, model.NewTime(now), 0)
	a.Detail = "expires " + model.NewTime(expires).String()
	err := db.db.WriteTx().
		Put(db.table.Put(tok).If("attribute_not_exists(PK)")).
		Put(db.table.Put(a)).
		Run(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: mint login token: %w", err)
	}
	return tok, nil
}

// UseLoginToken spends a token: it must exist, be unexpired at now and
// unused; marking it used and the user's audit record of the use are one
// transaction, so two racing uses spend it once. Returns ErrTokenInvalid
// otherwise.
func (db UserStore) UseLoginToken(ctx context.Context, secret, usedBy string, now time.Time) (*LoginToken, error) {
	var tok LoginToken
	err := db.table.Get(AttrPK, loginTokenPK(secret)).Range(AttrSK, dynamo.Equal, "TOKEN").Consistent(true).One(ctx, &tok)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, ErrTokenInvalid
	}
	if err != nil {
		return nil, err
	}
	if tok.UsedAt != 0 || now.Unix() >= tok.ExpiresAt {
		return nil, ErrTokenInvalid
	}
	a := newAudit(tok.Workspace, AuditUser, tok.User, "impersonation_token_used", "", "group:"+strconv.FormatInt(tok.Group, 10), usedBy, model.NewTime(now), 1)
	a.Detail = "minted by " + tok.MintedBy
	err = db.db.WriteTx().
		Update(db.table.Update(AttrPK, tok.PK).Range(AttrSK, tok.SK).Set("used_at", now.Unix()).Set("used_by", usedBy).
			If("attribute_not_exists(used_at) AND expires_at > ?", now.Unix())).
		Put(db.table.Put(a)).
		Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return nil, ErrTokenInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("store: use login token: %w", err)
	}
	tok.UsedAt, tok.UsedBy = now.Unix(), usedBy
	return &tok, nil
}

// PeekLoginToken reads a token without spending it (to check its
// workspace before the use); ErrTokenInvalid when unknown.
func (db UserStore) PeekLoginToken(ctx context.Context, secret string) (*LoginToken, error) {
	var tok LoginToken
	err := db.table.Get(AttrPK, loginTokenPK(secret)).Range(AttrSK, dynamo.Equal, "TOKEN").Consistent(true).One(ctx, &tok)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, ErrTokenInvalid
	}
	return &tok, err
}

// LinkMemberUsers gives a Clerk user a user record (EnsureUser: matched,
// or created, by e-mail) in every workspace they are a member of: the
// link of a seed 001 user to the member behind it. Sign-in calls it after
// accepting invitations, so a new member has theirs from their first
// request; a record that exists costs one consistent read per workspace.
func (db UserStore) LinkMemberUsers(ctx context.Context, clerkID, email, first, last string) error {
	if strings.TrimSpace(email) == "" {
		return nil
	}
	identity := IdentityStore(db)
	ms, err := identity.MembershipsOf(ctx, clerkID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := identity.Workspace(ctx, m.Workspace); errors.Is(err, dynamo.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		if _, err := db.EnsureUser(ctx, m.Workspace, email, first, last); err != nil {
			return err
		}
	}
	return nil
}
