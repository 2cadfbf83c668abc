package schedule_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/model"
)

// TestOneReminderPerInvestmentPerRun: with both rules on the same days, a
// wire investment still started is in a window of both; it gets the wire
// reminder only.
func TestOneReminderPerInvestmentPerRun(t *testing.T) {
	t.Parallel()
	one, five := int64(1), int64(5)
	same := func(o *model.Offering) {
		if o.ID == 2 { // BrightPath Robotics
			o.InvestmentEmailReminderPeriod, o.InvestmentEmailReminderMaxSent = &one, &five
			o.WireEmailReminderPeriod, o.WireEmailReminderMaxSent = &one, &five
		}
	}
	f := setup(t, same)
	for i := range f.Data.Offerings { // the oracle reads the settings from here
		same(&f.Data.Offerings[i])
	}
	ctx := context.Background()
	now := at("2025-06-29T18:00:00Z")
	// Investment 293 (BrightPath, started 2025-06-27T17:29Z) becomes a
	// wire investment: in the second window of both rules at now.
	before, err := f.DB.InvestmentForWrite(ctx, f.Workspace, 293)
	if err != nil {
		t.Fatal(err)
	}
	after := *before
	wire := "wire"
	after.RequestedPaymentMethod = &wire
	if err := f.DB.UpdateInvestment(ctx, f.Workspace, before, &after, nil, "test", now); err != nil {
		t.Fatal(err)
	}
	for i := range f.Data.Investments {
		if f.Data.Investments[i].ID == 293 {
			f.Data.Investments[i].RequestedPaymentMethod = &wire
		}
	}
	if err := f.runner.Reminders(ctx, now); err != nil {
		t.Fatal(err)
	}
	got := f.got(f.mails(t))
	if diff := cmp.Diff(expectedReminders(f, now), got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	var tanaka []string
	for _, g := range got {
		if strings.HasPrefix(g, "michael.tanaka6@gmail.com |") {
			tanaka = append(tanaka, g)
		}
	}
	if want := []string{"michael.tanaka6@gmail.com | Reminder: your wire for BrightPath Robotics has not arrived yet"}; !cmp.Equal(want, tanaka) {
		t.Fatalf("investment 293's reminders: %q, want the wire one only", tanaka)
	}
}

// TestSummariesOnlyAfterOpening: an offering that opened on Monday gets no
// daily summary of Sunday and no weekly summary of the week before.
func TestSummariesOnlyAfterOpening(t *testing.T) {
	t.Parallel()
	f := setup(t, func(o *model.Offering) {
		if o.ID == 1 { // Helios Solar Fund, US/Pacific
			opened := model.NewTime(at("2025-06-30T10:00:00Z"))
			o.OpenedAt = &opened
		}
	})
	ctx := context.Background()
	if err := f.runner.Summaries(ctx, at("2025-06-30T15:00:00Z")); err != nil {
		t.Fatal(err)
	}
	for _, g := range f.got(f.mails(t)) {
		if strings.Contains(g, "summary for Helios") {
			t.Errorf("a summary of a period before Helios opened: %s", g)
		}
	}
	// Tuesday: Monday's daily summary, the day it opened, goes out.
	if err := f.runner.Summaries(ctx, at("2025-07-01T15:00:00Z")); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range f.got(f.mails(t)) {
		found = found || g == "ops@helios-solar-fund.example.com | Daily summary for Helios Solar Fund: Monday, June 30, 2025"
	}
	if !found {
		t.Errorf("no summary of the day Helios opened: %q", f.got(f.mails(t)))
	}
}

// TestHighValueRecipients: the high-value alert goes to the standing
// summary recipients, the per-investment summary to its own list.
func TestHighValueRecipients(t *testing.T) {
	t.Parallel()
	f := setup(t, func(o *model.Offering) {
		o.DailySummaryEmails, o.WeeklySummaryEmails = false, false
		if o.ID == 1 {
			th := model.Money{Decimal: decimal.RequireFromString("5000")}
			o.EmailInvestmentStartedThreshold, o.EmailInvestmentStartedHighValue, o.PerInvestmentSummaryEmails = &th, true, true
			list := "every-investment@helios-solar-fund.example.com"
			o.PerInvestmentSummaryRecipients = &list
		}
	})
	if err := f.runner.Summaries(context.Background(), at("2025-06-30T15:00:00Z")); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"every-investment@helios-solar-fund.example.com | New investment in Helios Solar Fund: $8,650.00",
		"ops@helios-solar-fund.example.com | High-value investment started in Helios Solar Fund: $8,650.00",
	}
	var got []string
	for _, g := range f.got(f.mails(t)) {
		if strings.Contains(g, "Helios") {
			got = append(got, g)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
