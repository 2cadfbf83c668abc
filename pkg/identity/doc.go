// Package identity decides who a verified Clerk subject is, and keeps
// Clerk's copy of users, organisations and memberships in sync.
//
// It is separate from pkg/auth on purpose. auth verifies credentials: a
// session token's signature, expiry, issuer and authorized party, or an
// API key's hash. What follows once a token is known to be genuine is a
// question about the identity, not about the token: is the user active,
// is this session a sign-in (pending invitations accepted, the user's
// record linked in each workspace, last_login), and which workspace is
// active (the token's organisation, the one switched to, or the first).
// The same identity is written by Clerk's webhooks, whose deliveries are
// applied at most once (the Svix receipt policy) and whose events may
// arrive in any order (a membership before its organisation). Both sides
// change the same items with the same ordering rules, so one Service owns
// them, and tests exercise them on DynamoDB Local without HTTP.
//
// Input handling stays with the callers: pkg/auth turns the verified
// claims into a Session and the result into a Principal; pkg/webhooks
// verifies, parses and validates a delivery into a Change. The account,
// workspaces and trades handlers ask the Service for the caller's own
// identity (Caller) instead of the store.
package identity
