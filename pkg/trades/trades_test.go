package trades_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
	"github.com/tranche-dev/tranche/pkg/trades"
)

type world struct {
	t   *testing.T
	db  *store.DB
	env *sessiontest.Env
	h   http.Handler
}

// newWorld: workspace Alpha (owner_a, member_a) and Bravo (owner_b).
func newWorld(t *testing.T) *world {
	t.Helper()
	db := storetest.New(t)
	env := sessiontest.New(t)
	h, err := trades.NewHandler(env.Deps(db))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, ws := range []struct {
		name  string
		users []string
	}{{"Alpha", []string{"owner_a", "member_a"}}, {"Bravo", []string{"owner_b"}}} {
		w, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: ws.name, ClerkOrgID: "org_" + strings.ToLower(ws.name)})
		if err != nil {
			t.Fatal(err)
		}
		for i, u := range ws.users {
			if _, err := db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: u, Email: u + "@example.com"}); err != nil {
				t.Fatal(err)
			}
			role := store.RoleMember
			if i == 0 {
				role = store.RoleOwner
			}
			if _, err := db.PutMembership(ctx, w.ID, u, role, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	return &world{t: t, db: db, env: env, h: h}
}

func (w *world) do(user, org, method, target, body string) *httptest.ResponseRecorder {
	w.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+w.env.Token(w.t, user, org))
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return rec
}

func list(t *testing.T, rec *httptest.ResponseRecorder) []map[string]any {
	t.Helper()
	if rec.Code != 200 {
		t.Fatalf("list: %d %s", rec.Code, rec.Body)
	}
	var out []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return out
}

func TestRoutesBound(t *testing.T) {
	if len(routes.ByFunction(trades.Function)) != 3 {
		t.Fatalf("the table lists %d trades routes", len(routes.ByFunction(trades.Function)))
	}
	rt := httpapi.NewRouter(trades.Function)
	trades.AddRoutesForTest(rt)
	if u := rt.Unbound(); len(u) != 0 {
		t.Errorf("unbound: %v", u)
	}
}

const (
	tradeA = `{"trade_id":"T-1","symbol":"AAPL","side":"BUY","type":"STK","qty":10,"trade_price":"189.125","commission_fee":1,"open_time":"2026-03-02T14:30:00Z","order_id":"O-1","client_account_id":"U1","account_alias":"main"}`
	tradeB = `{"trade_id":"T-2","symbol":"EUR.USD","side":"SELL","type":"CASH","qty":-25000.5,"trade_price":1.08345678,"close_price":1.1,"open_time":"2026-03-02T09:00:00-05:00","close_time":"2026-03-02T17:00:00-05:00","duration":"8h"}`
)

func TestImportAndList(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if rec := w.do("", "", "GET", "/api/v1/ibkr/trades/", ""); rec.Code != 401 || rec.Header().Get("WWW-Authenticate") != "Bearer" {
		t.Fatalf("anonymous: %d", rec.Code)
	}
	if got := list(t, w.do("owner_a", "", "GET", "/api/v1/ibkr/trades/", "")); len(got) != 0 {
		t.Fatalf("empty: %v", got)
	}
	rec := w.do("owner_a", "org_alpha", "POST", "/api/v1/ibkr/trades/", "["+tradeA+","+tradeB+"]")
	if rec.Code != 201 || rec.Body.String() != `{"created":2,"already_present":0}`+"\n" {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	// The same import again creates and changes nothing.
	rec = w.do("owner_a", "org_alpha", "POST", "/api/v1/ibkr/trades/", "["+tradeB+","+tradeA+"]")
	if rec.Code != 201 || rec.Body.String() != `{"created":0,"already_present":2}`+"\n" {
		t.Fatalf("re-import: %d %s", rec.Code, rec.Body)
	}
	got := list(t, w.do("owner_a", "org_alpha", "GET", "/api/v1/ibkr/trades/", ""))
	hist := w.do("owner_a", "org_alpha", "GET", "/api/v1/ibkr/tradehistory/", "")
	if len(got) != 2 || got[0]["version"] != float64(1) || got[1]["version"] != float64(1) {
		t.Fatalf("list: %v", got)
	}
	if b, _ := json.Marshal(got); string(b) == "" || len(list(t, hist)) != 2 {
		t.Fatal("tradehistory differs")
	}
	const keys = "account_alias,client_account_id,close_price,close_time,commission_fee,created_at,duration,id,open_time,order_id,qty,side,symbol,trade_id,trade_price,type,update_at,user,version"
	var ks []string
	for k := range got[0] {
		ks = append(ks, k)
	}
	if s := strings.Join(sorted(ks), ","); s != keys {
		t.Errorf("keys %s\nwant %s", s, keys)
	}
	id, _ := w.db.Identity(context.Background(), "owner_a")
	a, b := got[0], got[1]
	if a["id"].(float64) >= b["id"].(float64) {
		t.Errorf("not by id: %v", got)
	}
	if a["trade_id"] != "T-1" || a["user"] != id.UUID || a["close_price"] != nil || a["close_time"] != nil || a["open_time"] != "2026-03-02T14:30:00Z" {
		t.Errorf("trade A: %v", a)
	}
	if b["open_time"] != "2026-03-02T14:00:00Z" || b["close_time"] != "2026-03-02T22:00:00Z" || b["commission_fee"] != float64(0) {
		t.Errorf("trade B: %v", b)
	}
	// Exact decimals, rendered as JSON numbers.
	body := hist.Body.String()
	for _, s := range []string{`"qty":10,`, `"trade_price":189.125,`, `"qty":-25000.5,`, `"trade_price":1.08345678,`, `"close_price":1.1,`, `"commission_fee":1,`} {
		if !strings.Contains(body, s) {
			t.Errorf("missing %s in %s", s, body)
		}
	}

	// A changed trade is updated in place (same id and created_at, version 2);
	// a new one is created.
	changed := strings.Replace(tradeA, `"commission_fee":1`, `"commission_fee":"1.35"`, 1)
	rec = w.do("owner_a", "org_alpha", "POST", "/api/v1/ibkr/trades/", `[`+changed+`,{"trade_id":"T-3","symbol":"MSFT","side":"BUY","qty":1,"trade_price":400}]`)
	if rec.Code != 201 || rec.Body.String() != `{"created":1,"already_present":1}`+"\n" {
		t.Fatalf("update import: %d %s", rec.Code, rec.Body)
	}
	after := list(t, w.do("owner_a", "org_alpha", "GET", "/api/v1/ibkr/trades/", ""))
	if len(after) != 3 || after[0]["id"] != a["id"] || after[0]["created_at"] != a["created_at"] || after[0]["version"] != float64(2) || after[0]["commission_fee"] != 1.35 || after[2]["trade_id"] != "T-3" {
		t.Errorf("after update: %v", after)
	}

	// One bad item: a 400 by index, and nothing of the batch is written.
	rec = w.do("owner_a", "org_alpha", "POST", "/api/v1/ibkr/trades/", `[{"trade_id":"T-4","symbol":"X","side":"BUY","qty":1,"trade_price":1},{"trade_id":"T-5","symbol":"Y","side":"BUY","qty":"x","trade_price":1}]`)
	if rec.Code != 400 || rec.Body.String() != `[{},{"qty":["A valid number is required."]}]`+"\n" {
		t.Fatalf("bad batch: %d %s", rec.Code, rec.Body)
	}
	if n := len(list(t, w.do("owner_a", "org_alpha", "GET", "/api/v1/ibkr/trades/", ""))); n != 3 {
		t.Errorf("a rejected batch wrote: %d trades", n)
	}
	for _, body := range []string{`{"trade_id":"T"}`, `[`, `[{"trade_id":`} {
		if rec := w.do("owner_a", "", "POST", "/api/v1/ibkr/trades/", body); rec.Code != 400 {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
	// Invalid UTF-8 was replaced with U+FFFD and stored (issue 11): DRF's
	// parser refuses the body.
	rec = w.do("owner_a", "", "POST", "/api/v1/ibkr/trades/", "[{\"trade_id\":\"T-\xff\",\"symbol\":\"X\",\"side\":\"BUY\",\"qty\":1,\"trade_price\":1}]")
	if want := `{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xff in position 16: invalid start byte"}` + "\n"; rec.Code != 400 || rec.Body.String() != want {
		t.Errorf("invalid UTF-8: %d %s", rec.Code, rec.Body)
	}
	if rec := w.do("owner_a", "", "DELETE", "/api/v1/ibkr/trades/", ""); rec.Code != 405 {
		t.Errorf("DELETE: %d", rec.Code)
	}
	if rec := w.do("owner_a", "", "POST", "/api/v1/ibkr/tradehistory/", "[]"); rec.Code != 405 {
		t.Errorf("POST tradehistory: %d", rec.Code)
	}
}

// TestTenancy: trades are the caller's own. Another member of the same
// workspace and a member of another workspace (whatever organisation their
// token names) see none of them, and importing the same trade_id creates
// their own trade without touching the first user's.
func TestTenancy(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if rec := w.do("owner_a", "org_alpha", "POST", "/api/v1/ibkr/trades/", "["+tradeA+"]"); rec.Code != 201 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	others := []struct{ user, org string }{{"member_a", "org_alpha"}, {"owner_b", "org_bravo"}, {"owner_b", "org_alpha"}}
	for _, c := range others {
		for _, path := range []string{"/api/v1/ibkr/trades/", "/api/v1/ibkr/tradehistory/"} {
			if got := list(t, w.do(c.user, c.org, "GET", path, "")); len(got) != 0 {
				t.Errorf("%s (%s) %s sees %v", c.user, c.org, path, got)
			}
		}
	}
	other := strings.Replace(tradeA, `"trade_price":"189.125"`, `"trade_price":"1"`, 1)
	for _, c := range others[:2] {
		rec := w.do(c.user, c.org, "POST", "/api/v1/ibkr/trades/", "["+other+"]")
		if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"created":1`) {
			t.Errorf("%s import: %d %s", c.user, rec.Code, rec.Body)
		}
	}
	mine := list(t, w.do("owner_a", "org_bravo", "GET", "/api/v1/ibkr/trades/", ""))
	id, _ := w.db.Identity(context.Background(), "owner_a")
	if len(mine) != 1 || mine[0]["trade_price"] != 189.125 || mine[0]["version"] != float64(1) || mine[0]["user"] != id.UUID {
		t.Errorf("owner_a's trade changed: %v", mine)
	}
	if ts, _ := w.db.Trades(context.Background(), "owner_b"); len(ts) != 1 || ts[0].User == id.UUID {
		t.Errorf("owner_b's trades: %+v", ts)
	}
}

func sorted(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}
