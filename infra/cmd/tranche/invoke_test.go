package main

import (
	"context"
	"testing"

	"github.com/tranche-dev/tranche/pkg/importer/importtest"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// TestInvoke: make invoke runs a scheduled function's handler once on a
// sample event, the event's time (or --at) being the run's clock, and an
// API function on an API Gateway request event.
func TestInvoke(t *testing.T) {
	ses := mailtest.Endpoint(t)
	l := importtest.Sample(t)
	ctx := context.Background()
	env := map[string]string{"TABLE_NAME": l.DB.Name(), "AWS_ENDPOINT_URL": storetest.Endpoint(t), "SES_ENDPOINT_URL": ses,
		"LOG_LEVEL": "error"}
	getenv := func(k string) string { return env[k] }
	sent := func(kind string) int {
		t.Helper()
		n := 0
		for _, o := range l.Data.Offerings {
			recs, err := l.DB.SendRecords(ctx, l.Workspace, o.ID, kind)
			if err != nil {
				t.Fatal(err)
			}
			n += len(recs)
		}
		return n
	}
	if err := run(ctx, []string{"invoke", "summaries", "../../../events/summaries-hourly.json"}, getenv); err != nil {
		t.Fatal(err)
	}
	// 2025-06-30T15:00Z is Monday 08:00 in Los Angeles: Helios's daily summary.
	if sent("DAILY#2025-06-29#") == 0 {
		t.Fatal("the summaries event sent no daily summary for June 29")
	}
	if err := run(ctx, []string{"invoke", "--at", "2025-07-01T15:00:00Z", "summaries", "../../../events/summaries-hourly.json"}, getenv); err != nil {
		t.Fatal(err)
	}
	if sent("DAILY#2025-06-30#") == 0 {
		t.Fatal("--at did not move the run's clock to July 1")
	}
	if err := run(ctx, []string{"invoke", "reminders", "../../../events/reminders-hourly.json"}, getenv); err != nil {
		t.Fatal(err)
	}
	if sent("INVESTMENT_REMINDER#") == 0 {
		t.Fatal("the reminders event sent no reminder")
	}
	if err := run(ctx, []string{"invoke", "schema", "../../../events/schema-get.json"}, getenv); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"invoke", "nosuch", "../../../events/schema-get.json"}, getenv); err == nil {
		t.Fatal("an unknown function ran")
	}
}
