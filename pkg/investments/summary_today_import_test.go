package investments

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSummaryTodayImported: over the imported sample, the unfiltered
// summary's *_today lines are all zero at a clock far from the data and
// equal what the sample JSON says (computed independently, in each
// offering's zone) at clocks on days with imported activity; and what the
// today lines cost in reads is exactly the activity index entries of
// those days plus the investments they name, never the table.
func TestSummaryTodayImported(t *testing.T) {
	f := setup(t)
	old := summaryNow
	defer func() { summaryNow = old }()
	scopes := []struct {
		key  string
		pred func(obj) bool
	}{
		{"workspace", func(obj) bool { return true }},
		{"offering2", func(o obj) bool { return o["offering"] == 2.0 }},
		{"issuer1", func(o obj) bool { return o["offering"] == 1.0 || o["offering"] == 4.0 }},
	}
	readRe := regexp.MustCompile(`read=(\d+);`)
	summaryAt := func(key string, at time.Time) (reply, int) {
		t.Helper()
		summaryNow = func() time.Time { return at }
		r := f.get(t, key, "/api/investments/summary/")
		if r.status != 200 {
			t.Fatalf("%s at %s: %d %s", key, at, r.status, r.raw)
		}
		m := readRe.FindStringSubmatch(r.plan)
		if m == nil {
			t.Fatalf("no plan: %q", r.plan)
		}
		n, _ := strconv.Atoi(m[1])
		return r, n
	}
	// activity: index entries and distinct investments of "today" at at,
	// from the sample JSON.
	activity := func(pred func(obj) bool, at time.Time) (events, investments int) {
		for _, inv := range f.invs {
			if !pred(inv) {
				continue
			}
			loc, err := time.LoadLocation(str(f.offs[inv["offering"].(float64)]["default_timezone"]))
			if err != nil {
				t.Fatal(err)
			}
			active := false
			for _, k := range []string{"created_at", "received_at", "invested_at"} {
				if inv[k] != nil && ts(inv[k]).In(loc).Format(time.DateOnly) == at.In(loc).Format(time.DateOnly) {
					events++
					active = true
				}
			}
			if active {
				investments++
			}
		}
		return events, investments
	}

	far := time.Date(2035, 6, 15, 12, 0, 0, 0, time.UTC)
	base := map[string]int{}
	zero := map[string]string{"amount": "0.0", "count": "0", "investor_count": "0"}
	for _, s := range scopes {
		r, n := summaryAt(s.key, far)
		base[s.key] = n
		body := r.body.(obj)
		for _, k := range []string{"total_amount_committed_today", "total_amount_received_today", "total_amount_invested_today"} {
			got := map[string]string{}
			for kk, v := range body[k].(obj) {
				got[kk] = fmt.Sprint(v)
			}
			if diff := cmp.Diff(zero, got); diff != "" {
				t.Errorf("%s at %s: %s (-want +got):\n%s", s.key, far, k, diff)
			}
		}
		if diff := cmp.Diff(f.expectedSummary(s.pred, far), r.body); diff != "" {
			t.Errorf("%s at %s (-want +got):\n%s", s.key, far, diff)
		}
		if n >= len(f.invs) {
			t.Errorf("%s at %s: read %d items (the sample has %d investments)", s.key, far, n, len(f.invs))
		}
		t.Logf("%s at %s: %s", s.key, far.Format(time.RFC3339), r.plan)
	}

	// Clocks on days with imported activity: a few investments' created,
	// received and invested times.
	var clocks []time.Time
	for i, inv := range f.invs {
		if i%37 != 0 {
			continue
		}
		for _, k := range []string{"created_at", "received_at", "invested_at"} {
			if inv[k] != nil {
				clocks = append(clocks, ts(inv[k]).Add(time.Minute))
			}
		}
	}
	busy := 0
	for _, at := range clocks {
		for _, s := range scopes {
			r, n := summaryAt(s.key, at)
			if diff := cmp.Diff(f.expectedSummary(s.pred, at), r.body); diff != "" {
				t.Errorf("%s at %s (-want +got):\n%s", s.key, at, diff)
			}
			events, invs := activity(s.pred, at)
			if invs > 0 {
				busy++
			}
			// The read model is warm and nothing was written: the day's
			// activity costs no reads (before it, the activity index's
			// entries and the investments they name).
			if n != 0 {
				t.Errorf("%s at %s: read %d items with nothing changed (%d events, %d investments today)",
					s.key, at, n, events, invs)
			}
		}
	}
	if busy == 0 {
		t.Fatal("no clock fell on a day with imported activity")
	}
	t.Logf("%d clocks × %d scopes, %d with activity", len(clocks), len(scopes), busy)
}
