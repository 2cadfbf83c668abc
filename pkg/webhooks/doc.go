// Package webhooks serves seed 003's Clerk webhook
// (POST /api/v1/account/clerk_webhook/): deliveries verified with Svix's
// library (svix-id, svix-timestamp, svix-signature; 5-minute tolerance),
// and Clerk's user.*, organization.* and organizationMembership.* events
// parsed and validated into identity changes. Applying them, at most once
// per svix-id (replays acknowledged, the receipt released when applying
// fails), and their ordering rules are pkg/identity's.
package webhooks
