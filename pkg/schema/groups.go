package schema

import (
	"reflect"

	"github.com/tranche-dev/tranche/pkg/groups"
	"github.com/tranche-dev/tranche/pkg/model"
)

// Seed 001's user groups, roles and group invitations (issue 12): their
// typed bodies, their FilterSets, and which of their GETs are page-number
// lists. Kept in one block so parallel work on the other seed 001 routes
// does not collide.
func init() {
	group := reflect.TypeFor[model.UserGroupView]()
	member := reflect.TypeFor[model.UserGroupMemberView]()
	for k, t := range map[string]reflect.Type{
		"GET /api/user-groups/":                      group,
		"POST /api/user-groups/":                     group,
		"GET /api/user-groups/search/":               group,
		"GET /api/user-groups/by-lead-user/":         group,
		"GET /api/user-groups/{id}/":                 group,
		"PATCH /api/user-groups/{id}/":               group,
		"GET /api/user-groups/{id}/users/":           member,
		"POST /api/user-groups/{id}/users/":          member,
		"PATCH /api/user-groups/{id}/role/":          member,
		"PATCH /api/user-groups/{id}/feature-flags/": group,
		"GET /api/roles/":                            reflect.TypeFor[[]model.GroupRoleView](),
		"POST /api/invitations/shell/":               reflect.TypeFor[model.ShellInvitationView](),
		"POST /api/invitations/signatory/":           member,
		// issue 14: the deletes answer 204 and read no body
		"DELETE /api/user-groups/{id}/":                 noBody,
		"DELETE /api/user-groups/{id}/users/{user_id}/": noBody,
	} {
		responseTypes[k] = t
	}
	for k, t := range map[string]reflect.Type{
		"POST /api/user-groups/":                        reflect.TypeFor[model.UserGroupCreateRequest](),
		"PATCH /api/user-groups/{id}/":                  reflect.TypeFor[model.UserGroupUpdateRequest](),
		"POST /api/user-groups/{id}/users/":             reflect.TypeFor[model.UserGroupRoleRequest](),
		"PATCH /api/user-groups/{id}/role/":             reflect.TypeFor[model.UserGroupRoleRequest](),
		"PATCH /api/user-groups/{id}/feature-flags/":    reflect.TypeFor[model.UserGroupFlagRequest](),
		"POST /api/invitations/shell/":                  reflect.TypeFor[model.ShellInvitationRequest](),
		"POST /api/invitations/signatory/":              reflect.TypeFor[model.SignatoryRequest](),
		"DELETE /api/user-groups/{id}/":                 noBody,
		"DELETE /api/user-groups/{id}/users/{user_id}/": noBody,
	} {
		requestTypes[k] = t
	}
	filterSets["GET /api/user-groups/"] = groups.ListFilters
	filterSets["GET /api/user-groups/search/"] = groups.SearchFilters
	filterSets["GET /api/user-groups/{id}/users/"] = groups.MemberFilters
	RegisterParams("GET /api/user-groups/by-lead-user/", Param{Name: "uuid", Required: true, Format: "uuid",
		Description: "The lead user's UUID (model.UserUUID: stable per workspace user)."})
	for _, k := range []string{"GET /api/user-groups/", "GET /api/user-groups/search/", "GET /api/user-groups/{id}/users/"} {
		pagedLists[k] = true
	}
}
