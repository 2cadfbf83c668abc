package store

// User groups (seed 001, issue 12): collections of a workspace's user
// records (seed 000's users) with a lead user, a role per member and
// feature flags. Keys:
//
//	WS#<ws>#UGROUP / <id padded>                 the group (Query: every group of a workspace)
//	WS#<ws>#UGROUP#<id>#MEMBER / <user padded>   one member (Query: one group's members)
//	    GSI1 WS#<ws>#USER#<user>#UGROUP / <id>   the groups of one user (OfUser)
//	WS#<ws>#UGLEAD#<lead uuid> / UNIQUE          one group per lead user; by-lead-user lookup
//
// A group and its members are written in one transaction; membership
// changes are conditional writes that also bump the group's version, so
// a group update (a versioned Put) never overwrites a member count moved
// under it.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// KindUserGroup is the id counter of user groups.
const KindUserGroup = "USERGROUP"

// statusRevoked is an invitation taken back: a shell invitation whose group
// was deleted. It leaves the invitee index, so sign-in no longer accepts it.
const statusRevoked = "revoked"

// tagLead is the condition that a user leads no other group.
const tagLead = "lead"

// Errors of user group writes.
var (
	// ErrLeadTaken: the lead user already leads another group.
	ErrLeadTaken = errors.New("store: the user already leads a group")
	// ErrIsLead: the lead user cannot be removed from their group.
	ErrIsLead = errors.New("store: the lead user cannot leave the group")
	// ErrNotMember: the user is not a member of the group.
	ErrNotMember = errors.New("store: the user is not a member of the group")
	// ErrAlreadyMember: the user is already a member of the group.
	ErrAlreadyMember = errors.New("store: the user is already a member of the group")
)

// UserGroup is a group of a workspace's users. A shell group (seed 001's
// "invite directly into a shell") has no lead yet: ShellInvitation names
// the pending invitation whose invitee, user record ShellUser, becomes its
// lead when they sign in.
type UserGroup struct {
	ID              int64           `dynamo:"id"`
	Name            string          `dynamo:"name"`
	Description     string          `dynamo:"description,allowempty"`
	LeadUser        *int64          `dynamo:"lead_user"`
	LeadUUID        string          `dynamo:"lead_uuid,omitempty"`
	ShellInvitation string          `dynamo:"shell_invitation,omitempty"`
	ShellUser       int64           `dynamo:"shell_user,omitempty"`
	FeatureFlags    map[string]bool `dynamo:"feature_flags,omitempty"`
	MemberCount     int64           `dynamo:"member_count"`
	CreatedAt       model.Time      `dynamo:"created_at"`
	UpdatedAt       model.Time      `dynamo:"updated_at"`
	Version         int64           `dynamo:"version"`
}

// UserGroupMember is one member of a group with their role.
type UserGroupMember struct {
	Group     int64      `dynamo:"group"`
	User      int64      `dynamo:"user"`
	Role      string     `dynamo:"role"`
	Signatory bool       `dynamo:"signatory"`
	JoinedAt  model.Time `dynamo:"joined_at"`
}

// GroupMembership is one group of a user with the user's role in it.
type GroupMembership struct {
	Group  UserGroup
	Member UserGroupMember
}

type userGroupItem struct {
	Keys
	UserGroup
}

type userGroupMemberItem struct {
	Keys
	UserGroupMember
}

func userGroupPK(ws string) string { return kindPK(ws, "UGROUP") }
func userGroupMembersPK(ws string, id int64) string {
	return fmt.Sprintf("WS#%s#UGROUP#%d#MEMBER", ws, id)
}
func groupsOfUserPK(ws string, user int64) string {
	return fmt.Sprintf("WS#%s#USER#%d#UGROUP", ws, user)
}
func groupLeadPK(ws, uuid string) string { return kindPK(ws, "UGLEAD#"+uuid) }

func newMemberItem(ws string, m UserGroupMember) *userGroupMemberItem {
	return &userGroupMemberItem{
		Keys: Keys{PK: userGroupMembersPK(ws, m.Group), SK: padID(m.User),
			GSI1PK: groupsOfUserPK(ws, m.User), GSI1SK: padID(m.Group)},
		UserGroupMember: m,
	}
}

func (db GroupStore) putLead(t *txn, ws, uuid string, group int64) {
	t.put(tagLead, db.table.Put(uniqueItem{PK: groupLeadPK(ws, uuid), SK: skUniqueItem, ID: group}).If("attribute_not_exists(PK)"))
}

// CreateUserGroup allocates the group's id and writes the group, its lead
// uniqueness item and its members in one transaction, each member
// conditioned on its user record existing. Returns ErrLeadTaken, or
// dynamo.ErrNotFound when a user record vanished meanwhile.
func (db GroupStore) CreateUserGroup(ctx context.Context, ws string, g *UserGroup, members []UserGroupMember) error {
	// Refuse a taken lead before allocating an id, so a refused create
	// leaves even the id counter as it was (a race still may not).
	if g.LeadUUID != "" && db.leadTaken(ctx, ws, g.LeadUUID, 0) {
		return ErrLeadTaken
	}
	id, err := db.nextID(ctx, ws, KindUserGroup)
	if err != nil {
		return err
	}
	g.ID, g.Version, g.MemberCount = id, 1, int64(len(members))
	t := db.newTxn()
	t.put(tagExists, db.table.Put(&userGroupItem{Keys: Keys{PK: userGroupPK(ws), SK: padID(id)}, UserGroup: *g}).If("attribute_not_exists(PK)"))
	if g.LeadUUID != "" {
		db.putLead(t, ws, g.LeadUUID, id)
	}
	for _, m := range members {
		m.Group = id
		UserStore(db).checkUser(t, ws, m.User)
		t.put(tagExists, db.table.Put(newMemberItem(ws, m)).If("attribute_not_exists(PK)"))
	}
	err = t.run(ctx)
	if errors.Is(err, ErrStale) { // the one versioned condition here is the lead's
		return ErrLeadTaken
	}
	return err
}

// leadTaken reports whether a stale-tagged failure was the lead
// uniqueness: the UUID's item names another group. (tagError maps the
// lead tag to ErrStale like any tag it does not know.)
func (db GroupStore) leadTaken(ctx context.Context, ws, uuid string, group int64) bool {
	var u uniqueItem
	err := db.table.Get(AttrPK, groupLeadPK(ws, uuid)).Range(AttrSK, dynamo.Equal, skUniqueItem).Consistent(true).One(ctx, &u)
	return err == nil && u.ID != group
}

// UserGroup returns a group of the workspace, or dynamo.ErrNotFound.
func (db GroupStore) UserGroup(ctx context.Context, ws string, id int64) (*UserGroup, error) {
	var it userGroupItem
	if err := db.table.Get(AttrPK, userGroupPK(ws)).Range(AttrSK, dynamo.Equal, padID(id)).Consistent(true).One(ctx, &it); err != nil {
		return nil, err
	}
	return &it.UserGroup, nil
}

// UserGroups returns every group of the workspace in id order: one Query
// of the workspace's group partition.
func (db GroupStore) UserGroups(ctx context.Context, ws string) ([]UserGroup, error) {
	var its []userGroupItem
	var cc dynamo.ConsumedCapacity
	err := db.table.Get(AttrPK, userGroupPK(ws)).ConsumedCapacity(&cc).All(ctx, &its)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: user groups: %w", err)
	}
	record(ctx, len(its), &cc)
	out := make([]UserGroup, len(its))
	for i := range its {
		out[i] = its[i].UserGroup
	}
	return out, nil
}

// UserGroupByLead returns the group whose lead user has the UUID, or
// dynamo.ErrNotFound.
func (db GroupStore) UserGroupByLead(ctx context.Context, ws, uuid string) (*UserGroup, error) {
	var u uniqueItem
	if err := db.table.Get(AttrPK, groupLeadPK(ws, strings.ToLower(uuid))).Range(AttrSK, dynamo.Equal, skUniqueItem).Consistent(true).One(ctx, &u); err != nil {
		return nil, err
	}
	return db.UserGroup(ctx, ws, u.ID)
}

// UserGroupMembers returns one group's members in user id order (one
// Query).
func (db GroupStore) UserGroupMembers(ctx context.Context, ws string, id int64) ([]UserGroupMember, error) {
	var its []userGroupMemberItem
	var cc dynamo.ConsumedCapacity
	err := db.table.Get(AttrPK, userGroupMembersPK(ws, id)).Consistent(true).ConsumedCapacity(&cc).All(ctx, &its)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: user group members: %w", err)
	}
	record(ctx, len(its), &cc)
	out := make([]UserGroupMember, len(its))
	for i := range its {
		out[i] = its[i].UserGroupMember
	}
	return out, nil
}

// UserGroupMember returns one member, or ErrNotMember.
func (db GroupStore) UserGroupMember(ctx context.Context, ws string, group, user int64) (*UserGroupMember, error) {
	var it userGroupMemberItem
	err := db.table.Get(AttrPK, userGroupMembersPK(ws, group)).Range(AttrSK, dynamo.Equal, padID(user)).Consistent(true).One(ctx, &it)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, ErrNotMember
	}
	if err != nil {
		return nil, err
	}
	return &it.UserGroupMember, nil
}

// GroupsOfUser returns the groups a user belongs to, with the member item
// of each: a Query of the user's GSI1 partition, then the groups in one
// batch. Member items of a group deleted meanwhile are left out.
func (db GroupStore) GroupsOfUser(ctx context.Context, ws string, user int64) ([]GroupMembership, error) {
	var its []userGroupMemberItem
	err := db.table.Get("GSI1PK", groupsOfUserPK(ws, user)).Index("GSI1").All(ctx, &its)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: groups of user: %w", err)
	}
	if len(its) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(its))
	for i := range its {
		ids[i] = its[i].Group
	}
	groups, err := batchGet[userGroupItem](ctx, db.core, userGroupPK(ws), ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]UserGroup, len(groups))
	for _, g := range groups {
		byID[g.ID] = g.UserGroup
	}
	var out []GroupMembership
	for _, it := range its {
		if g, ok := byID[it.Group]; ok {
			out = append(out, GroupMembership{Group: g, Member: it.UserGroupMember})
		}
	}
	return out, nil
}

func (db GroupStore) putGroup(t *txn, ws string, g *UserGroup, old int64) {
	cond, args := versionCond(attrVersion, old)
	t.put(tagStale, db.table.Put(&userGroupItem{Keys: Keys{PK: userGroupPK(ws), SK: padID(g.ID)}, UserGroup: *g}).If("attribute_exists(PK) AND ("+cond+")", args...))
}

// SaveUserGroup stores g if its version is still old (name, description,
// feature flags, lead). A new lead must already be a member; the lead
// uniqueness item moves in the same transaction. Returns ErrStale,
// ErrLeadTaken or ErrNotMember.
func (db GroupStore) SaveUserGroup(ctx context.Context, ws string, g *UserGroup, old int64, oldLeadUUID string) error {
	g.Version = old + 1
	t := db.newTxn()
	db.putGroup(t, ws, g, old)
	if g.LeadUUID != oldLeadUUID {
		if oldLeadUUID != "" {
			t.delete(tagStale, db.table.Delete(AttrPK, groupLeadPK(ws, oldLeadUUID)).Range(AttrSK, skUniqueItem).If("id = ?", g.ID))
		}
		if g.LeadUUID != "" {
			db.putLead(t, ws, g.LeadUUID, g.ID)
			t.check(tagNotFound, db.table.Check(AttrPK, userGroupMembersPK(ws, g.ID)).Range(AttrSK, padID(*g.LeadUser)).If("attribute_exists(PK)"))
		}
	}
	err := t.run(ctx)
	switch {
	case errors.Is(err, dynamo.ErrNotFound):
		return ErrNotMember
	case errors.Is(err, ErrStale) && g.LeadUUID != oldLeadUUID && g.LeadUUID != "" && db.leadTaken(ctx, ws, g.LeadUUID, g.ID):
		return ErrLeadTaken
	}
	return err
}

// bumpGroup is the group update every membership change carries: the
// member count moves by d and the version by one, so a concurrent
// versioned save of the group fails and re-reads.
func (db GroupStore) bumpGroup(ws string, group, d int64) *dynamo.Update {
	return db.table.Update(AttrPK, userGroupPK(ws)).Range(AttrSK, padID(group)).
		Add("member_count", d).Add(attrVersion, 1).Set("updated_at", idNow()).If("attribute_exists(PK)")
}

// AddUserGroupMember adds a member to a group. Returns dynamo.ErrNotFound
// when the group or the user record is missing, ErrAlreadyMember.
func (db GroupStore) AddUserGroupMember(ctx context.Context, ws string, m UserGroupMember) error {
	t := db.newTxn()
	UserStore(db).checkUser(t, ws, m.User)
	t.update(tagNotFound, db.bumpGroup(ws, m.Group, 1))
	t.put(tagExists, db.table.Put(newMemberItem(ws, m)).If("attribute_not_exists(PK)"))
	err := t.run(ctx)
	if errors.Is(err, ErrExists) {
		return ErrAlreadyMember
	}
	return err
}

// SetUserGroupMember updates a member's role and signatory mark if the
// member exists. Returns ErrNotMember.
func (db GroupStore) SetUserGroupMember(ctx context.Context, ws string, m UserGroupMember) error {
	err := db.table.Update(AttrPK, userGroupMembersPK(ws, m.Group)).Range(AttrSK, padID(m.User)).
		Set("role", m.Role).Set("signatory", m.Signatory).If("attribute_exists(PK)").Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return ErrNotMember
	}
	return err
}

// RemoveUserGroupMember removes a member other than the lead. Returns
// ErrNotMember, ErrIsLead or dynamo.ErrNotFound (no group).
func (db GroupStore) RemoveUserGroupMember(ctx context.Context, ws string, group, user int64) error {
	t := db.newTxn()
	t.delete(tagExists, db.table.Delete(AttrPK, userGroupMembersPK(ws, group)).Range(AttrSK, padID(user)).If("attribute_exists(PK)"))
	t.update(tagStale, db.bumpGroup(ws, group, -1).If("attribute_not_exists(lead_user) OR lead_user <> ?", user))
	err := t.run(ctx)
	switch {
	case errors.Is(err, ErrExists):
		return ErrNotMember
	case errors.Is(err, ErrStale):
		if _, gerr := db.UserGroup(ctx, ws, group); gerr != nil {
			return gerr
		}
		return ErrIsLead
	}
	return err
}

// maxTxItems is DynamoDB's limit of items in one transaction.
const maxTxItems = 100

// DeleteUserGroup deletes a group if its version is still old: the group,
// its lead uniqueness item, and its pending shell invitation (revoked:
// status "revoked", out of the invitee index, its uniqueness item gone so
// the address can be invited again) in one transaction, with the members
// when they fit in it. A larger group's member items are deleted in
// batches right after; until then no read shows them (GroupsOfUser joins
// on the group). Returns ErrStale.
func (db GroupStore) DeleteUserGroup(ctx context.Context, ws string, g *UserGroup) error {
	members, err := db.UserGroupMembers(ctx, ws, g.ID)
	if err != nil {
		return err
	}
	t := db.newTxn()
	cond, args := versionCond(attrVersion, g.Version)
	t.delete(tagStale, db.table.Delete(AttrPK, userGroupPK(ws)).Range(AttrSK, padID(g.ID)).If("attribute_exists(PK) AND ("+cond+")", args...))
	if g.LeadUUID != "" {
		t.delete(tagNone, db.table.Delete(AttrPK, groupLeadPK(ws, g.LeadUUID)).Range(AttrSK, skUniqueItem).If("attribute_not_exists(PK) OR id = ?", g.ID))
	}
	if g.ShellInvitation != "" {
		inv, err := IdentityStore(db).Invitation(ctx, ws, g.ShellInvitation)
		if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
			return err
		}
		if inv != nil && inv.Status == InvitationPending {
			t.update(tagStale, db.table.Update(AttrPK, inv.PK).Range(AttrSK, inv.SK).
				Set("status", statusRevoked).Remove("GSI1PK", "GSI1SK").If("$ = ?", "status", InvitationPending))
			t.delete(tagNone, db.table.Delete(AttrPK, inviteeEmailPK(ws, inv.Email)).Range(AttrSK, skUnique).If("attribute_not_exists(PK) OR id = ?", inv.ID))
		}
	}
	inTx := len(t.ops)+len(members) <= maxTxItems
	if inTx {
		for _, m := range members {
			t.delete(tagNone, db.table.Delete(AttrPK, userGroupMembersPK(ws, g.ID)).Range(AttrSK, padID(m.User)))
		}
	}
	if err := t.run(ctx); err != nil {
		return err
	}
	if inTx {
		return nil
	}
	keys := make([]dynamo.Keyed, len(members))
	for i, m := range members {
		keys[i] = dynamo.Keys{userGroupMembersPK(ws, g.ID), padID(m.User)}
	}
	if _, err := db.table.Batch(AttrPK, AttrSK).Write().Delete(keys...).Run(ctx); err != nil {
		return fmt.Errorf("store: delete user group members: %w", err)
	}
	return nil
}

// CreateShellInvitation writes, in one transaction, a shell group (no
// lead; its initial members), a seed 004 invitation of the e-mail that
// names the group and the invitee's user record, and the invitation's
// uniqueness item. The invitee takes the group over when they sign in
// (AcceptInvitations → shellTakeover). Returns ErrDuplicateInvitation.
func (db GroupStore) CreateShellInvitation(ctx context.Context, ws, email string, authGroup int, role, invitedBy string,
	g *UserGroup, members []UserGroupMember, invitee int64) (*Invitation, error) {
	if pending, err := db.InvitationPending(ctx, ws, email); err != nil {
		return nil, err
	} else if pending {
		return nil, ErrDuplicateInvitation // before the id counter moves
	}
	id, err := db.nextID(ctx, ws, KindUserGroup)
	if err != nil {
		return nil, err
	}
	email = strings.TrimSpace(email)
	inv := &Invitation{
		PK: wsPK(ws), SK: skInvitePrefix + NewUUID(),
		Workspace: ws, Email: email, AuthGroup: authGroup, Role: role, InvitedBy: invitedBy,
		Status: InvitationPending, CreatedAt: idNow(), ShellGroup: id, ShellUser: invitee,
	}
	inv.ID = strings.TrimPrefix(inv.SK, skInvitePrefix)
	inv.GSI1PK, inv.GSI1SK = inviteePK(email), ws+"#"+inv.ID
	g.ID, g.Version, g.MemberCount = id, 1, int64(len(members))
	g.LeadUser, g.LeadUUID, g.ShellInvitation, g.ShellUser = nil, "", inv.ID, invitee
	t := db.newTxn()
	t.put(tagExists, db.table.Put(&userGroupItem{Keys: Keys{PK: userGroupPK(ws), SK: padID(id)}, UserGroup: *g}).If("attribute_not_exists(PK)"))
	t.put(tagEmail, db.table.Put(inv).If("attribute_not_exists(PK)"))
	t.put(tagEmail, db.table.Put(map[string]any{AttrPK: inviteeEmailPK(ws, email), AttrSK: skUnique, "id": inv.ID}).If("attribute_not_exists(PK)"))
	UserStore(db).checkUser(t, ws, invitee)
	for _, m := range members {
		m.Group = id
		UserStore(db).checkUser(t, ws, m.User)
		t.put(tagExists, db.table.Put(newMemberItem(ws, m)).If("attribute_not_exists(PK)"))
	}
	err = t.run(ctx)
	if errors.Is(err, ErrEmailTaken) {
		return nil, ErrDuplicateInvitation
	}
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// InvitationPending reports whether the e-mail has a pending invitation
// to the workspace (its uniqueness item exists).
func (db GroupStore) InvitationPending(ctx context.Context, ws, email string) (bool, error) {
	var it map[string]any
	err := db.table.Get(AttrPK, inviteeEmailPK(ws, email)).Range(AttrSK, dynamo.Equal, skUnique).Consistent(true).One(ctx, &it)
	if errors.Is(err, dynamo.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// DeleteShellInvitation takes back a shell invitation and its group (the
// e-mail could not be sent).
func (db GroupStore) DeleteShellInvitation(ctx context.Context, inv *Invitation) error {
	g, err := db.UserGroup(ctx, inv.Workspace, inv.ShellGroup)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return err
	}
	if g != nil {
		if err := db.DeleteUserGroup(ctx, inv.Workspace, g); err != nil {
			return err
		}
	}
	return IdentityStore(db).DeleteInvitation(ctx, inv)
}

// ShellLeadRole is the group role the invitee of a shell gets on taking it
// over (pkg/groups' registry names it too).
const ShellLeadRole = "admin"

// shellTakeover adds to an invitation's acceptance the takeover of its
// shell group: the invitee's user record becomes the lead and a member.
// The group update is conditioned on the group still awaiting this
// invitation; a deleted group revoked the invitation in the same
// transaction, so an acceptance never meets a half-deleted shell.
func (db GroupStore) shellTakeover(t *txn, inv *Invitation) *txn {
	if inv.ShellGroup == 0 {
		return t
	}
	ws, lead := inv.Workspace, inv.ShellUser
	uuid := model.UserUUID(ws, lead)
	now := idNow()
	t.update(tagStale, db.table.Update(AttrPK, userGroupPK(ws)).Range(AttrSK, padID(inv.ShellGroup)).
		Set("lead_user", lead).Set("lead_uuid", uuid).Set("updated_at", now).
		Add("member_count", 1).Add(attrVersion, 1).Remove("shell_invitation").
		If("shell_invitation = ?", inv.ID))
	db.putLead(t, ws, uuid, inv.ShellGroup)
	t.put(tagExists, db.table.Put(newMemberItem(ws, UserGroupMember{Group: inv.ShellGroup, User: lead, Role: ShellLeadRole, JoinedAt: now})).If("attribute_not_exists(PK)"))
	return t
}
