package webhooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// event is a Clerk webhook event.
type event struct {
	Type   string          `json:"type"`
	Object string          `json:"object"`
	Data   json.RawMessage `json:"data"`
}

// parsers read and validate an event's data into the identity change it
// asks for. Everything a client controls is checked here, before the
// delivery is claimed: bad input is a 400 that leaves no receipt and
// writes nothing, and only a failure of the store while applying is a 500
// (with the receipt released by identity.Service.Deliver, so that Svix
// retries what can succeed later).
var parsers = map[string]func(h *handler, data json.RawMessage) (identity.Change, error){
	"user.created":                   (*handler).syncUser,
	"user.updated":                   (*handler).syncUser,
	"user.deleted":                   (*handler).deleteUser,
	"organization.created":           (*handler).syncOrg,
	"organization.updated":           (*handler).syncOrg,
	"organization.deleted":           (*handler).deleteOrg,
	"organizationMembership.created": (*handler).syncMembership,
	"organizationMembership.updated": (*handler).syncMembership,
	"organizationMembership.deleted": (*handler).deleteMembership,
}

// handleClerk verifies a delivery, validates it, then has the identity
// service apply it once. Every refusal is a 400 and changes nothing; a
// failure while applying releases the receipt and answers 500 so that
// Svix retries.
func (h *handler) handleClerk(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpapi.MaxBody))
	if err != nil {
		return err
	}
	// API Gateway's payload 2.0 joins repeated headers with commas and the
	// proxy adapter splits them again, which cuts "v1,<sig>" in two: join
	// the values back before verifying.
	header := func(k string) string { return strings.Join(r.Header.Values(k), ",") }
	id, ts, sig := header("svix-id"), header("svix-timestamp"), header("svix-signature")
	if id == "" || ts == "" || sig == "" {
		return apierr.BadRequest("Missing svix-id, svix-timestamp or svix-signature header.")
	}
	// The id keys the receipt (WEBHOOK#<svix-id>): one too long for a
	// partition key failed the claim with a 500, so Svix retried it forever.
	if !validSvixID(id) {
		return apierr.BadRequest("Invalid svix-id header.")
	}
	hdr := http.Header{}
	hdr.Set("svix-id", id)
	hdr.Set("svix-timestamp", ts)
	hdr.Set("svix-signature", sig)
	// The signature is Svix's library's to check; the tolerance is checked
	// here against the handler's clock (the same 5 minutes Verify uses).
	if err := h.wh.VerifyIgnoringTimestamp(body, hdr); err != nil {
		return &apierr.Error{Kind: apierr.Invalid, Detail: "Invalid webhook signature.", Err: err}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return apierr.BadRequest("Invalid svix-timestamp header.")
	}
	if d := h.now().Sub(time.Unix(sec, 0)); d > Tolerance || d < -Tolerance {
		return apierr.BadRequest("Webhook timestamp is outside the 5-minute tolerance.")
	}
	// Signed is not clean: bytes that are not UTF-8 would be stored as
	// U+FFFD and NUL characters as sent (issue 11, robustness suite).
	if err := httpapi.CheckUTF8(body); err != nil {
		return err
	}
	if err := httpapi.CheckNUL(body); err != nil {
		return err
	}
	var ev event
	if err := json.Unmarshal(body, &ev); err != nil || ev.Type == "" || len(ev.Data) == 0 {
		return apierr.BadRequest("Invalid event body.")
	}
	parse, ok := parsers[ev.Type]
	if !ok {
		return apierr.BadRequest(fmt.Sprintf("Unhandled event type: %s.", ev.Type))
	}
	change, err := parse(h, ev.Data)
	if err != nil {
		return err
	}
	receipt, err := h.ids.Deliver(r.Context(), id, change)
	if err != nil {
		var ae *apierr.Error
		if errors.As(err, &ae) {
			return err
		}
		return fmt.Errorf("webhooks: apply %s %s: %w", ev.Type, id, err)
	}
	if receipt == identity.AlreadyProcessed {
		return httpapi.JSON(w, http.StatusOK, Ack{Success: true, Detail: "Already processed."})
	}
	return httpapi.JSON(w, http.StatusOK, Ack{Success: true})
}

type clerkUser struct {
	ID                    string          `json:"id"`
	Username              *string         `json:"username"`
	FirstName             *string         `json:"first_name"`
	LastName              *string         `json:"last_name"`
	ImageURL              string          `json:"image_url"`
	PrimaryEmailAddressID string          `json:"primary_email_address_id"`
	EmailAddresses        []clerkContact  `json:"email_addresses"`
	PrimaryPhoneNumberID  string          `json:"primary_phone_number_id"`
	PhoneNumbers          []clerkContact  `json:"phone_numbers"`
	TwoFactorEnabled      bool            `json:"two_factor_enabled"`
	PublicMetadata        json.RawMessage `json:"public_metadata"`
	PrivateMetadata       json.RawMessage `json:"private_metadata"`
	UnsafeMetadata        json.RawMessage `json:"unsafe_metadata"`
	LastSignInAt          *int64          `json:"last_sign_in_at"`
	CreatedAt             *int64          `json:"created_at"`
	UpdatedAt             int64           `json:"updated_at"`
}

type clerkContact struct {
	ID           string `json:"id"`
	EmailAddress string `json:"email_address"`
	PhoneNumber  string `json:"phone_number"`
	Verification *struct {
		Status string `json:"status"`
	} `json:"verification"`
}

func (c clerkContact) verified() bool {
	return c.Verification != nil && c.Verification.Status == "verified"
}

func raw(b json.RawMessage) model.RawJSON {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return nil
	}
	return buf.Bytes()
}

func millis(ms *int64) *model.Time {
	if ms == nil || *ms == 0 {
		return nil
	}
	t := model.NewTime(time.UnixMilli(*ms))
	return &t
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// flags reads the user's Django-style flags from Clerk metadata (public
// first, then private).
func flags(meta ...json.RawMessage) map[string]bool {
	out := map[string]bool{}
	for i := len(meta) - 1; i >= 0; i-- {
		var m map[string]any
		if json.Unmarshal(meta[i], &m) != nil {
			continue
		}
		for _, k := range []string{"is_staff", "is_superuser", "is_developer", "is_beta_tester"} {
			if b, ok := m[k].(bool); ok {
				out[k] = b
			}
		}
	}
	return out
}

func (h *handler) syncUser(data json.RawMessage) (identity.Change, error) {
	var u clerkUser
	if err := json.Unmarshal(data, &u); err != nil || u.ID == "" {
		return nil, apierr.BadRequest("Invalid user data.")
	}
	v := validation{}
	v.clerkID("id", u.ID)
	v.maxLen("username", str(u.Username), maxNameLen)
	v.maxLen("first_name", str(u.FirstName), maxNameLen)
	v.maxLen("last_name", str(u.LastName), maxNameLen)
	v.maxLen("image_url", u.ImageURL, maxURLLen)
	v.millis("last_sign_in_at", u.LastSignInAt)
	v.millis("created_at", u.CreatedAt)
	for _, e := range u.EmailAddresses {
		v.maxLen("email_addresses", e.EmailAddress, maxEmailLen)
	}
	v.metadata("public_metadata", u.PublicMetadata)
	v.metadata("private_metadata", u.PrivateMetadata)
	v.metadata("unsafe_metadata", u.UnsafeMetadata)
	if err := v.err(); err != nil {
		return nil, err
	}
	cu := store.ClerkUser{
		ClerkID: u.ID, Username: u.Username, FirstName: str(u.FirstName), LastName: str(u.LastName), ImageURL: u.ImageURL,
		Public: raw(u.PublicMetadata), Private: raw(u.PrivateMetadata), Unsafe: raw(u.UnsafeMetadata),
		TwoFactorEnabled: u.TwoFactorEnabled, LastSignInAt: millis(u.LastSignInAt), CreatedAt: millis(u.CreatedAt),
		UpdatedAtMillis: u.UpdatedAt,
	}
	for _, e := range u.EmailAddresses {
		if e.ID == u.PrimaryEmailAddressID || (u.PrimaryEmailAddressID == "" && cu.Email == "") {
			cu.Email, cu.EmailVerified = e.EmailAddress, e.verified()
		}
	}
	for _, p := range u.PhoneNumbers {
		if p.ID == u.PrimaryPhoneNumberID {
			cu.PhoneNumberVerified = p.verified()
		}
	}
	f := flags(u.PublicMetadata, u.PrivateMetadata)
	cu.IsStaff, cu.IsSuperuser, cu.IsDeveloper, cu.IsBetaTester = f["is_staff"], f["is_superuser"], f["is_developer"], f["is_beta_tester"]
	return identity.UserSync{User: cu}, nil
}

type deleted struct {
	ID string `json:"id"`
}

func (h *handler) deleteUser(data json.RawMessage) (identity.Change, error) {
	var d deleted
	if err := json.Unmarshal(data, &d); err != nil || d.ID == "" {
		return nil, apierr.BadRequest("Invalid user data.")
	}
	v := validation{}
	v.clerkID("id", d.ID)
	if err := v.err(); err != nil {
		return nil, err
	}
	return identity.UserDeletion{ClerkID: d.ID}, nil
}

type clerkOrg struct {
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Slug            *string         `json:"slug"`
	ImageURL        string          `json:"image_url"`
	PublicMetadata  json.RawMessage `json:"public_metadata"`
	PrivateMetadata json.RawMessage `json:"private_metadata"`
	CreatedBy       string          `json:"created_by"`
	UpdatedAt       int64           `json:"updated_at"`
}

func (o clerkOrg) fields() store.WorkspaceFields {
	f := store.WorkspaceFields{
		Name: o.Name, Slug: str(o.Slug), ImageURL: o.ImageURL, ClerkOrgID: o.ID,
		Public: raw(o.PublicMetadata), Private: raw(o.PrivateMetadata), ClerkUpdatedAtMillis: o.UpdatedAt, Type: "active",
	}
	var m map[string]any
	if json.Unmarshal(o.PublicMetadata, &m) == nil {
		if c, ok := m["country"].(string); ok {
			f.Country = c
		}
	}
	return f
}

// validate checks what an organisation puts in the table; prefix names
// where the organisation sits in data ("" or "organization.").
func (o clerkOrg) validate(v validation, prefix string) {
	v.clerkID(prefix+"id", o.ID)
	v.maxLen(prefix+"name", o.Name, maxOrgNameLen)
	v.maxLen(prefix+"slug", str(o.Slug), maxOrgNameLen)
	v.maxLen(prefix+"image_url", o.ImageURL, maxURLLen)
	v.metadata(prefix+"public_metadata", o.PublicMetadata)
	v.metadata(prefix+"private_metadata", o.PrivateMetadata)
	if o.CreatedBy != "" {
		v.clerkID(prefix+"created_by", o.CreatedBy)
	}
}

func (h *handler) syncOrg(data json.RawMessage) (identity.Change, error) {
	var o clerkOrg
	if err := json.Unmarshal(data, &o); err != nil || o.ID == "" {
		return nil, apierr.BadRequest("Invalid organization data.")
	}
	v := validation{}
	o.validate(v, "")
	if err := v.err(); err != nil {
		return nil, err
	}
	return identity.OrganisationSync{Organisation: o.fields(), CreatedBy: o.CreatedBy}, nil
}

func (h *handler) deleteOrg(data json.RawMessage) (identity.Change, error) {
	var d deleted
	if err := json.Unmarshal(data, &d); err != nil || d.ID == "" {
		return nil, apierr.BadRequest("Invalid organization data.")
	}
	v := validation{}
	v.clerkID("id", d.ID)
	if err := v.err(); err != nil {
		return nil, err
	}
	return identity.OrganisationDeletion{OrgID: d.ID}, nil
}

type clerkMembership struct {
	ID             string   `json:"id"`
	Role           string   `json:"role"`
	Organization   clerkOrg `json:"organization"`
	PublicUserData struct {
		UserID string `json:"user_id"`
	} `json:"public_user_data"`
}

// parseMembership reads and validates a membership event's data.
func parseMembership(data json.RawMessage) (clerkMembership, error) {
	var m clerkMembership
	if err := json.Unmarshal(data, &m); err != nil || m.Organization.ID == "" || m.PublicUserData.UserID == "" {
		return m, apierr.BadRequest("Invalid organization membership data.")
	}
	v := validation{}
	if m.ID != "" {
		v.clerkID("id", m.ID)
	}
	v.maxLen("role", m.Role, maxRoleLen)
	m.Organization.validate(v, "organization.")
	v.clerkID("public_user_data.user_id", m.PublicUserData.UserID)
	return m, v.err()
}

func (h *handler) syncMembership(data json.RawMessage) (identity.Change, error) {
	m, err := parseMembership(data)
	if err != nil {
		return nil, err
	}
	return identity.MembershipSync{
		Organisation: m.Organization.fields(), UserID: m.PublicUserData.UserID,
		Role: auth.RoleFromClerk(strings.TrimSpace(m.Role)), ClerkMembershipID: m.ID,
	}, nil
}

func (h *handler) deleteMembership(data json.RawMessage) (identity.Change, error) {
	m, err := parseMembership(data)
	if err != nil {
		return nil, err
	}
	return identity.MembershipDeletion{OrgID: m.Organization.ID, UserID: m.PublicUserData.UserID}, nil
}
