package schedule_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/importer/importtest"
	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/schedule"
	"github.com/tranche-dev/tranche/pkg/store"
)

// fixture is the sample issuer with every offering's name carrying a
// marker unique to the test, so the test finds its own mail in the shared
// SES emulator by subject.
type fixture struct {
	*importtest.Loaded
	marker string
	runner *schedule.Runner
}

func setup(t *testing.T, edit func(o *model.Offering)) *fixture {
	t.Helper()
	mailtest.Endpoint(t)
	l := importtest.Sample(t)
	var b [4]byte
	_, _ = rand.Read(b[:])
	f := &fixture{Loaded: l, marker: "t" + hex.EncodeToString(b[:])}
	ctx := context.Background()
	for _, o := range l.Data.Offerings {
		got, v, err := l.DB.OfferingForWrite(ctx, l.Workspace, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		got.Name += " " + f.marker
		if edit != nil {
			edit(got)
		}
		if err := l.DB.UpdateOffering(ctx, l.Workspace, got, v, "", "", "", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	f.runner = &schedule.Runner{DB: l.DB, Mail: mailtest.Sender(t), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Lease: schedule.Lease, LookBack: schedule.LookBack}
	return f
}

// mails returns the messages of this test the emulator holds.
func (f *fixture) mails(t *testing.T) []mailtest.Email {
	t.Helper()
	resp, err := http.Get(mailtest.Endpoint(t) + "/store")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Emails []mailtest.Email `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	var out []mailtest.Email
	for _, e := range st.Emails {
		if strings.Contains(e.Subject, f.marker) {
			out = append(out, e)
		}
	}
	return out
}

// got lists "recipient | subject" of the messages, sorted, without the
// marker.
func (f *fixture) got(ms []mailtest.Email) []string {
	var out []string
	for _, m := range ms {
		out = append(out, strings.Join(m.Destination.To, ",")+" | "+strings.ReplaceAll(m.Subject, " "+f.marker, ""))
	}
	sort.Strings(out)
	return out
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// expectedReminders restates the reminder rules over the sample data: an
// oracle independent of the package's code.
func expectedReminders(f *fixture, now time.Time) []string {
	users := map[int64]model.User{}
	for _, u := range f.Data.Users {
		users[u.ID] = u
	}
	investors := map[int64]model.Investor{}
	for _, i := range f.Data.Investors {
		investors[i.ID] = i
	}
	offerings := map[int64]model.Offering{}
	for _, o := range f.Data.Offerings {
		offerings[o.ID] = o
	}
	window := func(created time.Time, days, max int64) bool {
		if days <= 0 || max <= 0 {
			return false
		}
		n := int64(now.Sub(created) / (time.Duration(days) * 24 * time.Hour))
		return n >= 1 && n <= max
	}
	var out []string
	for _, inv := range f.Data.Investments {
		o := offerings[inv.Offering]
		investor := investors[inv.Investor]
		if o.Status != "opened" || !investor.ReceiveEmails {
			continue
		}
		to := users[investor.User].Email
		wire := (inv.RequestedPaymentMethod != nil && *inv.RequestedPaymentMethod == "wire") || (inv.PaymentMethod != nil && *inv.PaymentMethod == "wire")
		// One per investment and run: the wire reminder wins.
		switch {
		case wire && inv.ReceivedAt == nil && (inv.Status == "started" || inv.Status == "not_received") &&
			window(inv.CreatedAt.Time, *o.WireEmailReminderPeriod, *o.WireEmailReminderMaxSent):
			out = append(out, to+" | Reminder: your wire for "+o.Name+" has not arrived yet")
		case inv.Status == "started" && window(inv.CreatedAt.Time, *o.InvestmentEmailReminderPeriod, *o.InvestmentEmailReminderMaxSent):
			out = append(out, to+" | Reminder: finish your investment in "+o.Name)
		}
	}
	sort.Strings(out)
	return out
}

func TestReminders(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	ctx := context.Background()
	now := at("2025-06-29T18:00:00Z")
	if err := f.runner.Reminders(ctx, now); err != nil {
		t.Fatal(err)
	}
	first := f.mails(t)
	want := expectedReminders(f, now)
	if diff := cmp.Diff(want, f.got(first)); diff != "" {
		t.Fatalf("first run (-want +got):\n%s", diff)
	}
	// Investment 293 (BrightPath, started 2025-06-27T17:29Z, period 1 day,
	// max 3) is in its second window: reminder 2 to its investor's user.
	var tanaka *mailtest.Email
	for i, m := range first {
		if m.Destination.To[0] == "michael.tanaka6@gmail.com" {
			tanaka = &first[i]
		}
	}
	if tanaka == nil {
		t.Fatal("no reminder to michael.tanaka6@gmail.com")
	}
	for _, s := range []string{"BrightPath Robotics", "$4,365.00", "support@brightpath-robotics.example.com"} {
		if !strings.Contains(tanaka.Body.Text, s) {
			t.Errorf("reminder body lacks %q:\n%s", s, tanaka.Body.Text)
		}
	}
	if strings.Contains(tanaka.Body.Text, "last reminder") {
		t.Errorf("reminder 2 of 3 says it is the last")
	}

	// The same period again, and an hour later: nothing new.
	for _, again := range []time.Time{now, now.Add(time.Hour)} {
		if err := f.runner.Reminders(ctx, again); err != nil {
			t.Fatal(err)
		}
		if n := len(f.mails(t)); n != len(first) {
			t.Fatalf("run at %v sent %d more", again, n-len(first))
		}
	}

	// A day later: the next window, reminder 3 of 3, is the last.
	next := now.Add(24 * time.Hour)
	if err := f.runner.Reminders(ctx, next); err != nil {
		t.Fatal(err)
	}
	second := f.mails(t)[len(first):]
	if diff := cmp.Diff(expectedReminders(f, next), f.got(second)); diff != "" {
		t.Fatalf("next day (-want +got):\n%s", diff)
	}
	last := false
	for _, m := range second {
		if m.Destination.To[0] == "michael.tanaka6@gmail.com" && strings.Contains(m.Body.Text, "last reminder") {
			last = true
		}
	}
	if !last {
		t.Error("reminder 3 of 3 to michael.tanaka6@gmail.com missing or not marked last")
	}
	recs, err := f.DB.SendRecords(ctx, f.Workspace, 2, schedule.KindInvestmentReminder+"#3#")
	if err != nil {
		t.Fatal(err)
	}
	if r := recs[schedule.KindInvestmentReminder+"#3#000000000293"]; r == nil || r.Status != store.SendSent || !r.Final || r.MessageID == "" {
		t.Errorf("record of reminder 3 of investment 293: %+v", r)
	}

	// Past the last window: nothing.
	before := len(f.mails(t))
	if err := f.runner.Reminders(ctx, now.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := len(f.mails(t)); n != before+len(expectedReminders(f, now.Add(48*time.Hour))) {
		t.Errorf("two days later: %d sent, want %d", n-before, len(expectedReminders(f, now.Add(48*time.Hour))))
	}
}

// crashing panics on its first send, as a process that dies between the
// send record and SES; later sends go through.
type crashing struct {
	mu      sync.Mutex
	crashed bool
	next    schedule.Mailer
}

func (c *crashing) Send(ctx context.Context, m mail.Message) (string, error) {
	c.mu.Lock()
	first := !c.crashed
	c.crashed = true
	c.mu.Unlock()
	if first {
		panic("crash between record and send")
	}
	return c.next.Send(ctx, m)
}

func TestCrashBetweenRecordAndSendIsRetriedOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	ctx := context.Background()
	now := at("2025-06-29T18:00:00Z")
	want := expectedReminders(f, now)
	if len(want) == 0 {
		t.Fatal("no reminders due at the test's clock")
	}
	real := f.runner.Mail
	f.runner.Mail = &crashing{next: real}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the run did not crash")
			}
		}()
		_ = f.runner.Reminders(ctx, now)
	}()
	if n := len(f.mails(t)); n != 0 {
		t.Fatalf("%d sent before the crash", n)
	}
	// A retry of the same invocation: the crashed record is under its
	// lease, so it waits; the others go out.
	if err := f.runner.Reminders(ctx, now); err != nil {
		t.Fatal(err)
	}
	if n := len(f.mails(t)); n != len(want)-1 {
		t.Fatalf("retry in the lease sent %d, want %d", n, len(want)-1)
	}
	// The next hourly run: the lease ran out, the crashed one is sent.
	if err := f.runner.Reminders(ctx, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, f.got(f.mails(t))); diff != "" {
		t.Fatalf("after the next run (-want +got):\n%s", diff)
	}
	// And never again.
	if err := f.runner.Reminders(ctx, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, f.got(f.mails(t))); diff != "" {
		t.Fatalf("a later run sent again (-want +got):\n%s", diff)
	}
	retried := 0
	for _, o := range []int64{1, 2, 5} {
		recs, err := f.DB.SendRecords(ctx, f.Workspace, o, "")
		if err != nil {
			t.Fatal(err)
		}
		for k, r := range recs {
			if r.Status != store.SendSent {
				t.Errorf("%s: status %s", k, r.Status)
			}
			if r.Attempts == 2 {
				retried++
			}
		}
	}
	if retried != 1 {
		t.Errorf("%d records retried, want 1", retried)
	}
}

// failing refuses the first send to one address, as SES would.
type failing struct {
	to     string
	failed bool
	next   schedule.Mailer
}

var errSES = errors.New("ses: throttled")

func (f *failing) Send(ctx context.Context, m mail.Message) (string, error) {
	if !f.failed && m.To[0] == f.to {
		f.failed = true
		return "", errSES
	}
	return f.next.Send(ctx, m)
}

func TestSESFailureIsRetriedWithoutDuplicates(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	ctx := context.Background()
	now := at("2025-06-29T18:00:00Z")
	want := expectedReminders(f, now)
	f.runner.Mail = &failing{to: "michael.tanaka6@gmail.com", next: f.runner.Mail}
	if err := f.runner.Reminders(ctx, now); !errors.Is(err, errSES) {
		t.Fatalf("run: %v, want the SES error", err)
	}
	recs, err := f.DB.SendRecords(ctx, f.Workspace, 2, "")
	if err != nil {
		t.Fatal(err)
	}
	if r := recs[schedule.KindInvestmentReminder+"#2#000000000293"]; r == nil || r.Status != store.SendFailed || r.Error == "" {
		t.Fatalf("failed send's record: %+v", r)
	}
	if n := len(f.mails(t)); n != len(want)-1 {
		t.Fatalf("%d sent, want %d", n, len(want)-1)
	}
	// The next run (here: the same period, as Scheduler's retry) sends
	// the failed one only.
	for i := 0; i < 2; i++ {
		if err := f.runner.Reminders(ctx, now); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, f.got(f.mails(t))); diff != "" {
			t.Fatalf("run %d (-want +got):\n%s", i, diff)
		}
	}
}

func TestSummaries(t *testing.T) {
	t.Parallel()
	f := setup(t, func(o *model.Offering) {
		if o.ID == 1 { // Helios Solar Fund, US/Pacific, opened
			th := model.Money{Decimal: decimal.RequireFromString("5000")}
			o.EmailInvestmentStartedThreshold = &th
			o.UserSentMaxMonitoringEmails = true
			mon := "monitor@helios-solar-fund.example.com"
			o.UserSentMaxMonitoringRecipients = &mon
		}
		if o.ID == 2 { // BrightPath Robotics: only the monitoring alert
			o.UserSentMaxMonitoringEmails = true
		}
	})
	ctx := context.Background()
	// 2025-06-30 is a Monday. 14:00Z is 07:00 in Los Angeles, 09:00 in
	// Chicago (Northwind, paused: summaries still go) and 15:00 in London.
	early := at("2025-06-30T14:00:00Z")
	if err := f.runner.Summaries(ctx, early); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ops@atlas-realty-income.example.com | Daily summary for Atlas Realty Income: Sunday, June 29, 2025",
		"ops@atlas-realty-income.example.com | Weekly summary for Atlas Realty Income: June 23 to June 29, 2025",
		"ops@northwind-biotech.example.com | Daily summary for Northwind Biotech: Sunday, June 29, 2025",
		"ops@northwind-biotech.example.com | Weekly summary for Northwind Biotech: June 23 to June 29, 2025",
	}
	if diff := cmp.Diff(want, f.got(f.mails(t))); diff != "" {
		t.Fatalf("07:00 Pacific (-want +got):\n%s", diff)
	}

	// 08:00 in Los Angeles: Helios's daily and weekly (weekly recipients
	// are empty: the daily ones get it), the per-investment summary and
	// the high-value alert of investment 300 (8650.00, created 14:00Z).
	eight := at("2025-06-30T15:00:00Z")
	if err := f.runner.Summaries(ctx, eight); err != nil {
		t.Fatal(err)
	}
	want = append(want,
		"ops@helios-solar-fund.example.com | Daily summary for Helios Solar Fund: Sunday, June 29, 2025",
		"ops@helios-solar-fund.example.com | Weekly summary for Helios Solar Fund: June 23 to June 29, 2025",
		"ops@helios-solar-fund.example.com | New investment in Helios Solar Fund: $8,650.00",
		"ops@helios-solar-fund.example.com | High-value investment started in Helios Solar Fund: $8,650.00",
	)
	sort.Strings(want)
	all := f.mails(t)
	if diff := cmp.Diff(want, f.got(all)); diff != "" {
		t.Fatalf("08:00 Pacific (-want +got):\n%s", diff)
	}
	for _, m := range all {
		if strings.HasPrefix(m.Subject, "Daily summary for Helios") {
			for _, s := range []string{"Running totals:", "Committed:", "Investments by status:", "Started: 5"} {
				if !strings.Contains(m.Body.Text, s) {
					t.Errorf("daily summary lacks %q:\n%s", s, m.Body.Text)
				}
			}
			if strings.Contains(m.Body.Text, "***-**") {
				t.Errorf("daily summary shows a tax id:\n%s", m.Body.Text)
			}
		}
	}

	// Later runs the same day: nothing again.
	for _, later := range []time.Time{eight, eight.Add(time.Hour), eight.Add(5 * time.Hour)} {
		if err := f.runner.Summaries(ctx, later); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, f.got(f.mails(t))); diff != "" {
			t.Fatalf("run at %v (-want +got):\n%s", later, diff)
		}
	}

	// Tuesday 08:00 Pacific: the next daily summaries; no weekly.
	tue := at("2025-07-01T15:00:00Z")
	if err := f.runner.Summaries(ctx, tue); err != nil {
		t.Fatal(err)
	}
	got := f.got(f.mails(t))
	want2 := append(append([]string{}, want...),
		"ops@atlas-realty-income.example.com | Daily summary for Atlas Realty Income: Monday, June 30, 2025",
		"ops@helios-solar-fund.example.com | Daily summary for Helios Solar Fund: Monday, June 30, 2025",
		"ops@northwind-biotech.example.com | Daily summary for Northwind Biotech: Monday, June 30, 2025")
	sort.Strings(want2)
	if diff := cmp.Diff(want2, got); diff != "" {
		t.Fatalf("Tuesday (-want +got):\n%s", diff)
	}
}

func TestMaxSentMonitoring(t *testing.T) {
	t.Parallel()
	f := setup(t, func(o *model.Offering) {
		o.DailySummaryEmails, o.WeeklySummaryEmails, o.PerInvestmentSummaryEmails, o.EmailInvestmentStartedHighValue = false, false, false, false
		if o.ID == 2 {
			o.UserSentMaxMonitoringEmails = true
			mon := "monitor@brightpath-robotics.example.com, second@brightpath-robotics.example.com"
			o.UserSentMaxMonitoringRecipients = &mon
		}
	})
	ctx := context.Background()
	// Investment 293's third and last reminder goes out on 2025-06-30.
	now := at("2025-06-30T18:00:00Z")
	if err := f.runner.Reminders(ctx, now); err != nil {
		t.Fatal(err)
	}
	before := len(f.mails(t))
	for i := 0; i < 2; i++ {
		if err := f.runner.Summaries(ctx, now.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	alerts := f.mails(t)[before:]
	want := []string{
		"monitor@brightpath-robotics.example.com | BrightPath Robotics: an investor has had the last reminder",
		"second@brightpath-robotics.example.com | BrightPath Robotics: an investor has had the last reminder",
	}
	if diff := cmp.Diff(want, f.got(alerts)); diff != "" {
		t.Fatalf("alerts (-want +got):\n%s", diff)
	}
	if !strings.Contains(alerts[0].Body.Text, "michael.tanaka6@gmail.com") || !strings.Contains(alerts[0].Body.Text, "$4,365.00") {
		t.Errorf("alert body:\n%s", alerts[0].Body.Text)
	}
}
