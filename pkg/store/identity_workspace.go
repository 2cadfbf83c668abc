package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Workspace is a tenant: seed 004's company, seed 003's and Clerk's
// organisation. Its integer id (company_id) comes from a global counter and
// <ws> is its decimal form.
type Workspace struct {
	PK string `dynamo:"PK"`
	SK string `dynamo:"SK"`

	ID             string        `dynamo:"id"`         // <ws>
	Number         int64         `dynamo:"company_id"` // seed 004 integer id
	Name           string        `dynamo:"name"`
	Slug           string        `dynamo:"slug"`
	Type           string        `dynamo:"type"` // active inactive test demo trial stakeholder
	Country        string        `dynamo:"country"`
	ClerkOrgID     string        `dynamo:"clerk_org_id"`
	ImageURL       string        `dynamo:"image_url"`
	Public         model.RawJSON `dynamo:"public_metadata"`
	Private        model.RawJSON `dynamo:"private_metadata"`
	IsMFAEnabled   bool          `dynamo:"is_mfa_enabled"`
	MemberCount    int64         `dynamo:"member_count"`
	Deleted        bool          `dynamo:"deleted"`
	CreatedAt      model.Time    `dynamo:"created_at"`
	UpdatedAt      model.Time    `dynamo:"updated_at"`
	ClerkUpdatedAt int64         `dynamo:"clerk_updated_at"`
	Version        int64         `dynamo:"version"`
}

// Roles of a member in a workspace.
const (
	RoleOwner  = "OWNER"
	RoleAdmin  = "ADMIN"
	RoleMember = "MEMBER"
)

// Membership is a user in a workspace. It lives in the workspace's
// partition; GSI1 (IDENTITY#<clerk id>#MEMBERSHIP / <ws>) lists a user's
// workspaces.
type Membership struct {
	PK     string `dynamo:"PK"`
	SK     string `dynamo:"SK"`
	GSI1PK string `dynamo:"GSI1PK"`
	GSI1SK string `dynamo:"GSI1SK"`

	Workspace         string     `dynamo:"ws"`
	ClerkID           string     `dynamo:"clerk_id"`
	ID                int64      `dynamo:"id"` // seed 004 user_company id
	Role              string     `dynamo:"role"`
	ClerkMembershipID string     `dynamo:"clerk_membership_id"`
	CreatedAt         model.Time `dynamo:"created_at"`
	UpdatedAt         model.Time `dynamo:"updated_at"`
}

// WorkspaceFields are the settable fields of a workspace.
type WorkspaceFields struct {
	Name, Slug, Type, Country, ImageURL string
	ClerkOrgID                          string
	Public, Private                     model.RawJSON
	ClerkUpdatedAtMillis                int64
}

func wsPK(ws string) string { return "WS#" + ws }

func orgPK(orgID string) string { return clerkOrgPrefix + orgID }

// CreateWorkspace allocates an id and writes the workspace, with its Clerk
// organisation lookup when it has one, in one transaction.
func (db IdentityStore) CreateWorkspace(ctx context.Context, f WorkspaceFields) (*Workspace, error) {
	n, err := db.nextGlobal(ctx, "workspace")
	if err != nil {
		return nil, err
	}
	t := idNow()
	w := &Workspace{
		PK: wsPK(WorkspaceID(n)), SK: skMeta, ID: WorkspaceID(n), Number: n,
		Name: f.Name, Slug: f.Slug, Type: f.Type, Country: f.Country, ImageURL: f.ImageURL,
		ClerkOrgID: f.ClerkOrgID, Public: f.Public, Private: f.Private,
		CreatedAt: t, UpdatedAt: t, ClerkUpdatedAt: f.ClerkUpdatedAtMillis, Version: 1,
	}
	if w.Type == "" {
		w.Type = "active"
	}
	tx := db.db.WriteTx().Put(db.table.Put(w).If("attribute_not_exists(PK)"))
	if f.ClerkOrgID != "" {
		tx = tx.Put(db.table.Put(map[string]any{AttrPK: orgPK(f.ClerkOrgID), AttrSK: skOrgWorkspace, "ws": w.ID}).If("attribute_not_exists(PK)"))
	}
	if err := tx.Run(ctx); err != nil {
		return nil, fmt.Errorf("store: create workspace: %w", err)
	}
	return w, nil
}

// Workspace returns a workspace, or dynamo.ErrNotFound (also for a deleted
// one).
func (db IdentityStore) Workspace(ctx context.Context, ws string) (*Workspace, error) {
	var w Workspace
	if err := db.table.Get(AttrPK, wsPK(ws)).Range(AttrSK, dynamo.Equal, skMeta).One(ctx, &w); err != nil {
		return nil, err
	}
	if w.Deleted {
		return nil, dynamo.ErrNotFound
	}
	return &w, nil
}

// Workspaces returns the live workspaces among ws, keyed by id.
func (db IdentityStore) Workspaces(ctx context.Context, ids []string) (map[string]*Workspace, error) {
	out := map[string]*Workspace{}
	if len(ids) == 0 {
		return out, nil
	}
	keys := make([]dynamo.Keyed, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, dynamo.Keys{wsPK(id), skMeta})
	}
	var items []Workspace
	if err := db.table.Batch(AttrPK, AttrSK).Get(keys...).All(ctx, &items); err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: workspaces: %w", err)
	}
	for i := range items {
		if !items[i].Deleted {
			out[items[i].ID] = &items[i]
		}
	}
	return out, nil
}

// WorkspaceByOrg returns the workspace id of a Clerk organisation, or
// dynamo.ErrNotFound.
func (db IdentityStore) WorkspaceByOrg(ctx context.Context, orgID string) (string, error) {
	var v struct {
		WS string `dynamo:"ws"`
	}
	if err := db.table.Get(AttrPK, orgPK(orgID)).Range(AttrSK, dynamo.Equal, skOrgWorkspace).One(ctx, &v); err != nil {
		return "", err
	}
	return v.WS, nil
}

// SyncClerkOrg creates or updates the workspace of a Clerk organisation.
// Events older than the stored one are ignored.
func (db IdentityStore) SyncClerkOrg(ctx context.Context, f WorkspaceFields) (*Workspace, error) {
	ws, err := db.WorkspaceByOrg(ctx, f.ClerkOrgID)
	if errors.Is(err, dynamo.ErrNotFound) {
		w, err := db.CreateWorkspace(ctx, f)
		if dynamo.IsCondCheckFailed(err) { // a concurrent delivery created it
			return db.SyncClerkOrg(ctx, f)
		}
		return w, err
	}
	if err != nil {
		return nil, err
	}
	return db.UpdateWorkspace(ctx, ws, func(w *Workspace) error {
		if f.ClerkUpdatedAtMillis != 0 && f.ClerkUpdatedAtMillis < w.ClerkUpdatedAt {
			return nil
		}
		w.Name, w.Slug, w.ImageURL, w.Public, w.Private = f.Name, f.Slug, f.ImageURL, f.Public, f.Private
		w.ClerkUpdatedAt = f.ClerkUpdatedAtMillis
		w.Deleted = false
		return nil
	})
}

// UpdateWorkspace applies fn to a workspace and saves it with optimistic
// concurrency, retrying on a concurrent change. Returns dynamo.ErrNotFound
// for an unknown workspace.
func (db IdentityStore) UpdateWorkspace(ctx context.Context, ws string, fn func(*Workspace) error) (*Workspace, error) {
	for attempt := 0; attempt < 3; attempt++ {
		var w Workspace
		if err := db.table.Get(AttrPK, wsPK(ws)).Range(AttrSK, dynamo.Equal, skMeta).Consistent(true).One(ctx, &w); err != nil {
			return nil, err
		}
		if err := fn(&w); err != nil {
			return nil, err
		}
		prev := w.Version
		w.Version++
		w.UpdatedAt = idNow()
		// member_count is maintained by membership transactions: keep it
		// out of this write.
		err := db.table.Update(AttrPK, w.PK).Range(AttrSK, w.SK).
			Set("name", w.Name).Set("slug", w.Slug).Set("type", w.Type).Set("country", w.Country).
			Set("image_url", w.ImageURL).Set("public_metadata", w.Public).Set("private_metadata", w.Private).
			Set("is_mfa_enabled", w.IsMFAEnabled).Set("deleted", w.Deleted).Set("updated_at", w.UpdatedAt).
			Set("clerk_updated_at", w.ClerkUpdatedAt).Set("version", w.Version).
			If("version = ?", prev).Run(ctx)
		if dynamo.IsCondCheckFailed(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: update workspace: %w", err)
		}
		return &w, nil
	}
	return nil, ErrStale
}

// DeleteClerkOrg marks the workspace of a Clerk organisation deleted and
// drops the organisation lookup. Its items stay (for audit) but no route
// reaches them. Unknown organisations are not an error.
func (db IdentityStore) DeleteClerkOrg(ctx context.Context, orgID string) error {
	ws, err := db.WorkspaceByOrg(ctx, orgID)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return db.db.WriteTx().
		Update(db.table.Update(AttrPK, wsPK(ws)).Range(AttrSK, skMeta).Set("deleted", true).Set("updated_at", idNow()).Add("version", 1)).
		Delete(db.table.Delete(AttrPK, orgPK(orgID)).Range(AttrSK, skOrgWorkspace)).
		Run(ctx)
}

// Membership returns the membership of a user in a workspace, or
// dynamo.ErrNotFound.
func (db IdentityStore) Membership(ctx context.Context, ws, clerkID string) (*Membership, error) {
	var m Membership
	if err := db.table.Get(AttrPK, wsPK(ws)).Range(AttrSK, dynamo.Equal, skMemberPrefix+clerkID).Consistent(true).One(ctx, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func (db IdentityStore) newMembership(ctx context.Context, ws, clerkID, role string) (*Membership, error) {
	n, err := db.nextGlobal(ctx, "membership")
	if err != nil {
		return nil, err
	}
	t := idNow()
	return &Membership{
		PK: wsPK(ws), SK: skMemberPrefix + clerkID,
		GSI1PK: identityPK(clerkID) + membershipsOfSfx, GSI1SK: ws,
		Workspace: ws, ClerkID: clerkID, ID: n, Role: role, CreatedAt: t, UpdatedAt: t,
	}, nil
}

// PutMembership adds a user to a workspace with a role, or changes the role
// of an existing member. A new membership and the workspace's member count
// are written in one transaction. Returns dynamo.ErrNotFound if the
// workspace does not exist.
func (db IdentityStore) PutMembership(ctx context.Context, ws, clerkID, role, clerkMembershipID string) (*Membership, error) {
	if _, err := db.Workspace(ctx, ws); err != nil {
		return nil, err
	}
	for attempt := 0; attempt < 3; attempt++ {
		m, err := db.Membership(ctx, ws, clerkID)
		if err == nil {
			if role == "" || m.Role == role || (m.Role == RoleOwner && role == RoleAdmin) {
				// Clerk reports the creator as an admin; the owner stays owner.
				return m, nil
			}
			err = db.table.Update(AttrPK, m.PK).Range(AttrSK, m.SK).Set("role", role).Set("updated_at", idNow()).
				If("attribute_exists(PK)").Run(ctx)
			if err != nil {
				return nil, fmt.Errorf("store: change role: %w", err)
			}
			m.Role = role
			return m, nil
		}
		if !errors.Is(err, dynamo.ErrNotFound) {
			return nil, err
		}
		if role == "" {
			role = RoleMember
		}
		m, err = db.newMembership(ctx, ws, clerkID, role)
		if err != nil {
			return nil, err
		}
		m.ClerkMembershipID = clerkMembershipID
		err = db.db.WriteTx().
			Put(db.table.Put(m).If("attribute_not_exists(PK)")).
			Update(db.table.Update(AttrPK, wsPK(ws)).Range(AttrSK, skMeta).Add("member_count", 1).If("attribute_exists(PK)")).
			Run(ctx)
		if dynamo.IsCondCheckFailed(err) {
			continue // added concurrently: change its role instead
		}
		if err != nil {
			return nil, fmt.Errorf("store: add member: %w", err)
		}
		return m, nil
	}
	return nil, ErrStale
}

// DeleteMembership removes a user from a workspace and decrements its
// member count in one transaction. A missing membership is not an error.
func (db IdentityStore) DeleteMembership(ctx context.Context, ws, clerkID string) error {
	err := db.db.WriteTx().
		Delete(db.table.Delete(AttrPK, wsPK(ws)).Range(AttrSK, skMemberPrefix+clerkID).If("attribute_exists(PK)")).
		Update(db.table.Update(AttrPK, wsPK(ws)).Range(AttrSK, skMeta).Add("member_count", -1)).
		Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return nil
	}
	return err
}

// MembershipsOf lists a user's memberships, ordered by workspace id.
func (db IdentityStore) MembershipsOf(ctx context.Context, clerkID string) ([]Membership, error) {
	var ms []Membership
	err := db.table.Get("GSI1PK", identityPK(clerkID)+membershipsOfSfx).Index("GSI1").All(ctx, &ms)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: memberships of user: %w", err)
	}
	sort.Slice(ms, func(i, j int) bool { return idLess(ms[i].Workspace, ms[j].Workspace) })
	return ms, nil
}

// Members lists the memberships of a workspace.
func (db IdentityStore) Members(ctx context.Context, ws string) ([]Membership, error) {
	var ms []Membership
	err := db.table.Get(AttrPK, wsPK(ws)).Range(AttrSK, dynamo.BeginsWith, skMemberPrefix).All(ctx, &ms)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: members: %w", err)
	}
	return ms, nil
}

// idLess orders decimal ids numerically.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return strings.Compare(a, b) < 0
}
