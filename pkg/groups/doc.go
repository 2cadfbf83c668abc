// Package groups serves seed 001's user groups and roles (issue 12):
// groups of a workspace's user records, each with a lead user, members
// holding a role from the role registry (roles.go), and feature flags from
// the flag registry (flags.go); plus the two group-centred invitations,
// a shell invitation (a pre-created group the invitee takes over as lead
// when they sign in) and marking a member as signatory.
//
// A group is not a workspace: a workspace holds many groups, and members
// are the workspace's user records (seed 000's users, GET /api/users/{id}/),
// named by integer id and stable UUID (model.UserUUID).
//
// Permissions come from the caller's stored workspace membership: reading
// groups needs view_user, managing them change_user (a group shows and
// changes its members' user records, so it is gated as users are);
// GET /api/roles/ needs only a workspace. Another workspace's groups are
// 404.
//
// Deleting a group deletes its member items (the user records stay) and
// revokes its pending shell invitation, in one transaction when the
// members fit in one (store.DeleteUserGroup).
//
// The rules live in Service (service.go), tested without HTTP; handlers
// decode, call it and encode.
package groups
