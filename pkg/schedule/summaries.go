package schedule

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Summaries sends the summaries and alerts due at now, for every opened
// or paused offering.
func (r *Runner) Summaries(ctx context.Context, now time.Time) error {
	var res Result
	err := r.forEachOffering(ctx, func(ws string, o *model.Offering) error {
		if o.Status != "opened" && o.Status != "paused" {
			return nil
		}
		return r.summarizeOffering(ctx, ws, o, now, &res)
	})
	r.logger().InfoContext(ctx, "summaries run", "now", now, "sent", res.Sent, "skipped", res.Skipped, "failed", res.Failed, "dead", res.Dead)
	r.emitMetrics("summaries", res, time.Now())
	return err
}

// periodWindow is the local period a daily or weekly summary covers.
type periodWindow struct {
	kind, key, label string
	from, to         time.Time
}

// summaryWindows returns the summaries due at now for the offering: the
// previous local day from SummaryHour on, the previous ISO week from
// Monday SummaryHour on.
func summaryWindows(o *model.Offering, now time.Time) []periodWindow {
	loc := location(o)
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	var out []periodWindow
	if o.DailySummaryEmails && local.Hour() >= SummaryHour {
		from := today.AddDate(0, 0, -1)
		out = append(out, periodWindow{KindDaily, from.Format("2006-01-02"), from.Format("Monday, January 2, 2006"), from, today})
	}
	monday := today.AddDate(0, 0, -((int(local.Weekday()) + 6) % 7))
	if o.WeeklySummaryEmails && !(local.Weekday() == time.Monday && local.Hour() < SummaryHour) {
		from := monday.AddDate(0, 0, -7)
		y, w := from.ISOWeek()
		label := from.Format("January 2") + " to " + monday.AddDate(0, 0, -1).Format("January 2, 2006")
		out = append(out, periodWindow{KindWeekly, fmt.Sprintf("%d-W%02d", y, w), label, from, monday})
	}
	return out
}

func (r *Runner) summarizeOffering(ctx context.Context, ws string, o *model.Offering, now time.Time, res *Result) error {
	var errs []error
	for _, w := range summaryWindows(o, now) {
		own := o.DailySummaryRecipients
		if w.kind == KindWeekly {
			own = o.WeeklySummaryRecipients
		}
		errs = append(errs, r.periodSummary(ctx, ws, o, w, recipients(o, own), now, res))
	}
	errs = append(errs, r.newInvestments(ctx, ws, o, now, res))
	if o.UserSentMaxMonitoringEmails {
		errs = append(errs, r.maxSentAlerts(ctx, ws, o, now, res))
	}
	return errors.Join(errs...)
}

// pendingRecipients drops the recipients whose record for kind#period is
// done, counting them as skipped.
func (r *Runner) pendingRecipients(ctx context.Context, ws string, o *model.Offering, prefix string, rcpts []string, now time.Time, res *Result) ([]string, error) {
	if len(rcpts) == 0 {
		return nil, nil
	}
	recs, err := r.DB.SendRecords(ctx, ws, o.ID, prefix)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, to := range rcpts {
		if rec := recs[prefix+store.LowerEmail(to)]; rec != nil && rec.Done(now) {
			res.Skipped++
			continue
		}
		out = append(out, to)
	}
	return out, nil
}

// periodSummary sends one daily or weekly summary to each recipient that
// has not had it.
func (r *Runner) periodSummary(ctx context.Context, ws string, o *model.Offering, w periodWindow, rcpts []string, now time.Time, res *Result) error {
	prefix := w.kind + "#" + w.key + "#"
	todo, err := r.pendingRecipients(ctx, ws, o, prefix, rcpts, now, res)
	if err != nil || len(todo) == 0 {
		return err
	}
	text, err := r.summaryText(ctx, ws, o, w)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("Daily summary for %s: %s", o.Name, w.label)
	if w.kind == KindWeekly {
		subject = fmt.Sprintf("Weekly summary for %s: %s", o.Name, w.label)
	}
	var errs []error
	for _, to := range todo {
		s := store.Send{Workspace: ws, Offering: o.ID, Kind: w.kind, Period: w.key, Subject: store.LowerEmail(to),
			Recipient: store.LowerEmail(to), Expires: w.to.Add(35 * day)}
		errs = append(errs, r.deliver(ctx, s, now, mail.Message{To: []string{to}, Subject: subject, Text: text}, res))
	}
	return errors.Join(errs...)
}

// activity is what happened to an offering's investments in a window.
type activity struct {
	created, received, invested        int64
	createdAmt, receivedAmt, investAmt decimal.Decimal
}

func within(t *model.Time, from, to time.Time) bool {
	return t != nil && !t.Before(from) && t.Before(to)
}

// summaryText is the body of a daily or weekly summary: the window's
// activity, the running totals (the offering's aggregate item) and the
// investments per status.
func (r *Runner) summaryText(ctx context.Context, ws string, o *model.Offering, w periodWindow) (string, error) {
	invs, err := r.DB.InvestmentsActiveSince(ctx, ws, o.ID, w.from)
	if err != nil {
		return "", err
	}
	var a activity
	for i := range invs {
		inv := &invs[i]
		if within(&inv.CreatedAt, w.from, w.to) {
			a.created++
			a.createdAmt = a.createdAmt.Add(inv.Amount.Decimal)
		}
		if within(inv.ReceivedAt, w.from, w.to) {
			a.received++
			a.receivedAmt = a.receivedAmt.Add(inv.Amount.Decimal)
		}
		if within(inv.InvestedAt, w.from, w.to) {
			a.invested++
			a.investAmt = a.investAmt.Add(inv.Amount.Decimal)
		}
	}
	aggs, err := r.DB.OfferingAggregates(ctx, ws, []int64{o.ID})
	if err != nil {
		return "", err
	}
	agg := aggs[o.ID]
	counts, err := r.DB.InvestmentStatusCounts(ctx, ws, o.ID)
	if err != nil {
		return "", err
	}
	money := func(d decimal.Decimal) string { return model.Money{Decimal: d}.String() }
	what := "day"
	if w.kind == KindWeekly {
		what = "week"
	}
	heading := "Daily"
	if w.kind == KindWeekly {
		heading = "Weekly"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s summary for %s\n%s (%s)\n\n", heading, o.Name, w.label, location(o))
	fmt.Fprintf(&b, "During the %s:\n", what)
	fmt.Fprintf(&b, "  New investments:   %d, totalling %s\n", a.created, money(a.createdAmt))
	fmt.Fprintf(&b, "  Payments received: %d, totalling %s\n", a.received, money(a.receivedAmt))
	fmt.Fprintf(&b, "  Invested:          %d, totalling %s\n\n", a.invested, money(a.investAmt))
	b.WriteString("Running totals:\n")
	for _, l := range []struct {
		name string
		t    model.Totals
	}{{"Committed", agg.Committed}, {"Received", agg.Received}, {"Invested", agg.Invested}} {
		fmt.Fprintf(&b, "  %-10s %s in %d investments from %d investors\n", l.name+":", l.t.Amount, l.t.Count, l.t.InvestorCount)
	}
	b.WriteString("\nInvestments by status:\n")
	for _, st := range model.InvestmentStatuses {
		if n := counts[st.Value]; n > 0 {
			fmt.Fprintf(&b, "  %s: %d\n", st.Label, n)
		}
	}
	b.WriteString("\n" + footer(o) + "\n")
	return b.String(), nil
}

// newInvestments sends the per-investment summaries and high-value
// "investment started" alerts of investments created in the look-back.
func (r *Runner) newInvestments(ctx context.Context, ws string, o *model.Offering, now time.Time, res *Result) error {
	perInv := o.PerInvestmentSummaryEmails
	highValue := o.EmailInvestmentStartedHighValue && o.EmailInvestmentStartedThreshold != nil
	if !perInv && !highValue {
		return nil
	}
	since := now.Add(-r.LookBack)
	invs, err := r.DB.InvestmentsActiveSince(ctx, ws, o.ID, since)
	if err != nil {
		return err
	}
	var fresh []*model.Investment
	for i := range invs {
		if within(&invs[i].CreatedAt, since, now) {
			fresh = append(fresh, &invs[i])
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	sort.Slice(fresh, func(i, j int) bool { return fresh[i].ID < fresh[j].ID })
	var errs []error
	send := func(kind string, rcpts []string, inv *model.Investment, m func() mail.Message) {
		period := fmt.Sprintf("%012d", inv.ID)
		todo, err := r.pendingRecipients(ctx, ws, o, kind+"#"+period+"#", rcpts, now, res)
		if err != nil {
			errs = append(errs, err)
			return
		}
		for _, to := range todo {
			msg := m()
			msg.To = []string{to}
			s := store.Send{Workspace: ws, Offering: o.ID, Kind: kind, Period: period, Subject: store.LowerEmail(to),
				Recipient: store.LowerEmail(to), Investment: inv.ID, Investor: inv.Investor,
				Expires: inv.CreatedAt.Add(r.LookBack + 30*day)}
			errs = append(errs, r.deliver(ctx, s, now, msg, res))
		}
	}
	for _, inv := range fresh {
		if perInv {
			send(KindPerInvestment, recipients(o, o.PerInvestmentSummaryRecipients), inv, func() mail.Message {
				return investmentMessage(o, inv, false)
			})
		}
		if highValue && inv.Amount.GreaterThanOrEqual(o.EmailInvestmentStartedThreshold.Decimal) {
			send(KindHighValue, recipients(o, o.PerInvestmentSummaryRecipients), inv, func() mail.Message {
				return investmentMessage(o, inv, true)
			})
		}
	}
	return errors.Join(errs...)
}

// investmentMessage is the issuer's e-mail about one new investment.
func investmentMessage(o *model.Offering, inv *model.Investment, highValue bool) mail.Message {
	name := "An investor"
	if inv.InvestorIndividualName != nil && *inv.InvestorIndividualName != "" {
		name = *inv.InvestorIndividualName
	}
	method := "not chosen yet"
	if inv.RequestedPaymentMethod != nil && *inv.RequestedPaymentMethod != "" {
		method = *inv.RequestedPaymentMethod
	}
	created := inv.CreatedAt.In(location(o)).Format("January 2, 2006 15:04 MST")
	subject := fmt.Sprintf("New investment in %s: %s", o.Name, inv.Amount)
	intro := fmt.Sprintf("%s started an investment in %s.", name, o.Name)
	if highValue {
		subject = fmt.Sprintf("High-value investment started in %s: %s", o.Name, inv.Amount)
		intro = fmt.Sprintf("%s started an investment in %s at or above your alert threshold of %s.", name, o.Name, *o.EmailInvestmentStartedThreshold)
	}
	return mail.Message{Subject: subject, Text: fmt.Sprintf(`%s

  Amount:         %s
  Status:         %s
  Payment method: %s
  Reference:      %s
  Started:        %s

%s
`, intro, inv.Amount, statusLabel(inv.Status), method, inv.ReferenceID, created, footer(o))}
}

func statusLabel(s string) string {
	for _, c := range model.InvestmentStatuses {
		if c.Value == s {
			return c.Label
		}
	}
	return s
}

// maxSentAlerts tells the offering's monitoring recipients about every
// investor who has been sent the last reminder the offering allows.
func (r *Runner) maxSentAlerts(ctx context.Context, ws string, o *model.Offering, now time.Time, res *Result) error {
	rcpts := recipients(o, o.UserSentMaxMonitoringRecipients)
	if len(rcpts) == 0 {
		return nil
	}
	var errs []error
	for _, kind := range []string{KindInvestmentReminder, KindWireReminder} {
		recs, err := r.DB.SendRecords(ctx, ws, o.ID, kind+"#")
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(recs))
		for k := range recs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			rec := recs[k]
			// The last reminder counts once it went out, and also once it is
			// dead: the investor may never have had it, which is all the more
			// reason for the issuer to follow up in person.
			if !rec.Final || (rec.Status != store.SendSent && rec.Status != store.SendDead) {
				continue
			}
			period := fmt.Sprintf("%s-%012d", kind, rec.Investment)
			todo, err := r.pendingRecipients(ctx, ws, o, KindMaxSent+"#"+period+"#", rcpts, now, res)
			if err != nil || len(todo) == 0 {
				errs = append(errs, err)
				continue
			}
			inv, err := r.DB.Investment(ctx, ws, rec.Investment)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, to := range todo {
				s := store.Send{Workspace: ws, Offering: o.ID, Kind: KindMaxSent, Period: period, Subject: store.LowerEmail(to),
					Recipient: store.LowerEmail(to), Investment: inv.ID, Investor: inv.Investor, Expires: time.Unix(rec.TTL, 0)}
				errs = append(errs, r.deliver(ctx, s, now, maxSentMessage(o, kind, rec, inv, to), res))
			}
		}
	}
	return errors.Join(errs...)
}

func maxSentMessage(o *model.Offering, kind string, rec *store.SendRecord, inv *model.Investment, to string) mail.Message {
	what := "investment reminders (the investment is still started)"
	if kind == KindWireReminder {
		what = "wire reminders (the wire has not been received)"
	}
	if rec.Status == store.SendDead {
		what += "; the last one could not be delivered"
	}
	return mail.Message{
		To:      []string{to},
		Subject: fmt.Sprintf("%s: an investor has had the last reminder", o.Name),
		Text: fmt.Sprintf(`%s has been sent all %s %s for an investment in %s. No further reminders will go out; you may want to follow up in person.

  Investor e-mail: %s
  Amount:          %s
  Status:          %s
  Reference:       %s

%s
`, investorName(inv), rec.Period, what, o.Name, rec.Recipient, inv.Amount, statusLabel(inv.Status), inv.ReferenceID, footer(o)),
	}
}

func investorName(inv *model.Investment) string {
	if inv.InvestorIndividualName != nil && *inv.InvestorIndividualName != "" {
		return *inv.InvestorIndividualName
	}
	return "An investor"
}
