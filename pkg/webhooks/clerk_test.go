package webhooks_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/guregu/dynamo/v2"
	svix "github.com/svix/svix-webhooks/go"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
	"github.com/tranche-dev/tranche/pkg/webhooks"
)

// testSecret is generated per run: no secret lives in the repository.
func testSecret(t *testing.T) string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b[:])
}

type fixture struct {
	t      *testing.T
	db     *store.DB
	h      http.Handler
	signer *svix.Webhook
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	secret := testSecret(t)
	db := storetest.New(t)
	h, err := webhooks.NewHandler(app.Deps{Config: app.Config{SvixSecret: secret}, DB: db, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := svix.NewWebhook(secret)
	return &fixture{t: t, db: db, h: h, signer: signer}
}

// post delivers body signed at ts with id; mutate may spoil the headers.
func (f *fixture) post(id string, ts time.Time, body string, mutate func(http.Header)) *httptest.ResponseRecorder {
	f.t.Helper()
	sig, _ := f.signer.Sign(id, ts, []byte(body))
	req := httptest.NewRequest("POST", "/api/v1/account/clerk_webhook/", strings.NewReader(body))
	req.Header.Set("svix-id", id)
	req.Header.Set("svix-timestamp", fmt.Sprint(ts.Unix()))
	req.Header.Set("svix-signature", sig)
	if mutate != nil {
		mutate(req.Header)
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

var seq int

func (f *fixture) deliver(body string) {
	f.t.Helper()
	seq++
	if rec := f.post(fmt.Sprintf("msg_%d_%d", time.Now().UnixNano(), seq), time.Now(), body, nil); rec.Code != 200 {
		f.t.Fatalf("deliver: %d %s", rec.Code, rec.Body)
	}
}

func userEvent(typ, id, email, first string, updated int64, public string) string {
	return fmt.Sprintf(`{"type":%q,"object":"event","data":{"id":%q,"object":"user","first_name":%q,"last_name":"Lovelace",
	"primary_email_address_id":"idn_1","email_addresses":[{"id":"idn_1","email_address":%q,"verification":{"status":"verified"}}],
	"image_url":"https://img.clerk.com/x","two_factor_enabled":true,"public_metadata":%s,"private_metadata":{},"unsafe_metadata":{"theme":"dark"},
	"created_at":1700000000000,"updated_at":%d,"last_sign_in_at":1700000100000}}`, typ, id, first, email, public, updated)
}

func TestSignatureAndTolerance(t *testing.T) {
	f := newFixture(t)
	body := userEvent("user.created", "user_sig", "sig@example.com", "Ada", 1, "{}")
	cases := []struct {
		name   string
		ts     time.Time
		mutate func(http.Header)
		want   int
	}{
		{"missing id", time.Now(), func(h http.Header) { h.Del("svix-id") }, 400},
		{"missing timestamp", time.Now(), func(h http.Header) { h.Del("svix-timestamp") }, 400},
		{"missing signature", time.Now(), func(h http.Header) { h.Del("svix-signature") }, 400},
		{"bad signature", time.Now(), func(h http.Header) {
			h.Set("svix-signature", "v1,"+base64.StdEncoding.EncodeToString(make([]byte, 32)))
		}, 400},
		{"stale", time.Now().Add(-6 * time.Minute), nil, 400},
		{"future", time.Now().Add(6 * time.Minute), nil, 400},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := f.post(fmt.Sprintf("msg_bad_%d", i), c.ts, body, c.mutate)
			if rec.Code != c.want {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var detail map[string]string
			if json.Unmarshal(rec.Body.Bytes(), &detail); detail["detail"] == "" {
				t.Errorf("no detail: %s", rec.Body)
			}
			if _, err := f.db.Identity(context.Background(), "user_sig"); !errors.Is(err, dynamo.ErrNotFound) {
				t.Errorf("refused delivery changed data: %v", err)
			}
		})
	}
	t.Run("tampered body", func(t *testing.T) {
		sig, _ := f.signer.Sign("msg_t", time.Now(), []byte(body))
		req := httptest.NewRequest("POST", "/api/v1/account/clerk_webhook/", strings.NewReader(strings.Replace(body, "Ada", "Eve", 1)))
		req.Header.Set("svix-id", "msg_t")
		req.Header.Set("svix-timestamp", fmt.Sprint(time.Now().Unix()))
		req.Header.Set("svix-signature", sig)
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		if rec.Code != 400 {
			t.Fatalf("status %d", rec.Code)
		}
	})
	t.Run("unknown event type", func(t *testing.T) {
		rec := f.post("msg_unknown", time.Now(), `{"type":"email.created","data":{"id":"x"}}`, nil)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), "email.created") {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
	t.Run("within tolerance", func(t *testing.T) {
		if rec := f.post("msg_ok", time.Now().Add(-4*time.Minute), body, nil); rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
}

func TestMissingSecretFailsAtStartUp(t *testing.T) {
	if _, err := webhooks.NewHandler(app.Deps{}); !errors.Is(err, webhooks.ErrNoSecret) {
		t.Fatalf("err %v", err)
	}
	if _, err := webhooks.NewHandler(app.Deps{Config: app.Config{SvixSecret: "whsec_***not base64***"}}); err == nil {
		t.Fatal("malformed secret accepted")
	}
}

func TestReplayAppliedOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	body := userEvent("user.created", "user_r", "r@example.com", "Ada", 10, "{}")
	now := time.Now()
	if rec := f.post("msg_replay", now, body, nil); rec.Code != 200 {
		t.Fatalf("first: %d %s", rec.Code, rec.Body)
	}
	first, err := f.db.Identity(ctx, "user_r")
	if err != nil {
		t.Fatal(err)
	}
	// A local change between deliveries must survive the replay.
	if _, err := f.db.UpdateIdentity(ctx, "user_r", func(i *store.Identity) error { i.FirstName = "Changed"; return nil }); err != nil {
		t.Fatal(err)
	}
	rec := f.post("msg_replay", now, body, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Already processed") {
		t.Fatalf("replay: %d %s", rec.Code, rec.Body)
	}
	again, _ := f.db.Identity(ctx, "user_r")
	if again.FirstName != "Changed" || again.Version != first.Version+1 {
		t.Errorf("replay applied: %+v", again)
	}
}

func TestEvents(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	f.deliver(userEvent("user.created", "user_1", "ada@example.com", "Ada", 100, `{"is_developer":true}`))
	id, err := f.db.Identity(ctx, "user_1")
	if err != nil {
		t.Fatal(err)
	}
	if id.Email != "ada@example.com" || id.FirstName != "Ada" || !id.IsDeveloper || !id.EmailVerified || !id.TwoFactorEnabled || string(id.Unsafe) != `{"theme":"dark"}` || !id.IsActive || id.ID == 0 || id.UUID == "" {
		t.Fatalf("user.created: %+v", id)
	}
	if byEmail, err := f.db.IdentityByEmail(ctx, "ADA@example.com"); err != nil || byEmail.ClerkID != "user_1" {
		t.Fatalf("email lookup: %v", err)
	}

	f.deliver(userEvent("user.updated", "user_1", "ada@new.example", "Augusta", 200, `{}`))
	id, _ = f.db.Identity(ctx, "user_1")
	if id.Email != "ada@new.example" || id.FirstName != "Augusta" || id.IsDeveloper {
		t.Fatalf("user.updated: %+v", id)
	}
	if _, err := f.db.IdentityByEmail(ctx, "ada@example.com"); !errors.Is(err, dynamo.ErrNotFound) {
		t.Errorf("old e-mail still maps: %v", err)
	}
	// An older update delivered late is ignored.
	f.deliver(userEvent("user.updated", "user_1", "old@example.com", "Old", 150, `{}`))
	if id, _ = f.db.Identity(ctx, "user_1"); id.FirstName != "Augusta" {
		t.Errorf("stale update applied: %+v", id)
	}

	f.deliver(`{"type":"organization.created","data":{"id":"org_1","object":"organization","name":"Acme","slug":"acme","image_url":"","created_by":"user_1","public_metadata":{"country":"NL"},"private_metadata":{},"created_at":1,"updated_at":1}}`)
	ws, err := f.db.WorkspaceByOrg(ctx, "org_1")
	if err != nil {
		t.Fatal(err)
	}
	w, _ := f.db.Workspace(ctx, ws)
	if w.Name != "Acme" || w.Slug != "acme" || w.Country != "NL" || w.MemberCount != 1 {
		t.Fatalf("organization.created: %+v", w)
	}
	if m, err := f.db.Membership(ctx, ws, "user_1"); err != nil || m.Role != store.RoleOwner {
		t.Fatalf("creator membership: %+v %v", m, err)
	}

	f.deliver(`{"type":"organization.updated","data":{"id":"org_1","name":"Acme Inc","slug":"acme-inc","updated_at":2}}`)
	if w, _ = f.db.Workspace(ctx, ws); w.Name != "Acme Inc" || w.MemberCount != 1 {
		t.Fatalf("organization.updated: %+v", w)
	}

	// The creator's own membership event (org:admin) keeps them owner.
	f.deliver(`{"type":"organizationMembership.created","data":{"id":"orgmem_0","role":"org:admin","organization":{"id":"org_1","name":"Acme Inc"},"public_user_data":{"user_id":"user_1"}}}`)
	if m, _ := f.db.Membership(ctx, ws, "user_1"); m.Role != store.RoleOwner {
		t.Errorf("owner downgraded: %+v", m)
	}
	f.deliver(`{"type":"organizationMembership.created","data":{"id":"orgmem_1","role":"org:member","organization":{"id":"org_1","name":"Acme Inc"},"public_user_data":{"user_id":"user_2"}}}`)
	if m, err := f.db.Membership(ctx, ws, "user_2"); err != nil || m.Role != store.RoleMember {
		t.Fatalf("membership.created: %+v %v", m, err)
	}
	f.deliver(`{"type":"organizationMembership.updated","data":{"id":"orgmem_1","role":"org:admin","organization":{"id":"org_1","name":"Acme Inc"},"public_user_data":{"user_id":"user_2"}}}`)
	if m, _ := f.db.Membership(ctx, ws, "user_2"); m.Role != store.RoleAdmin {
		t.Fatalf("membership.updated: %+v", m)
	}
	if w, _ = f.db.Workspace(ctx, ws); w.MemberCount != 2 {
		t.Fatalf("member_count %d", w.MemberCount)
	}
	f.deliver(`{"type":"organizationMembership.deleted","data":{"id":"orgmem_1","role":"org:admin","organization":{"id":"org_1","name":"Acme Inc"},"public_user_data":{"user_id":"user_2"}}}`)
	if _, err := f.db.Membership(ctx, ws, "user_2"); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("membership.deleted: %v", err)
	}
	if w, _ = f.db.Workspace(ctx, ws); w.MemberCount != 1 {
		t.Fatalf("member_count after delete %d", w.MemberCount)
	}
	// A membership for an organisation not seen yet creates its workspace.
	f.deliver(`{"type":"organizationMembership.created","data":{"id":"orgmem_2","role":"org:member","organization":{"id":"org_2","name":"Beta"},"public_user_data":{"user_id":"user_1"}}}`)
	if ws2, err := f.db.WorkspaceByOrg(ctx, "org_2"); err != nil {
		t.Fatal(err)
	} else if ms, _ := f.db.MembershipsOf(ctx, "user_1"); len(ms) != 2 || ms[1].Workspace != ws2 {
		t.Fatalf("memberships of user_1: %+v", ms)
	}

	f.deliver(`{"type":"organization.deleted","data":{"id":"org_1","object":"organization","deleted":true}}`)
	if _, err := f.db.Workspace(ctx, ws); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("organization.deleted: %v", err)
	}

	f.deliver(`{"type":"user.deleted","data":{"id":"user_1","object":"user","deleted":true}}`)
	if id, _ = f.db.Identity(ctx, "user_1"); id.IsActive {
		t.Fatalf("user.deleted: %+v", id)
	}
	// Deleting a user never seen is acknowledged.
	f.deliver(`{"type":"user.deleted","data":{"id":"user_ghost","deleted":true}}`)
}

// Issue 11, finding 6: signed deliveries whose data cannot be stored (a
// 3,000-character data.id, a 2,100-character svix-id, 600 KB of metadata)
// answered 500 and released the receipt, so Svix retried them forever.
// They are validated before the delivery is claimed: a DRF-shaped 400,
// nothing written, no receipt (the same svix-id with valid data is then
// applied).
func TestOversizeDeliveriesAre400(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	longID := "user_" + strings.Repeat("a", 3000)
	bigMeta := `{"blob":"` + strings.Repeat("x", 600<<10) + `"}`
	cases := []struct {
		name, svixID, body, want string
	}{
		{"long data.id", "msg_long_data_id", userEvent("user.created", longID, "long@example.com", "Ada", 1, "{}"),
			`{"data":{"id":["Ensure this field has no more than 128 characters."]}}`},
		{"id with a key separator", "msg_hash_id", userEvent("user.created", "user_1#x", "hash@example.com", "Ada", 1, "{}"),
			`{"data":{"id":["Enter a valid Clerk id."]}}`},
		{"600 KB of metadata", "msg_big_meta", userEvent("user.created", "user_big", "big@example.com", "Ada", 1, bigMeta),
			`{"data":{"public_metadata":["Ensure this value has at most 65536 bytes."]}}`},
		{"long e-mail", "msg_long_email", userEvent("user.created", "user_mail", strings.Repeat("m", 2100)+"@example.com", "Ada", 1, "{}"),
			`{"data":{"email_addresses":["Ensure this field has no more than 254 characters."]}}`},
		{"long first name", "msg_long_name", userEvent("user.created", "user_name", "name@example.com", strings.Repeat("n", 151), 1, "{}"),
			`{"data":{"first_name":["Ensure this field has no more than 150 characters."]}}`},
		{"deleted user with long id", "msg_del_long", `{"type":"user.deleted","data":{"id":"` + longID + `","deleted":true}}`,
			`{"data":{"id":["Ensure this field has no more than 128 characters."]}}`},
		{"organization with long id", "msg_org_long", `{"type":"organization.created","data":{"id":"org_` + strings.Repeat("o", 3000) + `","name":"Acme"}}`,
			`{"data":{"id":["Ensure this field has no more than 128 characters."]}}`},
		{"organization with big metadata", "msg_org_meta", `{"type":"organization.updated","data":{"id":"org_meta","name":"Acme","private_metadata":` + bigMeta + `}}`,
			`{"data":{"private_metadata":["Ensure this value has at most 65536 bytes."]}}`},
		{"membership with long user id", "msg_mem_long", `{"type":"organizationMembership.created","data":{"id":"orgmem_x","role":"org:admin","organization":{"id":"org_m","name":"M"},"public_user_data":{"user_id":"` + longID + `"}}}`,
			`{"data":{"public_user_data.user_id":["Ensure this field has no more than 128 characters."]}}`},
		// A time past year 9999 was stored, could not be read back, and
		// every later event of the user answered 500 (robustness suite).
		{"last sign-in past year 9999", "msg_far_future", strings.NewReplacer(`"created_at":1700000000000`, `"created_at":-62135596800001`, `"last_sign_in_at":1700000100000`, `"last_sign_in_at":9223372036854775807`).Replace(userEvent("user.created", "user_far", "far@example.com", "Ada", 1, "{}")),
			`{"data":{"created_at":["Enter a valid Unix time in milliseconds."],"last_sign_in_at":["Enter a valid Unix time in milliseconds."]}}`},
		{"NUL in a name", "msg_nul", strings.Replace(userEvent("user.created", "user_nul", "nul@example.com", "Ada", 1, "{}"), `"first_name":"Ada"`, `"first_name":"A\u0000da"`, 1),
			`{"data":{"first_name":["Null characters are not allowed."]}}`},
		{"invalid UTF-8", "msg_utf8", strings.Replace(userEvent("user.created", "user_utf8", "utf8@example.com", "Ada", 1, "{}"), `"first_name":"Ada"`, "\"first_name\":\"Ad\xffa\"", 1),
			`{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xff in position 97: invalid start byte"}`},
		{"long svix-id", strings.Repeat("m", 2100), userEvent("user.created", "user_svix", "svix@example.com", "Ada", 1, "{}"),
			`{"detail":"Invalid svix-id header."}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := f.post(c.svixID, time.Now(), c.body, nil)
			if rec.Code != 400 || strings.TrimSpace(rec.Body.String()) != c.want {
				t.Fatalf("%d %.300s, want 400 %s", rec.Code, rec.Body, c.want)
			}
		})
	}
	for _, user := range []string{"user_big", "user_mail", "user_name", "user_svix", "user_far", "user_nul", "user_utf8"} {
		if _, err := f.db.Identity(ctx, user); !errors.Is(err, dynamo.ErrNotFound) {
			t.Errorf("refused delivery wrote %s: %v", user, err)
		}
	}
	if _, err := f.db.WorkspaceByOrg(ctx, "org_meta"); !errors.Is(err, dynamo.ErrNotFound) {
		t.Errorf("refused delivery wrote org_meta: %v", err)
	}
	// No receipt was left: Svix's retry of the id, now with valid data, is
	// applied rather than acknowledged as a replay.
	rec := f.post("msg_big_meta", time.Now(), userEvent("user.created", "user_big", "big@example.com", "Ada", 1, `{"ok":true}`), nil)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "Already processed") {
		t.Fatalf("retry: %d %s", rec.Code, rec.Body)
	}
	if _, err := f.db.Identity(ctx, "user_big"); err != nil {
		t.Errorf("retry not applied: %v", err)
	}
}
