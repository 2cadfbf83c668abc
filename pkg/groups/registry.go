package groups

import (
	"slices"

	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Group permissions a role grants within its group.
const (
	GroupView      = "view_group"     // read the group and its members
	GroupChange    = "change_group"   // edit the group's details and flags
	GroupMembers   = "manage_members" // add and remove members, set roles
	GroupInvest    = "invest"         // invest on the group's behalf
	GroupSignature = "sign_documents" // sign subscription documents for the group
)

// Role is a role a member may hold in a group.
type Role struct {
	Name, Label, Description string
	Permissions              []string
}

// Roles is the registry of group roles, in the order GET /api/roles/
// lists them. A group's lead holds RoleAdmin when they create or take
// over the group; their lead status is the group's, not a role.
var Roles = []Role{
	{Name: store.ShellLeadRole, Label: "Administrator", Description: "Manages the group: its details, feature flags, members and their roles.",
		Permissions: []string{GroupView, GroupChange, GroupMembers, GroupInvest, GroupSignature}},
	{Name: "member", Label: "Member", Description: "Takes part in the group: invests through it and reads its members.",
		Permissions: []string{GroupView, GroupInvest}},
	{Name: "viewer", Label: "Viewer", Description: "Reads the group and its members; changes nothing.",
		Permissions: []string{GroupView}},
}

// RoleAdmin is the role of a group's lead on creation or takeover.
const RoleAdmin = store.ShellLeadRole

// DefaultRole is the role of a member added without one.
const DefaultRole = "member"

// RoleByName returns a registered role.
func RoleByName(name string) (Role, bool) {
	i := slices.IndexFunc(Roles, func(r Role) bool { return r.Name == name })
	if i < 0 {
		return Role{}, false
	}
	return Roles[i], true
}

func roleChoices() []model.Choice {
	out := make([]model.Choice, len(Roles))
	for i, r := range Roles {
		out[i] = model.Choice{Value: r.Name, Label: r.Label}
	}
	return out
}

// Flag is a feature a group may have enabled.
type Flag struct{ Name, Description string }

// Flags is the registry of group feature flags: the only names PATCH
// /api/user-groups/{id}/feature-flags/ accepts (anything else is a 400).
// Every group renders every flag, false unless enabled.
var Flags = []Flag{
	{"early_access", "Members see offerings before they open to the public."},
	{"secondary_trading", "Members may list holdings for secondary transfer."},
	{"bulk_investments", "The lead may submit investments for several members at once."},
	{"document_vault", "Members share a vault of the group's documents."},
	{"ira_investing", "Members may invest through self-directed IRAs."},
}

// IsFlag reports whether name is a registered flag.
func IsFlag(name string) bool {
	return slices.ContainsFunc(Flags, func(f Flag) bool { return f.Name == name })
}
