package schedule_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/schedule"
	"github.com/tranche-dev/tranche/pkg/store"
)

// refusingSES is a real SES v2 client on an address where nothing
// listens: every send is refused at the connection, as in an outage. The
// SDK's own retries are off to keep the test quick; they change nothing
// the runner sees.
func refusingSES(t *testing.T) *mail.Sender {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ep := "http://" + ln.Addr().String()
	ln.Close()
	cfg, err := app.LoadAWS(context.Background(), app.Config{EndpointURL: ep, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	cfg.RetryMaxAttempts = 1
	return mail.New(cfg, ep, "no-reply@tranche.test")
}

// sendRecords are every record of the sample offerings with scheduled work.
func sendRecords(t *testing.T, f *fixture) map[string]*store.SendRecord {
	t.Helper()
	out := map[string]*store.SendRecord{}
	for _, o := range f.Data.Offerings {
		recs, err := f.DB.SendRecords(context.Background(), f.Workspace, o.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			out[r.Ref().String()] = r
		}
	}
	return out
}

// TestSESOutage: SES refuses every send for more runs than a send has
// attempts, with Lambda's retries of each run on top. The sends of the
// first run end dead (logged at error level with their key, counted in the
// DeadSends metric), the monitoring alert still fires for the last
// reminder that never went out, and once SES is back an operator's retry
// delivers every e-mail exactly once.
func TestSESOutage(t *testing.T) {
	t.Parallel()
	f := setup(t, func(o *model.Offering) {
		o.DailySummaryEmails, o.WeeklySummaryEmails, o.PerInvestmentSummaryEmails, o.EmailInvestmentStartedHighValue = false, false, false, false
		if o.ID == 2 {
			o.UserSentMaxMonitoringEmails = true
			mon := "monitor@brightpath-robotics.example.com"
			o.UserSentMaxMonitoringRecipients = &mon
		}
	})
	ctx := context.Background()
	var logs, metrics bytes.Buffer
	f.runner.Log = slog.New(slog.NewJSONHandler(&logs, nil))
	f.runner.Metrics = &metrics
	up := f.runner.Mail
	f.runner.Mail = refusingSES(t)

	// Investment 293's third and last reminder is due from 2025-06-29T17:29Z.
	start := at("2025-06-30T18:00:00Z")
	want := expectedReminders(f, start)
	if len(want) == 0 {
		t.Fatal("no reminders due at the test's clock")
	}
	for run := 0; run < store.MaxSendAttempts; run++ {
		now := start.Add(time.Duration(run) * time.Hour)
		for invocation := 0; invocation < 3; invocation++ { // Lambda retries a failed run twice
			if err := f.runner.Reminders(ctx, now); err == nil && run < store.MaxSendAttempts-1 {
				t.Fatalf("run %d: no error while SES is down", run)
			}
		}
		if run == 0 {
			for k, r := range sendRecords(t, f) {
				if r.Status != store.SendFailed || r.Attempts != 1 {
					t.Fatalf("after the first run's retries, %s: %s, %d attempts", k, r.Status, r.Attempts)
				}
			}
		}
	}
	if n := len(f.mails(t)); n != 0 {
		t.Fatalf("%d e-mails while SES was down", n)
	}
	dead := map[string]*store.SendRecord{}
	for k, r := range sendRecords(t, f) {
		if r.Status == store.SendDead {
			dead[k] = r
		}
	}
	if len(dead) != len(want) {
		t.Fatalf("%d dead records, want %d (one per reminder of the first run)", len(dead), len(want))
	}
	finalDead := false
	for k, r := range dead {
		if r.Attempts != store.MaxSendAttempts || r.Mail == "" || r.Error == "" {
			t.Errorf("%s: %+v", k, r)
		}
		if !strings.Contains(logs.String(), `"level":"ERROR","msg":"e-mail dead`) || !strings.Contains(logs.String(), `"record":"`+k+`"`) {
			t.Errorf("no error log line with the record %s", k)
		}
		finalDead = finalDead || (r.Final && r.Investment == 293)
	}
	if !finalDead {
		t.Fatal("the last reminder of investment 293 is not among the dead")
	}
	listed, err := f.runner.Dead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for k := range dead {
		found := false
		for _, r := range listed {
			found = found || r.Ref().String() == k
		}
		if !found {
			t.Errorf("%s missing from the dead list", k)
		}
	}
	deadMetric := 0
	for _, line := range strings.Split(strings.TrimSpace(metrics.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		if _, ok := m["_aws"]; !ok || m["Function"] != "reminders" {
			t.Fatalf("metrics line %q is not EMF", line)
		}
		deadMetric += int(m[schedule.MetricDeadSends].(float64))
	}
	if deadMetric != len(dead) {
		t.Errorf("DeadSends summed to %d, want %d", deadMetric, len(dead))
	}

	// SES is back. The monitoring alert fires although the last reminder
	// never went out.
	f.runner.Mail = up
	last := start.Add(time.Duration(store.MaxSendAttempts) * time.Hour)
	if err := f.runner.Summaries(ctx, last); err != nil {
		t.Fatal(err)
	}
	alerts := f.got(f.mails(t))
	if diff := strings.Join(alerts, "\n"); diff != "monitor@brightpath-robotics.example.com | BrightPath Robotics: an investor has had the last reminder" {
		t.Fatalf("alerts after the outage: %q", alerts)
	}
	if !strings.Contains(f.mails(t)[0].Body.Text, "could not be delivered") {
		t.Errorf("the alert does not say the last reminder was not delivered:\n%s", f.mails(t)[0].Body.Text)
	}

	// The operator retries everything, twice: each dead e-mail goes once.
	for i := 0; i < 2; i++ {
		n, err := f.runner.RetryAll(ctx, last)
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 && n != 0 {
			t.Fatalf("a second retry sent %d", n)
		}
	}
	var reminders []string
	for _, m := range f.got(f.mails(t)) {
		if !strings.HasPrefix(m, "monitor@") {
			reminders = append(reminders, m)
		}
	}
	sort.Strings(reminders)
	if strings.Join(reminders, "\n") != strings.Join(want, "\n") {
		t.Fatalf("after retry:\n got %q\nwant %q", reminders, want)
	}
	all := sendRecords(t, f)
	for k := range dead {
		if r := all[k]; r.Status != store.SendSent || r.MessageID == "" || r.Mail != "" {
			t.Errorf("%s after retry: %+v", k, r)
		}
	}
	if left, _ := f.runner.Dead(ctx); len(left) != 0 {
		for _, r := range left {
			if _, mine := dead[r.Ref().String()]; mine {
				t.Errorf("%s still listed dead", r.Ref())
			}
		}
	}
}
