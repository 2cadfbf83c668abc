package investments_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/auth"
)

// TestAccreditationVerificationEndToEnd: 230.506(c)(2)(ii) — a 506(c) sale
// needs a verification record valid on the day of the sale, not the
// investor's own declaration; only a workspace write key (or an OWNER or
// ADMIN) may record one; anyone who sees the investor may read it.
func TestAccreditationVerificationEndToEnd(t *testing.T) {
	e := newEnv(t)
	o := e.newOffering("reg_d_506c", nil)
	// Declared accredited, not verified (newInvestor would verify).
	u := e.must(201, "POST", "/api/users/", map[string]any{"email": fmt.Sprintf("acc%d@example.com", time.Now().UnixNano()), "password": "s3cret-pass"})
	entity := map[string]any{"first_name": "Ada", "last_name": "Investor", "country": "US", "kyc_status": "passed", "us_person": true}
	for k, v := range accreditedEntity {
		entity[k] = v
	}
	investor := id(e.must(201, "POST", "/api/investors/", map[string]any{"user": id(u), "type": "person", "entity": entity}))
	path := fmt.Sprintf("/api/investors/%d/accreditation/", investor)
	e.refused(e.invest(o, investor, 10), "self-declared, unverified",
		fmt.Sprintf(`{"investor":["Regulation D 506(c) offerings accept verified accredited investors only (17 CFR 230.506(c)(2)(ii)): the investor declares itself accredited, but its accreditation is not verified; a verifier records the verification (method, verifier, date) with PUT /api/investors/%d/accreditation/ first."]}`, investor))
	if got := e.must(200, "GET", path, nil); got["status"] != "unverified" || got["verification"] != nil || got["accredited_investor"] != true {
		t.Errorf("before: %v", got)
	}

	today := time.Now().UTC()
	day := func(d time.Time) string { return d.Format(time.DateOnly) }
	body := map[string]any{"method": "third_party_letter", "verifier": "Lee Counsel LLP", "verified_on": day(today)}
	// Who may verify.
	ctx := context.Background()
	issuerKey, err := auth.Mint(ctx, e.db, e.ws, auth.ScopeIssuer, 1, true, "issuer writer", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]string{"read key": e.read, "issuer-scoped write key": issuerKey.Secret} {
		if r := e.call("PUT", path, key, body); r.status != 403 {
			t.Errorf("%s: %d %s, want 403", name, r.status, r.raw)
		}
	}
	// What a record must say.
	for _, c := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"no method", map[string]any{"verifier": "X", "verified_on": day(today)}, `{"method":["This field is required."]}`},
		{"unknown method", map[string]any{"method": "self_certified", "verifier": "X", "verified_on": day(today)}, `{"method":["\"self_certified\" is not a valid choice."]}`},
		{"no verifier", map[string]any{"method": "income", "verified_on": day(today)}, `{"verifier":["This field is required."]}`},
		{"future date", map[string]any{"method": "income", "verifier": "X", "verified_on": day(today.AddDate(0, 0, 1))}, "cannot be dated after today"},
		{"letter relied on past 3 months", map[string]any{"method": "third_party_letter", "verifier": "X", "verified_on": day(today), "expires_on": day(today.AddDate(0, 3, 1))},
			"A third_party_letter verification may be relied on for at most 3 months (17 CFR 230.506(c)(2)(ii))"},
		{"expiry before the verification", map[string]any{"method": "income", "verifier": "X", "verified_on": day(today), "expires_on": day(today.AddDate(0, 0, -1))}, `{"expires_on":["Ensure expires_on is not before verified_on."]}`},
	} {
		e.refused(e.call("PUT", path, e.write, c.body), c.name, c.want)
	}

	// Verified today: the letter stands three months, and the sale passes.
	got := e.must(200, "PUT", path, body)
	v, _ := got["verification"].(map[string]any)
	if got["status"] != "verified" || v["method"] != "third_party_letter" || v["verifier"] != "Lee Counsel LLP" ||
		v["verified_on"] != day(today) || v["expires_on"] != day(today.AddDate(0, 3, 0)) || v["recorded_by"] == "" {
		t.Errorf("verified: %v", got)
	}
	if r := e.call("GET", path, e.read, nil); r.status != 200 || r.body["status"] != "verified" {
		t.Errorf("read key reads it: %d %s", r.status, r.raw)
	}
	if r := e.invest(o, investor, 10); r.status != 201 {
		t.Errorf("verified: %d %s", r.status, r.raw)
	}
	// Expired: a net-worth verification that ran out yesterday.
	old := map[string]any{"method": "net_worth", "verifier": "Jane Auditor, CPA", "verified_on": day(today.AddDate(0, -2, 0)), "expires_on": day(today.AddDate(0, 0, -1))}
	if got := e.must(200, "PUT", path, old); got["status"] != "expired" {
		t.Errorf("expired: %v", got)
	}
	e.refused(e.invest(o, investor, 10), "expired verification", "17 CFR 230.506(c)(2)(ii)", "net_worth, by Jane Auditor, CPA", "until "+day(today.AddDate(0, 0, -1)), "record a new verification first")
	// Every change of the record is in the investor's audit trail.
	trail, err := e.db.AuditTrail(ctx, e.ws, "INVESTOR", investor)
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 2 || trail[0].Action != "verify_accreditation" || trail[0].From != "unverified" || trail[0].To != "third_party_letter" || trail[1].To != "net_worth" || trail[1].Actor == "" {
		t.Errorf("audit trail: %+v", trail)
	}
}

// TestVerificationRequiredEndToEnd: an offering of any regulation may
// require verified accreditation (accreditation_verification_required,
// beyond seed 000): an investor claiming accreditation without a valid
// verification gets a 400 naming it; non-accredited investors are not
// concerned.
func TestVerificationRequiredEndToEnd(t *testing.T) {
	e := newEnv(t)
	if got := e.must(200, "GET", fmt.Sprintf("/api/offerings/%d/", e.createOffering("reg_cf", nil)), nil); got["accreditation_verification_required"] != false {
		t.Errorf("default: %v", got["accreditation_verification_required"])
	}
	o := e.newOffering("reg_cf", map[string]any{"issuer": e.newIssuer(), "accreditation_verification_required": true})
	path := fmt.Sprintf("/api/offerings/%d/", o)
	if got := e.must(200, "GET", path, nil); got["accreditation_verification_required"] != true {
		t.Errorf("set: %v", got["accreditation_verification_required"])
	}
	u := e.must(201, "POST", "/api/users/", map[string]any{"email": fmt.Sprintf("req%d@example.com", time.Now().UnixNano()), "password": "s3cret-pass"})
	entity := map[string]any{"first_name": "Ada", "last_name": "Investor", "country": "US", "kyc_status": "passed", "us_person": true}
	for k, v := range accreditedEntity {
		entity[k] = v
	}
	investor := id(e.must(201, "POST", "/api/investors/", map[string]any{"user": id(u), "type": "person", "entity": entity}))
	e.refused(e.invest(o, investor, 1000), "unverified", `"investor":`, "accreditation_verification_required", "not verified")
	modest := e.newInvestor("person", map[string]any{"accredited_investor": false, "annual_income": "50000.00", "net_worth": "40000.00"})
	if r := e.invest(o, modest, 10); r.status != 201 {
		t.Errorf("non-accredited: %d %s", r.status, r.raw)
	}
	e.verify(investor)
	r := e.invest(o, investor, 1000)
	if r.status != 201 {
		t.Fatalf("verified: %d %s", r.status, r.raw)
	}
	rec := e.must(200, "GET", fmt.Sprintf("/api/investments/%d/audit/", id(r.body)), nil)["results"].([]any)[0].(map[string]any)
	if c := rules(t, rec)["accreditation_verified"]; c == nil || c["outcome"] != "passed" {
		t.Errorf("decision: %v", rules(t, rec))
	}
}
