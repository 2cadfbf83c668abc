package schedule

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
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
		if !w.to.After(since(o)) {
			continue // a period before the offering opened: nothing to summarise
		}
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

// since is when an offering began to exist for its summaries: when it
// opened, else (never opened: a paused draft) when it was created.
func since(o *model.Offering) time.Time {
	if o.OpenedAt != nil && !o.OpenedAt.IsZero() {
		return o.OpenedAt.Time
	}
	return o.CreatedAt.Time
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
	sum, err := r.summaryView(ctx, ws, o, w)
	if err != nil {
		return err
	}
	m, err := summaryMessage(o, w, sum)
	if err != nil {
		return err
	}
	var errs []error
	for _, to := range todo {
		s := store.Send{Workspace: ws, Offering: o.ID, Kind: w.kind, Period: w.key, Subject: store.LowerEmail(to),
			Recipient: store.LowerEmail(to), Expires: w.to.Add(35 * day)}
		msg := m
		msg.To = []string{to}
		errs = append(errs, r.deliver(ctx, s, now, msg, res))
	}
	return errors.Join(errs...)
}

// summaryMessage is a daily or weekly summary, to be addressed.
func summaryMessage(o *model.Offering, w periodWindow, sum sumView) (mail.Message, error) {
	m := mail.Message{Subject: fmt.Sprintf("Daily summary for %s: %s", o.Name, w.label)}
	tmpl, why := tmplDaily, "You receive this daily summary because daily summary e-mails are on for "+o.Name+"."
	if w.kind == KindWeekly {
		m.Subject = fmt.Sprintf("Weekly summary for %s: %s", o.Name, w.label)
		tmpl, why = tmplWeekly, "You receive this weekly summary because weekly summary e-mails are on for "+o.Name+"."
	}
	v := view{Sum: sum}
	issuerFacing(o, &m, &v, why)
	return m, render(tmpl, v, &m)
}

// activity is what happened to an offering's investments in a window.
type activity struct {
	created, received, invested        int64
	createdAmt, receivedAmt, investAmt decimal.Decimal
}

func within(t *model.Time, from, to time.Time) bool {
	return t != nil && !t.Before(from) && t.Before(to)
}

// summaryView is the content of a daily or weekly summary: the window's
// activity, the running totals (the offering's aggregate item) and the
// investments per status.
func (r *Runner) summaryView(ctx context.Context, ws string, o *model.Offering, w periodWindow) (sumView, error) {
	invs, err := r.DB.InvestmentsActiveSince(ctx, ws, o.ID, w.from)
	if err != nil {
		return sumView{}, err
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
		return sumView{}, err
	}
	agg := aggs[o.ID]
	counts, err := r.DB.InvestmentStatusCounts(ctx, ws, o.ID)
	if err != nil {
		return sumView{}, err
	}
	v := sumView{Heading: "Daily", What: "day", Label: w.label, Zone: location(o).String(),
		Created:  countAmount{a.created, usd(a.createdAmt)},
		Received: countAmount{a.received, usd(a.receivedAmt)},
		Invested: countAmount{a.invested, usd(a.investAmt)},
	}
	if w.kind == KindWeekly {
		v.Heading, v.What = "Weekly", "week"
	}
	for _, l := range []struct {
		name string
		t    model.Totals
	}{{"Committed", agg.Committed}, {"Received", agg.Received}, {"Invested", agg.Invested}} {
		v.Totals = append(v.Totals, totalLine{Name: l.name, Amount: money(l.t.Amount), Count: l.t.Count, Investors: l.t.InvestorCount})
	}
	for _, st := range model.InvestmentStatuses {
		if n := counts[st.Value]; n > 0 {
			v.Statuses = append(v.Statuses, statusLine{st.Label, n})
		}
	}
	return v, nil
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
	send := func(kind string, rcpts []string, inv *model.Investment, m func() (mail.Message, error)) {
		period := fmt.Sprintf("%012d", inv.ID)
		todo, err := r.pendingRecipients(ctx, ws, o, kind+"#"+period+"#", rcpts, now, res)
		if err != nil {
			errs = append(errs, err)
			return
		}
		for _, to := range todo {
			msg, err := m()
			if err != nil {
				errs = append(errs, err)
				return
			}
			msg.To = []string{to}
			s := store.Send{Workspace: ws, Offering: o.ID, Kind: kind, Period: period, Subject: store.LowerEmail(to),
				Recipient: store.LowerEmail(to), Investment: inv.ID, Investor: inv.Investor,
				Expires: inv.CreatedAt.Add(r.LookBack + 30*day)}
			errs = append(errs, r.deliver(ctx, s, now, msg, res))
		}
	}
	for _, inv := range fresh {
		if perInv {
			send(KindPerInvestment, recipients(o, o.PerInvestmentSummaryRecipients), inv, func() (mail.Message, error) {
				return investmentMessage(o, inv, false)
			})
		}
		// The seed has no recipients setting of the high-value alert's
		// own: it goes to the offering's standing summary recipients
		// (daily_summary_recipients, then contact_email), not to
		// per_investment_summary_recipients, a list chosen for mail about
		// every investment.
		if highValue && inv.Amount.GreaterThanOrEqual(o.EmailInvestmentStartedThreshold.Decimal) {
			send(KindHighValue, recipients(o, nil), inv, func() (mail.Message, error) {
				return investmentMessage(o, inv, true)
			})
		}
	}
	return errors.Join(errs...)
}

// investmentMessage is the issuer's e-mail about one new investment.
func investmentMessage(o *model.Offering, inv *model.Investment, highValue bool) (mail.Message, error) {
	m := mail.Message{Subject: fmt.Sprintf("New investment in %s: %s", o.Name, money(inv.Amount))}
	tmpl, why := tmplNewInvestment, "You receive this e-mail because per-investment summaries are on for "+o.Name+"."
	v := view{Inv: investmentView(o, inv)}
	if highValue {
		m.Subject = fmt.Sprintf("High-value investment started in %s: %s", o.Name, money(inv.Amount))
		tmpl, why = tmplHighValue, "You receive this e-mail because high-value investment alerts are on for "+o.Name+"."
		v.Threshold = money(*o.EmailInvestmentStartedThreshold)
	}
	issuerFacing(o, &m, &v, why)
	return m, render(tmpl, v, &m)
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
				m, err := maxSentMessage(o, kind, rec, inv, to)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				errs = append(errs, r.deliver(ctx, s, now, m, res))
			}
		}
	}
	return errors.Join(errs...)
}

func maxSentMessage(o *model.Offering, kind string, rec *store.SendRecord, inv *model.Investment, to string) (mail.Message, error) {
	what := "investment reminders (the investment is still started)"
	if kind == KindWireReminder {
		what = "wire reminders (the wire has not been received)"
	}
	m := mail.Message{To: []string{to}, Subject: fmt.Sprintf("%s: an investor has had the last reminder", o.Name)}
	max, _ := strconv.ParseInt(rec.Period, 10, 64)
	v := view{Inv: investmentView(o, inv), Max: max, What: what, Dead: rec.Status == store.SendDead}
	v.Inv.InvestorEmail = rec.Recipient
	issuerFacing(o, &m, &v, "You receive this e-mail because monitoring of investors sent the maximum reminders is on for "+o.Name+".")
	return m, render(tmplMaxSent, v, &m)
}

func investorName(inv *model.Investment) string {
	if inv.InvestorIndividualName != nil && *inv.InvestorIndividualName != "" {
		return *inv.InvestorIndividualName
	}
	return "An investor"
}
