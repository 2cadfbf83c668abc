package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Keys of the identity section of doc.go. Identities, Clerk organisation
// lookups, global counters and webhook receipts are the only items whose
// partition key does not start with WS#: they are not owned by a tenant.
const (
	identityPrefix   = "IDENTITY#"
	identityEmailPK  = "IDENTITY#EMAIL#"
	clerkOrgPrefix   = "CLERKORG#"
	globalPK         = "GLOBAL"
	skMeta           = "META"
	skUnique         = "UNIQUE"
	skOrgWorkspace   = "WORKSPACE"
	skMemberPrefix   = "MEMBER#"
	skInvitePrefix   = "INVITATION#"
	membershipsOfSfx = "#MEMBERSHIP"
)

// ErrStale is returned when a write lost an optimistic-concurrency race.
var ErrStale = errors.New("store: item changed concurrently")

// Identity is a Clerk user: a global identity, not owned by any workspace,
// with the per-user settings of seed 003 (extension, profile,
// subscription) and the workspace chosen through switch-workspace.
type Identity struct {
	PK string `dynamo:"PK"`
	SK string `dynamo:"SK"`

	ClerkID  string  `dynamo:"clerk_id"`
	ID       int64   `dynamo:"id"`   // seed 004 integer user id
	UUID     string  `dynamo:"uuid"` // seed 003 "user" of trades
	Username *string `dynamo:"username"`
	Email    string  `dynamo:"email"`

	FirstName string        `dynamo:"first_name"`
	LastName  string        `dynamo:"last_name"`
	ImageURL  string        `dynamo:"image_url"`
	JobTitle  string        `dynamo:"job_title"`
	Public    model.RawJSON `dynamo:"public_metadata"`
	Private   model.RawJSON `dynamo:"private_metadata"`
	Unsafe    model.RawJSON `dynamo:"unsafe_metadata"`

	EmailVerified       bool    `dynamo:"email_verified"`
	PhoneNumberVerified bool    `dynamo:"phone_number_verified"`
	TwoFactorEnabled    bool    `dynamo:"two_factor_enabled"`
	IsActive            bool    `dynamo:"is_active"`
	IsStaff             bool    `dynamo:"is_staff"`
	IsSuperuser         bool    `dynamo:"is_superuser"`
	IsDeveloper         bool    `dynamo:"is_developer"`
	IsBetaTester        bool    `dynamo:"is_beta_tester"`
	SessionActor        *string `dynamo:"session_actor"`
	Roles               []int   `dynamo:"roles"`

	LastLogin    *model.Time `dynamo:"last_login"`
	LastSignInAt *model.Time `dynamo:"last_sign_in_at"`
	CreatedAt    model.Time  `dynamo:"created_at"`
	UpdatedAt    model.Time  `dynamo:"updated_at"`

	// LastSessionID is the Clerk session last seen: a new one is a sign-in.
	LastSessionID string `dynamo:"last_sid"`
	// ActiveWorkspace is the workspace chosen with switch-workspace;
	// SwitchedWithOrg is the token's organisation at the time, so that a
	// later organisation switch in Clerk takes precedence again.
	ActiveWorkspace string `dynamo:"active_ws"`
	SwitchedWithOrg string `dynamo:"active_ws_org"`

	Extension    Extension    `dynamo:"extension"`
	Profile      Profile      `dynamo:"profile"`
	Subscription Subscription `dynamo:"subscription"`

	ClerkUpdatedAt int64 `dynamo:"clerk_updated_at"` // ms; older events are ignored
	Version        int64 `dynamo:"version"`
}

// Extension is seed 003's UserExt.
type Extension struct {
	Address   *string     `dynamo:"address" json:"address"`
	City      *string     `dynamo:"city" json:"city"`
	State     *string     `dynamo:"state" json:"state"`
	Country   *string     `dynamo:"country" json:"country"`
	ZipCode   *string     `dynamo:"zip_code" json:"zip_code"`
	BirthDate *model.Date `dynamo:"birth_date" json:"birth_date"`
}

// Profile is seed 003's UserProfile.
type Profile struct {
	Timezone        *string       `dynamo:"timezone" json:"timezone"`
	Language        *string       `dynamo:"language" json:"language"`
	Bio             string        `dynamo:"bio" json:"bio"`
	AboutMe         string        `dynamo:"aboutme" json:"aboutme"`
	Facebook        *string       `dynamo:"facebook" json:"facebook"`
	Twitter         *string       `dynamo:"twitter" json:"twitter"`
	LinkedIn        *string       `dynamo:"linkedin" json:"linkedin"`
	GitHub          *string       `dynamo:"github" json:"github"`
	Website         *string       `dynamo:"website" json:"website"`
	Interests       *string       `dynamo:"interests" json:"interests"`
	OnboardingTasks model.RawJSON `dynamo:"onboarding_tasks" json:"onboarding_tasks"`
}

// Subscription is seed 003's UserSubscription.
type Subscription struct {
	ID            *string       `dynamo:"subscription_id" json:"subscription_id"`
	Name          *string       `dynamo:"subscription_name" json:"subscription_name"`
	Level         int           `dynamo:"subscription_level" json:"subscription_level"`
	Status        string        `dynamo:"subscription_status" json:"subscription_status"`
	StartDate     *model.Time   `dynamo:"subscription_start_date" json:"subscription_start_date"`
	EndDate       *model.Time   `dynamo:"subscription_end_date" json:"subscription_end_date"`
	TrialEndDate  *model.Time   `dynamo:"subscription_trial_end_date" json:"subscription_trial_end_date"`
	CancelledDate *model.Time   `dynamo:"subscription_cancelled_date" json:"subscription_cancelled_date"`
	SuspendedDate *model.Time   `dynamo:"subscription_suspended_date" json:"subscription_suspended_date"`
	Metadata      model.RawJSON `dynamo:"subscription_metadata" json:"subscription_metadata"`
}

// ClerkUser is what a Clerk user event says about a user.
type ClerkUser struct {
	ClerkID             string
	Username            *string
	Email               string
	FirstName, LastName string
	ImageURL            string
	Public, Private     model.RawJSON
	Unsafe              model.RawJSON
	EmailVerified       bool
	PhoneNumberVerified bool
	TwoFactorEnabled    bool
	IsStaff             bool
	IsSuperuser         bool
	IsDeveloper         bool
	IsBetaTester        bool
	LastSignInAt        *model.Time
	CreatedAt           *model.Time
	UpdatedAtMillis     int64
}

func identityPK(clerkID string) string { return identityPrefix + clerkID }

func emailPK(email string) string { return identityEmailPK + strings.ToLower(strings.TrimSpace(email)) }

func idNow() model.Time { return model.NewTime(time.Now()) }

type counterItem struct {
	N int64 `dynamo:"n"`
}

// nextGlobal allocates the next integer of a global sequence (workspace,
// identity, membership, trade ids).
func (db *core) nextGlobal(ctx context.Context, kind string) (int64, error) {
	var c counterItem
	if err := db.table.Update(AttrPK, globalPK).Range(AttrSK, "COUNTER#"+kind).Add("n", 1).Value(ctx, &c); err != nil {
		return 0, fmt.Errorf("store: next %s id: %w", kind, err)
	}
	return c.N, nil
}

// NewUUID returns a random (version 4) UUID.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Identity returns the identity of a Clerk user. Returns dynamo.ErrNotFound
// if Clerk has not told us about the user yet.
func (db IdentityStore) Identity(ctx context.Context, clerkID string) (*Identity, error) {
	var id Identity
	err := db.table.Get(AttrPK, identityPK(clerkID)).Range(AttrSK, dynamo.Equal, skMeta).Consistent(true).One(ctx, &id)
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// IdentityByEmail returns the identity holding an e-mail address, or
// dynamo.ErrNotFound.
func (db IdentityStore) IdentityByEmail(ctx context.Context, email string) (*Identity, error) {
	var u struct {
		ClerkID string `dynamo:"clerk_id"`
	}
	if err := db.table.Get(AttrPK, emailPK(email)).Range(AttrSK, dynamo.Equal, skUnique).One(ctx, &u); err != nil {
		return nil, err
	}
	return db.Identity(ctx, u.ClerkID)
}

// Identities returns the identities of the given Clerk users that exist,
// keyed by Clerk id.
func (db IdentityStore) Identities(ctx context.Context, clerkIDs []string) (map[string]*Identity, error) {
	out := map[string]*Identity{}
	if len(clerkIDs) == 0 {
		return out, nil
	}
	keys := make([]dynamo.Keyed, 0, len(clerkIDs))
	seen := map[string]bool{}
	for _, c := range clerkIDs {
		if !seen[c] {
			seen[c] = true
			keys = append(keys, dynamo.Keys{identityPK(c), skMeta})
		}
	}
	var items []Identity
	if err := db.table.Batch(AttrPK, AttrSK).Get(keys...).All(ctx, &items); err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: identities: %w", err)
	}
	for i := range items {
		out[items[i].ClerkID] = &items[i]
	}
	return out, nil
}

func newIdentity(clerkID string, id int64) *Identity {
	t := idNow()
	return &Identity{
		PK: identityPK(clerkID), SK: skMeta, ClerkID: clerkID, ID: id, UUID: NewUUID(),
		IsActive: true, CreatedAt: t, UpdatedAt: t,
		Subscription: Subscription{Status: "active"},
	}
}

// EnsureIdentity returns the identity of a Clerk user, creating a minimal
// one when a session arrives before Clerk's user.created webhook.
func (db IdentityStore) EnsureIdentity(ctx context.Context, clerkID string) (*Identity, error) {
	id, err := db.Identity(ctx, clerkID)
	if !errors.Is(err, dynamo.ErrNotFound) {
		return id, err
	}
	n, err := db.nextGlobal(ctx, "identity")
	if err != nil {
		return nil, err
	}
	ident := newIdentity(clerkID, n)
	err = db.table.Put(ident).If("attribute_not_exists(PK)").Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return db.Identity(ctx, clerkID)
	}
	if err != nil {
		return nil, fmt.Errorf("store: create identity: %w", err)
	}
	return ident, nil
}

// SaveIdentity writes an identity read earlier, failing with ErrStale if it
// changed since (optimistic concurrency on version). When the e-mail
// changed, oldEmail's lookup item is replaced in the same transaction.
func (db IdentityStore) SaveIdentity(ctx context.Context, id *Identity, oldEmail string) error {
	prev := id.Version
	id.Version++
	id.UpdatedAt = idNow()
	put := db.table.Put(id)
	if prev == 0 {
		put = put.If("attribute_not_exists(PK) OR version = ?", prev)
	} else {
		put = put.If("version = ?", prev)
	}
	// txn.run retries TransactionConflicts (parallel writers of the same
	// identity) instead of failing with them; a failed condition is
	// ErrStale for the caller to re-read and retry.
	tx := db.newTxn().put(tagStale, put)
	newEmail := strings.ToLower(strings.TrimSpace(id.Email))
	oldEmail = strings.ToLower(strings.TrimSpace(oldEmail))
	if newEmail != oldEmail {
		if oldEmail != "" {
			tx = tx.delete(tagStale, db.table.Delete(AttrPK, emailPK(oldEmail)).Range(AttrSK, skUnique).If("clerk_id = ?", id.ClerkID))
		}
		if newEmail != "" {
			tx = tx.put(tagNone, db.table.Put(map[string]any{AttrPK: emailPK(newEmail), AttrSK: skUnique, "clerk_id": id.ClerkID}))
		}
	}
	err := tx.run(ctx)
	if errors.Is(err, ErrStale) {
		id.Version = prev
		return ErrStale
	}
	if err != nil {
		id.Version = prev
		if errors.Is(err, ErrBusy) {
			return err
		}
		return fmt.Errorf("store: save identity: %w", err)
	}
	return nil
}

// SyncClerkUser creates or updates an identity from a Clerk user event.
// Events older than what is stored (Clerk's updated_at) are ignored.
func (db IdentityStore) SyncClerkUser(ctx context.Context, u ClerkUser) (*Identity, error) {
	for attempt := 0; attempt < 3; attempt++ {
		id, err := db.EnsureIdentity(ctx, u.ClerkID)
		if err != nil {
			return nil, err
		}
		if u.UpdatedAtMillis != 0 && u.UpdatedAtMillis < id.ClerkUpdatedAt {
			return id, nil
		}
		old := id.Email
		id.Username, id.Email, id.FirstName, id.LastName, id.ImageURL = u.Username, u.Email, u.FirstName, u.LastName, u.ImageURL
		id.Public, id.Private, id.Unsafe = u.Public, u.Private, u.Unsafe
		id.EmailVerified, id.PhoneNumberVerified, id.TwoFactorEnabled = u.EmailVerified, u.PhoneNumberVerified, u.TwoFactorEnabled
		id.IsStaff, id.IsSuperuser, id.IsDeveloper, id.IsBetaTester = u.IsStaff, u.IsSuperuser, u.IsDeveloper, u.IsBetaTester
		id.IsActive = true
		if u.LastSignInAt != nil {
			id.LastSignInAt = u.LastSignInAt
		}
		if u.CreatedAt != nil {
			id.CreatedAt = *u.CreatedAt
		}
		id.ClerkUpdatedAt = u.UpdatedAtMillis
		err = db.SaveIdentity(ctx, id, old)
		if errors.Is(err, ErrStale) {
			continue
		}
		return id, err
	}
	return nil, ErrStale
}

// DeactivateIdentity marks a deleted Clerk user inactive. Unknown users are
// not an error (Clerk may delete a user we never saw).
func (db IdentityStore) DeactivateIdentity(ctx context.Context, clerkID string) error {
	err := db.table.Update(AttrPK, identityPK(clerkID)).Range(AttrSK, skMeta).
		Set("is_active", false).Set("updated_at", idNow()).Add("version", 1).
		If("attribute_exists(PK)").Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return nil
	}
	return err
}

// UpdateIdentity applies fn to the identity and saves it, re-reading and
// retrying (with Retry's backoff) on a concurrent change: a dashboard's
// parallel settings writes of one user all land instead of failing after
// three back-to-back attempts.
func (db IdentityStore) UpdateIdentity(ctx context.Context, clerkID string, fn func(*Identity) error) (*Identity, error) {
	var id *Identity
	err := Retry(ctx, func() error {
		var err error
		if id, err = db.EnsureIdentity(ctx, clerkID); err != nil {
			return err
		}
		old := id.Email
		if err := fn(id); err != nil {
			return err
		}
		return db.SaveIdentity(ctx, id, old)
	})
	if err != nil {
		return nil, err
	}
	return id, nil
}

// RecordSignIn notes that the identity was seen with Clerk session sid at
// t. It is one unconditional-in-effect UpdateItem, not a read-modify-write
// of the versioned identity: parallel requests of a fresh session all
// record the same thing, so whichever lands first wins and the others'
// failed condition (the session is already recorded) is success. The
// version is not bumped, so the bookkeeping never makes a concurrent
// settings write stale; the price is that such a write, planned on a read
// from before the sign-in, puts the previous session back, and the next
// request records it again (harmless: it is idempotent).
func (db IdentityStore) RecordSignIn(ctx context.Context, clerkID, sid string, t model.Time) error {
	for attempt := 0; ; attempt++ {
		err := db.table.Update(AttrPK, identityPK(clerkID)).Range(AttrSK, skMeta).
			Set("last_sid", sid).Set("last_login", t).
			If("attribute_exists(PK) AND (attribute_not_exists(last_sid) OR last_sid <> ?)", sid).Run(ctx)
		if err == nil || dynamo.IsCondCheckFailed(err) {
			return nil
		}
		// A transaction in flight on the identity (a settings write)
		// rejects a plain write with TransactionConflict; it is retried
		// like DynamoDB's transient errors.
		if (transient(err) || strings.Contains(err.Error(), "TransactionConflict")) && attempt < 10 {
			if werr := backoff(ctx, attempt); werr != nil {
				return werr
			}
			continue
		}
		return fmt.Errorf("store: record sign-in: %w", err)
	}
}

// WorkspaceID is the decimal string form of a workspace's integer id, the
// <ws> of every key.
func WorkspaceID(n int64) string { return strconv.FormatInt(n, 10) }
