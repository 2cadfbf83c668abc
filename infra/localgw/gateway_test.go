package localgw

import (
	"context"
	"encoding/base64"
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

	"github.com/google/go-cmp/cmp"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/importer/importtest"
	"github.com/tranche-dev/tranche/pkg/importer/sample"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

type env struct {
	deps app.Deps
	srv  *httptest.Server
	keys map[string]string // name → secret
}

var (
	setupOnce sync.Once
	shared    *env
)

// setup imports the sample once for the package's tests: they only read.
func setup(t *testing.T) *env {
	t.Helper()
	storetest.Endpoint(t)
	setupOnce.Do(func() { shared = newEnv(t) })
	if shared == nil {
		t.Fatal("setup failed in an earlier test")
	}
	return shared
}

func newEnv(t *testing.T) *env {
	l := importtest.Sample(&onceTB{t})
	ctx := context.Background()
	deps := sessiontest.New(&onceTB{t}).Deps(l.DB)
	deps.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	deps.Config.SvixSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("gateway-test-secret-0123"))
	g, err := New(deps)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{deps: deps, srv: httptest.NewServer(g), keys: map[string]string{}}
	mint := func(name string, scope auth.Scope, id int64) {
		k, err := auth.Mint(ctx, l.DB, l.Workspace, scope, id, false, name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		e.keys[name] = k.Secret
	}
	mint("workspace", auth.ScopeWorkspace, 0)
	mint("offering2", auth.ScopeOffering, 2)
	mint("issuer1", auth.ScopeIssuer, 1)
	mint("revoked", auth.ScopeWorkspace, 0)
	keys, _ := l.DB.APIKeys(ctx, l.Workspace)
	for _, k := range keys {
		if k.Name == "revoked" {
			if _, err := l.DB.RevokeAPIKey(ctx, l.Workspace, k.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	other, err := l.DB.WorkspaceNamed(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	k, err := auth.Mint(ctx, l.DB, other.ID, auth.ScopeWorkspace, 0, false, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.keys["otherworkspace"] = k.Secret
	return e
}

func (e *env) do(t *testing.T, method, path, authz string) (*http.Response, any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, nil)
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s %s: body is not JSON: %q", method, path, b)
		}
	}
	return resp, v
}

// TestRoundTrip: every object of the sample file comes back from its detail
// route exactly as the file has it (parsed JSON, types included).
func TestRoundTrip(t *testing.T) {
	e := setup(t)
	var file struct {
		Offerings, Investments, Investors, Users []map[string]any
	}
	if err := json.Unmarshal(sample.JSON, &file); err != nil {
		t.Fatal(err)
	}
	key := e.keys["workspace"]
	check := func(path string, want map[string]any) {
		t.Helper()
		resp, got := e.do(t, "GET", path, key)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d %v", path, resp.StatusCode, got)
		}
		if d := cmp.Diff(any(want), got); d != "" {
			t.Errorf("GET %s differs from the file (-file +got):\n%s", path, d)
		}
	}
	for _, o := range file.Offerings {
		// reg_a_tier is Tranche's field beyond seed 000 (issue 16): Tier 2
		// for a reg_a offering that names none, null for the others.
		o["reg_a_tier"] = nil
		if o["type"] == "reg_a" {
			o["reg_a_tier"] = 2.0
		}
		// So is accreditation_verification_required, false unless set.
		o["accreditation_verification_required"] = false
		check(fmt.Sprintf("/api/offerings/%v/", o["id"]), o)
	}
	for _, inv := range file.Investments {
		for _, k := range []string{"created_at", "requested_payment_method", "is_approved"} {
			delete(inv, k)
		}
		check(fmt.Sprintf("/api/investments/%v/", inv["id"]), inv)
	}
	for _, inv := range file.Investors {
		check(fmt.Sprintf("/api/investors/%v/", inv["id"]), inv)
	}
	for _, u := range file.Users {
		if u["thirdpartyissueruser_email"] == nil {
			continue
		}
		check(fmt.Sprintf("/api/users/%v/", u["id"]), map[string]any{"id": u["id"], "email": u["email"]})
	}
}

func TestStatuses(t *testing.T) {
	e := setup(t)
	resp, got := e.do(t, "GET", "/api/investments/statuses/", e.keys["workspace"])
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	var labels []string
	for _, s := range got.(map[string]any)["data"].(map[string]any)["statuses"].([]any) {
		m := s.(map[string]any)
		labels = append(labels, m["value"].(string)+"="+m["label"].(string))
	}
	want := "started=Started not_received=Not Received payment_failed=Payment Failed received=Received cancelled=Cancelled refunded=Refunded invested=Invested approved=Approved not_approved=Not Approved accepted=Accepted accepted_escrow_closed=Accepted Escrow Closed"
	if strings.Join(labels, " ") != want {
		t.Errorf("statuses = %v", labels)
	}
}

// TestAuthMatrix: no key, bad key, revoked key, a key of another offering,
// issuer or workspace, for the five routes of the walking skeleton.
func TestAuthMatrix(t *testing.T) {
	e := setup(t)
	// offering 1 (issuer 1), investment 1 (offering 1), an investor of
	// offering 1 who has nothing in offering 2, user 1.
	investor := investorOnlyIn(t, 1, 2)
	paths := []string{"/api/offerings/1/", "/api/investments/1/", fmt.Sprintf("/api/investors/%d/", investor), "/api/users/1/", "/api/investments/statuses/"}
	noCreds := map[string]any{"detail": "Authentication credentials were not provided."}
	badKey := map[string]any{"detail": "Invalid API key."}
	notFound := map[string]any{"detail": "Not found."}
	for _, p := range paths {
		for _, c := range []struct {
			name   string
			authz  string
			status int
			body   any
		}{
			{"no key", "", 401, noCreds},
			{"unknown key", "tk_1_nope", 401, badKey},
			{"garbage", "hello world", 401, badKey},
			{"revoked key", e.keys["revoked"], 401, badKey},
			{"workspace key", e.keys["workspace"], 200, nil},
			{"Api-Key scheme", "Api-Key " + e.keys["workspace"], 200, nil},
			{"issuer 1 key", e.keys["issuer1"], 200, nil},
			{"offering 2 key", e.keys["offering2"], 404, notFound},
			{"other workspace key", e.keys["otherworkspace"], 404, notFound},
		} {
			status, body := c.status, c.body
			if p == "/api/investments/statuses/" && status == 404 {
				status, body = 200, nil // statuses are the same for every key
			}
			if p == "/api/users/1/" && status == 404 && c.name == "offering 2 key" {
				status, body = 200, nil // users are the workspace's, not an offering's
			}
			resp, got := e.do(t, "GET", p, c.authz)
			if resp.StatusCode != status {
				t.Errorf("%s with %s: status %d, want %d (%v)", p, c.name, resp.StatusCode, status, got)
				continue
			}
			if body != nil {
				if d := cmp.Diff(body, got); d != "" {
					t.Errorf("%s with %s: body (-want +got):\n%s", p, c.name, d)
				}
			}
			if status == 401 && resp.Header.Get("WWW-Authenticate") != "Api-Key" {
				t.Errorf("%s with %s: WWW-Authenticate %q", p, c.name, resp.Header.Get("WWW-Authenticate"))
			}
		}
	}
}

// investorOnlyIn finds an investor with an investment in offering in and
// none in offering notIn.
func investorOnlyIn(t *testing.T, in, notIn float64) int64 {
	var file struct {
		Investments []struct {
			Offering float64 `json:"offering"`
			Investor struct {
				ID int64 `json:"id"`
			} `json:"investor"`
		} `json:"investments"`
	}
	if err := json.Unmarshal(sample.JSON, &file); err != nil {
		t.Fatal(err)
	}
	has := map[int64]map[float64]bool{}
	for _, inv := range file.Investments {
		if has[inv.Investor.ID] == nil {
			has[inv.Investor.ID] = map[float64]bool{}
		}
		has[inv.Investor.ID][inv.Offering] = true
	}
	for id, offs := range has {
		if offs[in] && !offs[notIn] {
			return id
		}
	}
	t.Fatal("no such investor in the sample")
	return 0
}

func TestDRFFallbacks(t *testing.T) {
	e := setup(t)
	key := e.keys["workspace"]
	resp, body := e.do(t, "PUT", "/api/offerings/1/", key)
	if resp.StatusCode != 405 || cmp.Diff(any(map[string]any{"detail": `Method "PUT" not allowed.`}), body) != "" {
		t.Errorf("PUT = %d %v", resp.StatusCode, body)
	}
	if !strings.Contains(resp.Header.Get("Allow"), "GET") {
		t.Errorf("Allow = %q", resp.Header.Get("Allow"))
	}
	resp, body = e.do(t, "GET", "/api/nothing-here/", key)
	if resp.StatusCode != 404 || cmp.Diff(any(map[string]any{"detail": "Not found."}), body) != "" {
		t.Errorf("unknown path = %d %v", resp.StatusCode, body)
	}
	resp, _ = e.do(t, "GET", "/api/offerings/1?x=1", key)
	if resp.StatusCode != 301 || resp.Header.Get("Location") != "/api/offerings/1/?x=1" {
		t.Errorf("no slash = %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = e.do(t, "GET", "/api/offerings/abc/", key)
	if resp.StatusCode != 404 {
		t.Errorf("non-integer id = %d %v", resp.StatusCode, body)
	}
	resp, body = e.do(t, "GET", "/api/offerings/999/", key)
	if resp.StatusCode != 404 {
		t.Errorf("missing id = %d %v", resp.StatusCode, body)
	}
}

func TestEveryFunctionHasAHandler(t *testing.T) {
	for _, fn := range routes.Functions() {
		if _, ok := Handlers[fn]; !ok {
			t.Errorf("function %s has routes but no handler in localgw.Handlers", fn)
		}
	}
}

// onceTB lets the shared table outlive the first test that creates it: its
// cleanup runs when the test binary exits (TestMain) instead.
type onceTB struct{ *testing.T }

func (o *onceTB) Cleanup(f func()) { cleanups = append(cleanups, f) }

var cleanups []func()

func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range cleanups {
		f()
	}
	if shared != nil {
		shared.srv.Close()
	}
	os.Exit(code)
}
