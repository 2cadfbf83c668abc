package investments_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/store"
)

// todayLines are the three *_today lines of a summary body, each as
// "amount count investor_count".
func todayLines(t *testing.T, body map[string]any) [3]string {
	t.Helper()
	var out [3]string
	for i, k := range []string{"total_amount_committed_today", "total_amount_received_today", "total_amount_invested_today"} {
		l, ok := body[k].(map[string]any)
		if !ok {
			t.Fatalf("no %s in %v", k, body)
		}
		out[i] = fmt.Sprintf("%v %v %v", l["amount"], l["count"], l["investor_count"])
	}
	return out
}

var planRead = regexp.MustCompile(`read=(\d+);`)

func reads(t *testing.T, r resp) int {
	t.Helper()
	m := planRead.FindStringSubmatch(r.header.Get(store.PlanHeader))
	if m == nil {
		t.Fatalf("no plan header: %v", r.header)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestSummaryTodayThroughWrites: investments created, received and
// invested through the write API at a fixed clock show in the unfiltered
// summary's *_today lines (read from the activity index), a cancel takes
// one out of committed_today, an offering in Asia/Tokyo has its own
// "today", a changed default_timezone applies at once (the index is keyed
// by UTC instant, so nothing is rebuilt), and the unfiltered lines always
// equal the filtered path's (which computes over every investment).
func TestSummaryTodayThroughWrites(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := time.Now().UTC().Truncate(24 * time.Hour)
	at := d.Add(14*time.Hour + 30*time.Minute) // 14:30Z on D: 23:30 on D in Tokyo
	clock := at
	restore := investments.SetClock(func() time.Time { return clock })
	defer restore()

	a := e.newOffering("reg_d_506c", nil)
	b := e.newOffering("reg_d_506c", map[string]any{"default_timezone": "Asia/Tokyo"})
	if got := e.must(200, "GET", fmt.Sprintf("/api/offerings/%d/", b), nil); got["default_timezone"] != "Asia/Tokyo" {
		t.Fatalf("offering b zone %v", got["default_timezone"])
	}
	accredited := map[string]any{"accredited_investor": true, "accredited_investor_type": "income", "annual_income": "300000.00", "net_worth": "2000000.00"}
	x, y := e.newInvestor("person", accredited), e.newInvestor("person", accredited)
	create := func(o, investor int64, amount string) string {
		inv := e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": investor, "amount": amount, "requested_payment_method": "wire"})
		return fmt.Sprintf("/api/investments/%d/", id(inv))
	}
	create(a, x, "1000.00")
	p2 := create(a, x, "2000.00")
	e.must(200, "POST", p2+"receive/", nil)
	p3 := create(a, y, "4000.00")
	e.must(200, "PATCH", p3, map[string]any{"payment_method": "wire", "has_investor_signed": true})
	e.must(200, "POST", p3+"receive/", nil)
	e.must(200, "POST", p3+"approve/", nil)
	if got := e.must(200, "POST", p3+"accept/", nil); got["invested_at"] == nil {
		t.Fatalf("accept set no invested_at: %v", got)
	}
	p4 := create(a, y, "8000.00")
	create(b, y, "500.00")

	keys := map[string]string{}
	for name, o := range map[string]int64{"a": a, "b": b} {
		k, err := auth.Mint(ctx, e.db, e.ws, auth.ScopeOffering, o, false, "today-"+name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		keys[name] = k.Secret
	}
	check := func(what, key string, want [3]string) resp {
		t.Helper()
		r := e.call("GET", "/api/investments/summary/", keys[key], nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", what, r.status, r.raw)
		}
		if got := todayLines(t, r.body); got != want {
			t.Errorf("%s: today lines %q, want %q", what, got, want)
		}
		t.Logf("%s: %s", what, r.header.Get(store.PlanHeader))
		return r
	}
	// oracle: the workspace's unfiltered summary equals the filtered path
	// over every investment (amount__gte=0 matches them all).
	oracle := func(what string) {
		t.Helper()
		u := e.call("GET", "/api/investments/summary/", e.read, nil)
		f := e.call("GET", "/api/investments/summary/?amount__gte=0", e.read, nil)
		if u.status != 200 || f.status != 200 {
			t.Fatalf("%s: %d %s / %d %s", what, u.status, u.raw, f.status, f.raw)
		}
		if diff := cmp.Diff(f.body, u.body); diff != "" {
			t.Errorf("%s: unfiltered differs from filtered (-filtered +unfiltered):\n%s", what, diff)
		}
		t.Logf("%s: workspace unfiltered %s; filtered %s", what, u.header.Get(store.PlanHeader), f.header.Get(store.PlanHeader))
	}

	check("a at 14:30Z", "a", [3]string{"15000 4 2", "6000 2 2", "4000 1 1"})
	// The first request after the writes applied them to the read model;
	// asked again with nothing written in between, it reads nothing,
	// whatever the table holds.
	r := check("a at 14:30Z again", "a", [3]string{"15000 4 2", "6000 2 2", "4000 1 1"})
	if n := reads(t, r); n != 0 {
		t.Errorf("a: read %d items with nothing changed", n)
	}
	check("b at 14:30Z (23:30 in Tokyo)", "b", [3]string{"500 1 1", "0 0 0", "0 0 0"})
	oracle("14:30Z")

	e.must(200, "POST", p4+"cancel/", nil)
	check("a after cancel", "a", [3]string{"7000 3 2", "6000 2 2", "4000 1 1"})

	// 16:00Z on D is 01:00 on D+1 in Tokyo: b's today is empty, a's is not.
	clock = d.Add(16 * time.Hour)
	check("a at 16:00Z", "a", [3]string{"7000 3 2", "6000 2 2", "4000 1 1"})
	check("b at 16:00Z (01:00 next day in Tokyo)", "b", [3]string{"0 0 0", "0 0 0", "0 0 0"})
	oracle("16:00Z")

	// a moves to Tokyo: at 16:00Z its investments (23:30 yesterday there)
	// are no longer today's; at 15:00Z (00:00 in Tokyo) either.
	e.must(200, "PATCH", fmt.Sprintf("/api/offerings/%d/", a), map[string]any{"default_timezone": "Asia/Tokyo"})
	check("a in Tokyo at 16:00Z", "a", [3]string{"0 0 0", "0 0 0", "0 0 0"})
	clock = d.Add(14*time.Hour + 59*time.Minute)
	check("a in Tokyo at 14:59Z (23:59 there)", "a", [3]string{"7000 3 2", "6000 2 2", "4000 1 1"})
	oracle("after the zone change")

	// The next UTC day: nothing of a's is today.
	clock = d.Add(24*time.Hour + 16*time.Hour)
	check("a on D+1", "a", [3]string{"0 0 0", "0 0 0", "0 0 0"})
}
