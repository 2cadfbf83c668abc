// Package profiles serves seed 002, the "Syndicately" profiles API
// (function "profiles"): an investor's, manager's or founder's tax
// identity, under the document's paths without trailing slashes
// (/api/profiles, /api/profile/{id}, …, also under its /api/v1/api/
// prefix), reference data (countries, US states, Rule 501(a) investor
// qualifications), the profile's W-9 and its ACH bank account.
//
// # How a profile relates to seed 000
//
// A profile belongs to a workspace user (model.User, the users of seed
// 000's /api/users/, the same item and e-mail uniqueness): POST with
// user_id null creates that user in the profile's transaction. Seed 000's
// investor and its entities are what an investor profile becomes when the
// user invests in an offering: the investor (user + offering-facing
// status, KYC, AML) holds the entity the investment is made through, and
// that entity's type, tax id kind, address and accreditation are the
// profile's. This package does not create investors: a profile is the
// user's standing tax identity, reusable across offerings and roles (a
// manager or founder profile never becomes an investor at all), while an
// investor is per-offering-platform state. Nothing links them in storage
// yet; an investment flow that starts from a profile would copy the
// profile into the investor's entity.
//
// # Where the document is ambiguous
//
//   - It names two fields "type" (the profile type, and a trust's
//     revokable/irrevokable) and reuses address1, city, country_id and
//     state_id for the representative's and the business's addresses. Here
//     the trust's is trust_type and the business address is
//     business_address1, business_address2, business_city,
//     business_country_id, business_state_id, business_zip.
//   - tax_id is the individual's SSN (or ITIN) for individual and joint
//     profiles, and the EIN for entity and trust profiles (the
//     representative's SSN is not collected: the W-9 carries one TIN).
//   - 422 bodies are DRF-shaped field errors, {"field": ["message"]}, every
//     violation at once (the document shows no body). Malformed JSON is
//     400 like every other route.
//   - POST answers 200, as the document says (not 201). PUT takes the
//     whole profile again; tax_id may be left out to keep the one on file.
//   - is_active: true once every required field is complete. Validation
//     refuses incomplete bodies, so stored profiles are complete under
//     today's matrix; it is computed, so a stricter matrix shows older
//     profiles inactive.
//
// # Who may call
//
// An API key carrying the scope accounts.read (GET) or accounts.write
// (writes; it includes accounts.read) sees every profile of its workspace;
// a key minted without scopes, as every key before issue 13, gets 403 on
// the profile routes (it keeps what it had everywhere else). A Clerk
// session, any role, acts for itself: its workspace user is the one with
// its e-mail; it sees and writes that user's profiles only (others are
// 404), and creates its user with user_id null once. Reference routes need
// any authenticated caller. Every profiles route is rate limited per
// caller (package ratelimit; app.Config.ProfilesRate).
//
// # Sensitive data
//
// Tax ids and bank account numbers are validated (SSN/ITIN/EIN rules, ABA
// checksum), sealed (package seal: a data key per value, AES-256-GCM, the
// data key wrapped by KMS or the local key file, bound to workspace,
// profile and field), never logged (Secret masks itself), and returned
// only masked (*****6789).
//
// # W-9
//
// Every create and update writes the profile's document job in the same
// transaction (the W-9 contract, store doc); the documents function
// renders and signs it. tax_status_documentation shows the W-9 state:
// no share_uuid until it is generated; document-share-link answers 409
// with Retry-After while the job is pending.
package profiles
