package investments_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/investments"
)

// End-to-end tests of issue 16's findings: each rule through the HTTP
// handlers over DynamoDB Local.

func (e *env) invest(o, investor int64, quantity int) resp {
	e.t.Helper()
	return e.call("POST", "/api/investments/", e.write, map[string]any{"offering": o, "investor": investor, "quantity": quantity})
}

var accreditedEntity = map[string]any{"accredited_investor": true, "accredited_investor_type": "income", "annual_income": "300000.00", "net_worth": "2000000.00"}

// TestDeadlineEndToEnd: an offering past its deadline_date neither opens
// nor takes investments; the deadline day itself, in the offering's
// timezone, still does.
func TestDeadlineEndToEnd(t *testing.T) {
	e := newEnv(t)
	past := time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly)
	o := e.createOffering("reg_d_506c", map[string]any{"deadline_date": past})
	path := fmt.Sprintf("/api/offerings/%d/", o)
	r := e.call("POST", path+"open/", e.write, nil)
	want := `{"deadline_date":["The deadline ` + past + ` has passed: an offering may not open after its deadline; set a later deadline_date first."]}` + "\n"
	if r.status != 400 || string(r.raw) != want {
		t.Errorf("open past the deadline = %d %s, want 400 %s", r.status, r.raw, want)
	}
	if got := e.must(200, "GET", path, nil); got["status"] != "incomplete" || got["opened_at"] != nil {
		t.Errorf("refused open changed the offering: %v %v", got["status"], got["opened_at"])
	}

	// A later deadline, in Tokyo: it opens, and takes investments until the
	// end of the deadline day there.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	deadline := time.Now().In(tokyo).AddDate(0, 0, 2)
	day := deadline.Format(time.DateOnly)
	e.must(200, "PATCH", path, map[string]any{"deadline_date": day, "default_timezone": "Asia/Tokyo"})
	if got := e.must(200, "POST", path+"open/", nil); got["status"] != "opened" {
		t.Fatalf("open before the deadline: %v", got["status"])
	}
	investor := e.newInvestor("person", accreditedEntity)
	end := time.Date(deadline.Year(), deadline.Month(), deadline.Day()+1, 0, 0, 0, 0, tokyo)
	clock := end.Add(-time.Nanosecond)
	defer investments.SetClock(func() time.Time { return clock })()
	if r := e.invest(o, investor, 20); r.status != 201 {
		t.Errorf("last instant of the deadline day = %d %s", r.status, r.raw)
	}
	before := e.aggregate(o)
	clock = end
	r = e.invest(o, investor, 20)
	want = `{"offering":["The offering's deadline_date ` + day + ` has passed: it takes no new investments."]}` + "\n"
	if r.status != 400 || string(r.raw) != want {
		t.Errorf("after the deadline = %d %s, want 400 %s", r.status, r.raw, want)
	}
	if a := e.checkTotals(o); a.Committed.Count != before.Committed.Count || a.Committed.Count != 1 {
		t.Errorf("refused investment counted: %+v", a)
	}
}
