package investments_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/importer/importtest"
	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/investors"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/offerings"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/users"
)

// env is the four seed 000 groups over the sample issuer, with a write key
// and a read-only key.
type env struct {
	t     *testing.T
	srv   *httptest.Server
	db    *store.DB
	ws    string
	write string
	read  string
}

var (
	sharedOnce sync.Once
	shared     *env
	cleanups   []func()
)

// newEnv returns the package's shared environment (one imported sample,
// as DynamoDB Local is slow to load it); tests write to offerings and
// investors of their own, so they do not disturb each other.
func newEnv(t *testing.T) *env {
	t.Helper()
	sharedOnce.Do(func() { shared = setup(t) })
	if shared == nil {
		t.Fatal("setup failed in an earlier test")
	}
	e := *shared
	e.t = t
	return &e
}

// onceTB keeps the shared table until TestMain ends.
type onceTB struct{ *testing.T }

func (o *onceTB) Cleanup(f func()) { cleanups = append(cleanups, f) }

func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range cleanups {
		f()
	}
	os.Exit(code)
}

func setup(t *testing.T) *env {
	l := importtest.Sample(&onceTB{t})
	deps := app.Deps{DB: l.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	// The Reg CF notices (early close, material change) go to the SES
	// emulator when there is one (mailtest reads them back).
	if ses := os.Getenv("TRANCHE_TEST_SES"); ses != "" {
		cfg, err := app.LoadAWS(context.Background(), app.Config{EndpointURL: ses, Region: "us-east-1"})
		if err != nil {
			t.Fatal(err)
		}
		deps.AWS = cfg
		deps.Config = app.Config{SESEndpointURL: ses, MailFrom: "no-reply@tranche.test", Region: "us-east-1"}
	}
	groups := map[string]http.Handler{
		"offerings":   offerings.NewHandler(deps),
		"investments": investments.NewHandler(deps),
		"investors":   investors.NewHandler(deps),
		"users":       users.NewHandler(deps),
	}
	mux := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seg := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/"), "/")[0]
		h, ok := groups[seg]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	cleanups = append(cleanups, srv.Close)
	e := &env{t: t, srv: srv, db: l.DB, ws: l.Workspace}
	ctx := context.Background()
	k, err := auth.Mint(ctx, l.DB, l.Workspace, auth.ScopeWorkspace, 0, true, "writer", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.write = k.Secret
	k, err = auth.Mint(ctx, l.DB, l.Workspace, auth.ScopeWorkspace, 0, false, "reader", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.read = k.Secret
	return e
}

type resp struct {
	status int
	body   map[string]any
	raw    []byte
	header http.Header
}

func (e *env) call(method, path, key string, body any, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Authorization", key)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, raw: raw, header: res.Header}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func (e *env) must(want int, method, path string, body any, hdr ...string) map[string]any {
	e.t.Helper()
	r := e.call(method, path, e.write, body, hdr...)
	if r.status != want {
		e.t.Fatalf("%s %s = %d, want %d: %s", method, path, r.status, want, r.raw)
	}
	return r.body
}

func id(m map[string]any) int64 { return int64(m["id"].(float64)) }

// newInvestor creates a user and an investor with the given entity fields.
func (e *env) newInvestor(typ string, entity map[string]any) int64 {
	e.t.Helper()
	n := time.Now().UnixNano()
	u := e.must(201, "POST", "/api/users/", map[string]any{"email": fmt.Sprintf("inv%d@example.com", n), "password": "s3cret-pass"})
	base := map[string]any{"first_name": "Ada", "last_name": "Investor", "country": "US", "kyc_status": "passed", "us_person": true}
	for k, v := range entity {
		base[k] = v
	}
	inv := e.must(201, "POST", "/api/investors/", map[string]any{"user": id(u), "type": typ, "entity": base})
	// An accredited investor is verified as well, as a platform does
	// before a 506(c) sale (230.506(c)(2)(ii)); the tests of the rule
	// itself use unverified investors of their own.
	if base["accredited_investor"] == true {
		e.verify(id(inv))
	}
	return id(inv)
}

// verify records a net-worth verification of the investor, made today.
func (e *env) verify(investor int64) {
	e.t.Helper()
	e.must(200, "PUT", fmt.Sprintf("/api/investors/%d/accreditation/", investor), map[string]any{
		"method": "net_worth", "verifier": "Jane Auditor, CPA", "verified_on": time.Now().UTC().Format(time.DateOnly)})
}

// storeInvestor writes a user and a person investor straight to the store
// (the race test needs many; the HTTP path is covered elsewhere).
func (e *env) storeInvestor(accredited bool) int64 {
	ctx := context.Background()
	u := &model.User{Email: fmt.Sprintf("race%d@example.com", time.Now().UnixNano()), DateJoined: model.NewTime(time.Now())}
	if err := e.db.CreateUser(ctx, e.ws, u); err != nil {
		e.t.Error(err)
		return 0
	}
	kyc, country, typ := "passed", "US", "net_worth"
	ent := &model.Entity{KYCStatus: &kyc, Country: &country, AccreditedInvestor: &accredited, AccreditedInvestorType: &typ}
	var err error
	if ent.ID, err = e.db.NextID(ctx, e.ws, store.KindEntity); err != nil {
		e.t.Error(err)
		return 0
	}
	inv := &model.Investor{User: u.ID, Type: "person", Entity: &ent.ID, IndividualEntity: &ent.ID}
	if accredited { // verified, as newInvestor's
		today := model.DateOf(time.Now())
		inv.AccreditationVerification = &model.AccreditationVerification{Method: model.VerifyNetWorth, Verifier: "Jane Auditor, CPA",
			VerifiedOn: today, ExpiresOn: model.VerificationLimit(model.VerifyNetWorth, today), RecordedBy: "test", RecordedAt: model.NewTime(time.Now())}
	}
	if inv.ID, err = e.db.NextID(ctx, e.ws, store.KindInvestor); err != nil {
		e.t.Error(err)
		return 0
	}
	if err := e.db.SaveInvestor(ctx, e.ws, inv, 0, true, []store.EntityVersion{{Entity: ent, New: true}}); err != nil {
		e.t.Error(err)
	}
	return inv.ID
}

// newOffering creates and opens an offering of the type with the fields.
func (e *env) newOffering(typ string, fields map[string]any) int64 {
	e.t.Helper()
	o := e.createOffering(typ, fields)
	e.must(200, "POST", fmt.Sprintf("/api/offerings/%d/open/", o), nil)
	return o
}

// backdateOpened moves the offering's opened_at back by d, as if it had
// opened (become public) that long ago.
func (e *env) backdateOpened(offering int64, d time.Duration) {
	e.t.Helper()
	ctx := context.Background()
	o, version, err := e.db.OfferingForWrite(ctx, e.ws, offering)
	if err != nil {
		e.t.Fatal(err)
	}
	at := model.NewTime(o.OpenedAt.Add(-d))
	o.OpenedAt = &at
	if err := e.db.UpdateOffering(ctx, e.ws, o, version, "", "", "test", time.Now()); err != nil {
		e.t.Fatal(err)
	}
}

// refused409 asserts a 409 whose detail contains want.
func (e *env) refused409(r resp, want string) {
	e.t.Helper()
	if r.status != 409 || !strings.Contains(string(r.raw), want) {
		e.t.Errorf("%d %s, want 409 containing %s", r.status, r.raw, want)
	}
}

// createOffering creates an offering of the type with the fields, in
// status incomplete.
func (e *env) createOffering(typ string, fields map[string]any) int64 {
	e.t.Helper()
	body := map[string]any{
		"issuer": 1, "name": "Test " + typ, "type": typ, "unit_price": "10.00",
		"min_investment_amount": "100.00", "maximum_amount_raised": "1000000.00",
		"signing_full_name": "Grace Issuer", "signing_email": "grace@issuer.example.com",
		"accredited_investors": true, "non_accredited_investors": typ != "reg_d_506c",
		"deadline_date": time.Now().AddDate(0, 0, 30).Format("2006-01-02"),
	}
	switch typ {
	case "reg_cf":
		body["minimum_amount_raised"] = "1000.00"
		body["reg_cf_fee_percentage"] = "5.00"
	case "reg_a":
		body["circular_link"] = "https://example.com/circular.pdf"
	}
	for k, v := range fields {
		body[k] = v
	}
	o := e.must(201, "POST", "/api/offerings/", body)
	if o["status"] != "incomplete" {
		e.t.Fatalf("new offering status %v", o["status"])
	}
	return id(o)
}

// inSampleWindow sets the write handlers' clock to a day before the
// sample's offering 1 (reg_a) reaches its deadline, 2025-12-02: tests that
// invest in it need it open, and offerings take no investments after
// their deadline. It returns the restore func.
func inSampleWindow() func() {
	return investments.SetClock(func() time.Time { return time.Date(2025, 11, 20, 17, 0, 0, 0, time.UTC) })
}

func (e *env) aggregate(offering int64) model.Aggregate {
	e.t.Helper()
	aggs, err := e.db.OfferingAggregates(context.Background(), e.ws, []int64{offering})
	if err != nil {
		e.t.Fatal(err)
	}
	return aggs[offering]
}

// checkTotals: the running totals equal what the stored investments say.
func (e *env) checkTotals(offering int64) model.Aggregate {
	e.t.Helper()
	invs, err := e.db.InvestmentsOfOffering(context.Background(), e.ws, offering)
	if err != nil {
		e.t.Fatal(err)
	}
	var want [3]decimal.Decimal
	var count [3]int64
	investors := [3]map[int64]bool{{}, {}, {}}
	for i := range invs {
		for b, in := range model.Buckets(&invs[i]) {
			if in {
				want[b] = want[b].Add(invs[i].Amount.Decimal)
				count[b]++
				investors[b][invs[i].Investor] = true
			}
		}
	}
	a := e.aggregate(offering)
	got := [3]model.Totals{a.Committed, a.Received, a.Invested}
	for b := range got {
		if !got[b].Amount.Equal(want[b]) || got[b].Count != count[b] || got[b].InvestorCount != int64(len(investors[b])) {
			e.t.Errorf("offering %d bucket %d: aggregate %s/%d/%d, investments say %s/%d/%d", offering, b,
				got[b].Amount, got[b].Count, got[b].InvestorCount, want[b], count[b], len(investors[b]))
		}
	}
	return a
}

// TestImportedTotals: the importer's data counts in the running totals.
func TestImportedTotals(t *testing.T) {
	e := newEnv(t)
	for o := int64(1); o <= 6; o++ {
		e.checkTotals(o)
	}
	if a := e.aggregate(1); a.Committed.Count == 0 {
		t.Errorf("offering 1 has no committed investments after import: %+v", a)
	}
}

// TestLifecycleEndToEnd runs a raise of each regulation type through the
// HTTP handlers: create → open → invest → receive → approve → accept →
// (escrow close | invest), reading back through the detail route.
func TestLifecycleEndToEnd(t *testing.T) {
	e := newEnv(t)
	for _, typ := range []string{"reg_a", "reg_cf", "reg_d_506b", "reg_d_506c", "reg_s"} {
		t.Run(typ, func(t *testing.T) {
			e.t = t
			fields := map[string]any{}
			entity := map[string]any{"accredited_investor": true, "accredited_investor_type": "income", "annual_income": "300000.00", "net_worth": "2000000.00"}
			if typ == "reg_s" {
				entity["us_person"] = false
				entity["country"] = "FR"
			}
			if typ == "reg_cf" {
				// The escrow may close once 48 hours before the deadline has passed.
				fields["deadline_date"] = time.Now().UTC().Format("2006-01-02")
				fields["minimum_amount_raised"] = "500.00"
			}
			o := e.newOffering(typ, fields)
			investor := e.newInvestor("person", entity)
			inv := e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": investor, "quantity": 50, "requested_payment_method": "wire"})
			if inv["status"] != "started" || inv["amount"] != "500.00" || inv["price"] != "500.00" {
				t.Fatalf("created %v", inv)
			}
			path := fmt.Sprintf("/api/investments/%d/", id(inv))
			e.must(200, "PATCH", path, map[string]any{"payment_method": "wire", "has_investor_signed": true})
			got := e.must(200, "POST", path+"receive/", nil)
			if got["status"] != "received" || got["received_at"] == nil || got["processed_at"] == nil {
				t.Fatalf("receive: %v", got)
			}
			e.must(200, "POST", path+"approve/", nil)
			got = e.must(200, "POST", path+"accept/", nil)
			if got["status"] != "accepted" || got["invested_at"] == nil {
				t.Fatalf("accept: %v", got)
			}
			if typ == "reg_cf" {
				// Issue 16 item 1: the escrow closed on the day the offering
				// opened; 227.303(a) wants it public for 21 days first.
				e.refused409(e.call("POST", fmt.Sprintf("/api/offerings/%d/escrow-close/", o), e.write, nil), "17 CFR 227.303(a)")
				e.backdateOpened(o, 22*24*time.Hour)
				r := e.call("POST", path+"invest/", e.write, nil)
				if r.status != 409 {
					t.Fatalf("invest before escrow close = %d %s", r.status, r.raw)
				}
				res := e.must(200, "POST", fmt.Sprintf("/api/offerings/%d/escrow-close/", o), nil)
				if res["escrow_closed"].(float64) != 1 {
					t.Fatalf("escrow close: %v", res)
				}
				got = e.must(200, "GET", path, nil)
				if got["status"] != "accepted_escrow_closed" {
					t.Fatalf("after escrow close: %v", got["status"])
				}
			}
			e.must(200, "POST", path+"invest/", nil)
			got = e.must(200, "GET", path, nil)
			if got["status"] != "invested" || got["has_investor_signed"] != true || got["payment_method"] != "wire" {
				t.Fatalf("read back: %v", got)
			}
			if inv, _ := got["investor"].(map[string]any); inv == nil || int64(inv["id"].(float64)) != investor {
				t.Fatalf("investor not nested: %v", got["investor"])
			}
			a := e.checkTotals(o)
			if a.Invested.Count != 1 || a.Invested.Amount.String() != "500.00" || a.Committed.InvestorCount != 1 {
				t.Errorf("aggregate %+v", a)
			}
			// Every read route reflects the writes at once.
			list := e.must(200, "GET", fmt.Sprintf("/api/investments/?offering=%d&status=invested", o), nil)
			if list["count"] != 1.0 || int64(list["results"].([]any)[0].(map[string]any)["id"].(float64)) != id(inv) {
				t.Errorf("list ?offering&status=invested: %v", list)
			}
			sum := e.must(200, "GET", fmt.Sprintf("/api/investments/summary/?offering=%d", o), nil)
			if inv := sum["total_amount_invested"].(map[string]any); inv["count"] != 1.0 || inv["investor_count"] != 1.0 || fmt.Sprint(inv["amount"]) != "500" {
				t.Errorf("summary: %v", sum)
			}
			vals := e.must(200, "GET", fmt.Sprintf("/api/investments/values/?field=status,offering&offering=%d", o), nil)
			if d := vals["data"].(map[string]any); d["count"] != 1.0 || d["values"].([]any)[0].(map[string]any)["status"] != "invested" {
				t.Errorf("values: %v", vals)
			}
			trail, err := e.db.AuditTrail(context.Background(), e.ws, "INVESTMENT", id(inv))
			if err != nil {
				t.Fatal(err)
			}
			var steps []string
			for _, s := range trail {
				steps = append(steps, s.From+">"+s.To)
				if !strings.HasPrefix(s.Actor, "key:") {
					t.Errorf("audit actor %q", s.Actor)
				}
			}
			want := ">started started>received received>approved approved>accepted"
			if typ == "reg_cf" {
				want += " accepted>accepted_escrow_closed accepted_escrow_closed>invested"
			} else {
				want += " accepted>invested"
			}
			if strings.Join(steps, " ") != want {
				t.Errorf("audit trail %v, want %v", steps, want)
			}
		})
	}
}

// TestRefundPath: received then cancelled, refunded; and an offering's
// refunds endpoint for not-approved investments.
func TestRefundPath(t *testing.T) {
	e := newEnv(t)
	o := e.newOffering("reg_cf", nil)
	investor := e.newInvestor("person", map[string]any{"annual_income": "50000.00", "net_worth": "40000.00", "accredited_investor": false})
	a := e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": investor, "amount": "1000.00"})
	b := e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": investor, "amount": "500.00"})
	pa, pb := fmt.Sprintf("/api/investments/%d/", id(a)), fmt.Sprintf("/api/investments/%d/", id(b))
	if r := e.call("POST", pa+"refund/", e.write, nil); r.status != 409 || !strings.Contains(string(r.raw), "Cannot refund an investment whose status is started.") {
		t.Fatalf("refund of started = %d %s", r.status, r.raw)
	}
	e.must(200, "POST", pa+"receive/", nil)
	e.must(200, "POST", pa+"cancel/", nil)
	got := e.must(200, "POST", pa+"refund/", nil)
	if got["status"] != "refunded" || got["refunded_at"] == nil {
		t.Fatalf("refund: %v", got)
	}
	e.must(200, "POST", pb+"receive/", nil)
	e.must(200, "POST", pb+"reject/", nil)
	res := e.must(200, "POST", fmt.Sprintf("/api/offerings/%d/refunds/", o), nil)
	if res["refunded"].(float64) != 1 {
		t.Fatalf("refunds: %v", res)
	}
	if got := e.must(200, "GET", pb, nil); got["status"] != "refunded" {
		t.Fatalf("b after refunds: %v", got["status"])
	}
	agg := e.checkTotals(o)
	if agg.Committed.Count != 0 || agg.Received.Count != 0 || !agg.Committed.Amount.IsZero() {
		t.Errorf("aggregate after refunds %+v", agg)
	}
}

// TestRaceNearMaximum: 50 concurrent investments against an offering close
// to its maximum never over-raise, and the totals equal the sum of the
// stored investments.
func TestRaceNearMaximum(t *testing.T) {
	e := newEnv(t)
	o := e.newOffering("reg_d_506c", map[string]any{"maximum_amount_raised": "10000.00", "min_investment_amount": "100.00"})
	investors := make([]int64, 50)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4) // the investors are set-up, not the race
	for i := range investors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			investors[i] = e.storeInvestor(true)
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	// 9,000 of 10,000 taken; 50 investments of 300 race for the last 1,000.
	big := e.storeInvestor(true)
	e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": big, "quantity": 900})
	statuses := make([]int, 50)
	bodies := make([]string, 50)
	for i := range investors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.call("POST", "/api/investments/", e.write, map[string]any{"offering": o, "investor": investors[i], "quantity": 30})
			statuses[i], bodies[i] = r.status, string(r.raw)
		}()
	}
	wg.Wait()
	created := 0
	for i, s := range statuses {
		switch s {
		case 201:
			created++
		case 400:
			if !strings.Contains(bodies[i], "maximum amount raised") {
				t.Errorf("400 without the maximum: %s", bodies[i])
			}
		default:
			t.Errorf("status %d: %s", s, bodies[i])
		}
	}
	if created != 3 {
		t.Errorf("%d investments of 300 fit in the last 1,000; want 3", created)
	}
	a := e.checkTotals(o)
	if a.Committed.Amount.GreaterThan(decimal.NewFromInt(10000)) {
		t.Errorf("over-raised: %s", a.Committed.Amount)
	}
	t.Logf("race: %d created, %d refused; committed %s of 10000.00 by %d investors", created, 50-created, a.Committed.Amount, a.Committed.InvestorCount)
}

// TestBadBodies: wrong types, unknown enums, negative or over-precise
// money, malformed JSON and oversized bodies are DRF 400/413 naming the
// field, and nothing is written.
func TestBadBodies(t *testing.T) {
	e := newEnv(t)
	defer inSampleWindow()()
	ctx := context.Background()
	before, err := e.db.Counter(ctx, e.ws, store.KindInvestment)
	if err != nil {
		t.Fatal(err)
	}
	aggBefore := e.aggregate(1)
	huge := `{"offering": 1, "investor": 1, "reference_id": "` + strings.Repeat("x", 1<<20) + `"}`
	for _, c := range []struct {
		name   string
		body   any
		status int
		want   string
	}{
		{"malformed", `{"offering": 1,`, 400, `"detail":"JSON parse error`},
		{"not an object", `[1,2]`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
		{"too large", huge, 413, `"detail"`},
		{"missing fields", `{}`, 400, `{"investor":["This field is required."],"offering":["This field is required."],"quantity":["This field is required."]}`},
		{"wrong types", `{"offering": "one", "investor": true, "quantity": "many", "has_investor_signed": "perhaps"}`, 400, `{"has_investor_signed":["Must be a valid boolean."],"investor":["A valid integer is required."],"offering":["A valid integer is required."],"quantity":["A valid integer is required."]}`},
		{"unknown enum", `{"offering": 1, "investor": 1, "quantity": 10, "requested_payment_method": "cash"}`, 400, `{"requested_payment_method":["\"cash\" is not a valid choice."]}`},
		{"negative money", `{"offering": 1, "investor": 1, "amount": "-5.00"}`, 400, `{"amount":["Ensure this value is greater than or equal to 0."]}`},
		{"over-precise money", `{"offering": 1, "investor": 1, "amount": "100.005"}`, 400, `{"amount":["Ensure that there are no more than 2 decimal places."]}`},
		{"not a number", `{"offering": 1, "investor": 1, "amount": "12abc"}`, 400, `{"amount":["A valid number is required."]}`},
		{"money as bool", `{"offering": 1, "investor": 1, "amount": false}`, 400, `{"amount":["A valid number is required."]}`},
		{"unknown offering", `{"offering": 999, "investor": 1, "quantity": 10}`, 400, `{"offering":["Invalid pk \"999\" - object does not exist."]}`},
		{"paused offering", `{"offering": 4, "investor": 1, "quantity": 100}`, 400, `{"offering":["The offering is not open for investment (status paused)."]}`},
		{"below minimum", `{"offering": 1, "investor": 1, "quantity": 2}`, 400, `{"amount":["The minimum investment is 1000.00."]}`},
		{"amount disagrees", `{"offering": 1, "investor": 1, "quantity": 200, "amount": "999.00"}`, 400, `{"amount":["The amount must equal quantity × unit price (+ fees): 200 × 5.00 = 1000.00."]}`},
	} {
		r := e.call("POST", "/api/investments/", e.write, c.body)
		if r.status != c.status || !strings.Contains(string(r.raw), c.want) {
			t.Errorf("%s: %d %s, want %d containing %s", c.name, r.status, r.raw, c.status, c.want)
		}
	}
	r := e.call("POST", "/api/investments/", e.read, `{"offering": 1, "investor": 1, "quantity": 300}`)
	if r.status != 403 || !strings.Contains(string(r.raw), "You do not have permission to perform this action.") {
		t.Errorf("read-only key: %d %s", r.status, r.raw)
	}
	r = e.call("POST", "/api/investments/1/receive/", e.read, nil)
	if r.status != 403 {
		t.Errorf("read-only key action: %d %s", r.status, r.raw)
	}
	if after, _ := e.db.Counter(ctx, e.ws, store.KindInvestment); after != before {
		t.Errorf("investment ids allocated by refused requests: %d → %d", before, after)
	}
	if a := e.aggregate(1); !a.Committed.Amount.Equal(aggBefore.Committed.Amount.Decimal) || a.Committed.Count != aggBefore.Committed.Count {
		t.Errorf("totals moved: %+v → %+v", aggBefore, a)
	}
}

// TestIllegalTransition: 409 naming the status, nothing changes.
func TestIllegalTransition(t *testing.T) {
	e := newEnv(t)
	// investment 1 of the sample is invested.
	r := e.call("POST", "/api/investments/1/approve/", e.write, nil)
	if r.status != 409 || string(r.raw) != `{"detail":"Cannot approve an investment whose status is invested."}`+"\n" {
		t.Errorf("approve invested = %d %s", r.status, r.raw)
	}
	r = e.call("POST", "/api/investments/1/dance/", e.write, nil)
	if r.status != 404 {
		t.Errorf("unknown action = %d %s", r.status, r.raw)
	}
}

// TestIdempotencyReplay: a retried POST with the same Idempotency-Key gets
// the first answer and writes nothing; another body with the key is 422.
func TestIdempotencyReplay(t *testing.T) {
	e := newEnv(t)
	defer inSampleWindow()()
	body := map[string]any{"offering": 1, "investor": 1, "quantity": 400}
	first := e.call("POST", "/api/investments/", e.write, body, "Idempotency-Key", "retry-me-1")
	if first.status != 201 {
		t.Fatalf("first = %d %s", first.status, first.raw)
	}
	agg := e.aggregate(1)
	second := e.call("POST", "/api/investments/", e.write, body, "Idempotency-Key", "retry-me-1")
	if second.status != 201 || !bytes.Equal(first.raw, second.raw) || second.header.Get(store.IdempotencyReplayHeader) != "true" {
		t.Fatalf("replay = %d %s (first %s)", second.status, second.raw, first.raw)
	}
	if a := e.aggregate(1); a.Committed.Count != agg.Committed.Count {
		t.Errorf("replay wrote: %d → %d investments", agg.Committed.Count, a.Committed.Count)
	}
	other := e.call("POST", "/api/investments/", e.write, map[string]any{"offering": 1, "investor": 1, "quantity": 500}, "Idempotency-Key", "retry-me-1")
	if other.status != 422 {
		t.Errorf("reused key with another body = %d %s", other.status, other.raw)
	}
	e.checkTotals(1)
}
