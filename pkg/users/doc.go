// Package users serves the users function: seed 000's /api/users/ and
// seed 001's user accounts (issue 12), and binds seed 001's invitation
// routes on the invitations function.
//
// Seed 000: GET/POST /api/users/, GET/PATCH /api/users/{id}/ answer as
// before for API keys and sessions alike: the issuer's users (a
// third-party-issuer row), {id, email}. They are not extended: their
// bodies stay byte-identical for every existing parameter and caller.
//
// Seed 001 (Clerk sessions only, in the active workspace):
//
//   - GET /api/user-types/{type}/users/: the seed's "Get users" ({type}
//     all) and "Get users by type" ({type} internal, issuer, investor or
//     user; any other {type} names no collection: 404). Page numbers,
//     filter.UserFilters001 (type, e-mail, names, date joined), ordering,
//     search. The path is not /api/users/types/{type}/: Go's ServeMux (and
//     so every function) cannot hold /api/users/LITERAL/{var}/ beside
//     /api/users/{id}/LITERAL/, as neither is more specific.
//   - GET /api/users/export/, GET /api/user-types/{type}/export/: CSV
//     (Exporter): inline up to 4 MiB, else streamed to the blob store and
//     a 303 to a presigned URL valid for five minutes.
//   - GET /api/users/{id}/all/: the user's data graph (Service.Graph).
//   - PATCH /api/users/{id}/profile/ (change_user), PATCH /api/users/me/
//     (the caller): first_name, last_name. Seed 000's PATCH
//     /api/users/{id}/ keeps e-mail and password.
//
// A user is the workspace's user record (model.User) with its stable UUID
// (model.UserUUID) and a derived type (Facts.TypeOf): internal when its
// lower-cased e-mail is that of a member's Clerk identity, issuer when it
// is a third-party issuer user, investor when it owns an investor, else
// user. A member gets a user record, matched or created by e-mail, when
// they sign in (store.LinkMemberUsers, called by pkg/auth's sign-in after
// seed 004's invitations are accepted), or at their first PATCH /me/.
//
// Invitations (BindInvitations, on the invitations function): a seed 001
// invitation is a seed 004 invitation item with more attributes
// (store.UserInvitation). POST /api/invitations/ invites an investor,
// issuer or user and creates their user record in the same transaction
// (accepted when the invitee signs in: store.AcceptUserInvitations; the
// invited type is kept on the invitation, and the derived type follows
// what the user is: an invited investor is of type user until they own an
// investor);
// POST /api/invitations/internal/ invites a team member with an auth group
// and becomes a membership at sign-in, as seed 004's do. Resend: at most
// once a minute and MaxSends e-mails in all (429 past either), 400 once
// accepted or revoked. Impersonation: POST /api/invitations/login-token/
// (OWNER/ADMIN) mints a single-use token for a user and a group, valid
// LoginTokenTTL; POST /api/invitations/login-token/exchange/ spends it
// once (a conditional write) and answers the impersonated user. Both are
// audit records of the user that the data graph shows; the token is stored
// only as its SHA-256 and never logged.
package users
