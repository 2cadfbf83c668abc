package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // Lambda's provided.al2023 image has no zoneinfo

	"github.com/aws/aws-lambda-go/events"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Defaults of a Runner.
const (
	// Lease is how long a claimed send record belongs to the run that
	// claimed it: longer than the scheduled functions' 5-minute timeout,
	// shorter than the hour between runs.
	Lease = 15 * time.Minute
	// LookBack is how far back per-investment summaries and high-value
	// alerts look for new investments.
	LookBack = 48 * time.Hour
	// SummaryHour is the local hour from which daily and weekly summaries
	// are due.
	SummaryHour = 8
)

// Mailer sends one e-mail and returns its message id (*mail.Sender).
type Mailer interface {
	Send(ctx context.Context, m mail.Message) (string, error)
}

// Runner runs the scheduled work on a store and a mailer.
type Runner struct {
	DB   *store.DB
	Mail Mailer
	Log  *slog.Logger

	Lease    time.Duration
	LookBack time.Duration

	// Unsubscribe, when set, is the one-click unsubscribe URL of an
	// investor: investor-facing mail links to it and carries it in
	// List-Unsubscribe (unsubscribe.go). Nil, when the function has no
	// PUBLIC_API_URL, sends no link.
	Unsubscribe func(ctx context.Context, ws string, investor int64) (string, error)

	// Metrics receives one CloudWatch Embedded Metric Format line per run
	// (see metrics.go); Lambda's stdout, which CloudWatch Logs turns into
	// metrics. Nil writes none.
	Metrics io.Writer
}

// New returns the runner of a function's dependencies: SES v2 through
// mail.FromDeps, metrics on stdout, unsubscribe links under PUBLIC_API_URL.
func New(deps app.Deps) *Runner {
	r := &Runner{DB: deps.DB, Mail: mail.FromDeps(deps), Log: deps.Log, Lease: Lease, LookBack: LookBack, Metrics: os.Stdout}
	if deps.Config.PublicURL != "" {
		r.Unsubscribe = unsubscribeLinks(deps.DB, deps.Config.PublicURL)
	}
	return r
}

// Handler adapts a run to lambda.Start: the event's time is the clock
// (Scheduler's scheduled time, so a retried invocation acts as the one it
// retries); an event without one runs at the current time.
func Handler(run func(ctx context.Context, now time.Time) error) func(context.Context, events.EventBridgeEvent) error {
	return func(ctx context.Context, ev events.EventBridgeEvent) error {
		now := ev.Time
		if now.IsZero() {
			now = time.Now()
		}
		return run(ctx, now.UTC())
	}
}

// RemindersHandler is the reminders function's Lambda handler.
func (r *Runner) RemindersHandler() func(context.Context, events.EventBridgeEvent) error {
	return Handler(r.Reminders)
}

// SummariesHandler is the summaries function's Lambda handler.
func (r *Runner) SummariesHandler() func(context.Context, events.EventBridgeEvent) error {
	return Handler(r.Summaries)
}

// Result counts what a run did.
type Result struct {
	Sent    int // e-mails SES accepted
	Skipped int // due but already sent or claimed
	Failed  int // SES or the store refused; retried by a later run
	Dead    int // attempts used up: recorded dead, for an operator's retry
}

func (r *Runner) logger() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

// forEachOffering calls fn for every offering with scheduled work, one
// BatchGet per workspace. An offering's error is logged and collected;
// the others still run.
func (r *Runner) forEachOffering(ctx context.Context, fn func(ws string, o *model.Offering) error) error {
	entries, err := r.DB.ScheduledOfferings(ctx)
	if err != nil {
		return err
	}
	byWS := map[string][]int64{}
	var order []string
	for _, e := range entries {
		if _, ok := byWS[e.Workspace]; !ok {
			order = append(order, e.Workspace)
		}
		byWS[e.Workspace] = append(byWS[e.Workspace], e.Offering)
	}
	var errs []error
	for _, ws := range order {
		offs, err := r.DB.OfferingsByID(ctx, ws, byWS[ws])
		if err != nil {
			errs = append(errs, fmt.Errorf("schedule: offerings of %s: %w", ws, err))
			continue
		}
		for _, id := range byWS[ws] {
			o := offs[id]
			if o == nil || o.Archived {
				continue
			}
			if err := fn(ws, o); err != nil {
				r.logger().ErrorContext(ctx, "scheduled work failed", "workspace", ws, "offering", id, "err", err)
				errs = append(errs, fmt.Errorf("schedule: offering %s/%d: %w", ws, id, err))
			}
		}
	}
	return errors.Join(errs...)
}

// deliver sends m once for s: claim the record, call SES, mark it sent.
// Nothing is sent when another attempt holds the record or it is done.
// An SES error is returned after the record is marked failed (the next
// run retries it), or dead when that was its last attempt.
func (r *Runner) deliver(ctx context.Context, s store.Send, now time.Time, m mail.Message, res *Result) error {
	c, err := r.DB.ClaimSend(ctx, s, now, r.Lease)
	if err != nil {
		res.Failed++
		return err
	}
	if c.Exhausted {
		// The last attempt died between its claim and the outcome (a
		// crash or a timeout): whether it left is unknown, and no attempt
		// is left to find out. An operator decides.
		return r.bury(ctx, s, c.Token, c.Attempts, "the last attempt did not finish (crash or timeout)", m, now, res)
	}
	if !c.Claimed {
		res.Skipped++
		return nil
	}
	id, sendErr := r.Mail.Send(ctx, m)
	// The outcome must be recorded even when the invocation's deadline is
	// what failed the send.
	octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if sendErr != nil {
		if c.Attempts >= store.MaxSendAttempts {
			return errors.Join(sendErr, r.bury(octx, s, c.Token, c.Attempts, sendErr.Error(), m, now, res))
		}
		res.Failed++
		if err := r.DB.FailSend(octx, s, c.Token, sendErr.Error()); err != nil {
			return errors.Join(sendErr, err)
		}
		return sendErr
	}
	res.Sent++
	return r.complete(ctx, octx, s, c.Token, id, now)
}

// complete records a send SES accepted, retrying the write a few times:
// until it lands, a crash would send the e-mail again.
func (r *Runner) complete(ctx, octx context.Context, s store.Send, token, id string, now time.Time) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = r.DB.CompleteSend(octx, s, token, id, now); err == nil || errors.Is(err, store.ErrClaimLost) {
			break
		}
	}
	if err != nil {
		r.logger().WarnContext(ctx, "e-mail sent but not recorded as sent", "record", s.Ref().String(), "message_id", id, "err", err)
	}
	return err
}

// bury records s dead with the message it could not send, and says so at
// error level with the record's key; the run's metrics count it (Dead),
// which the stack alarms on.
func (r *Runner) bury(ctx context.Context, s store.Send, token string, attempts int, cause string, m mail.Message, now time.Time, res *Result) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("schedule: keep message of %s: %w", s.Ref(), err)
	}
	if err := r.DB.BurySend(ctx, s, token, cause, string(b), now); err != nil {
		res.Failed++
		return fmt.Errorf("schedule: record %s dead: %w", s.Ref(), err)
	}
	res.Dead++
	r.logger().ErrorContext(ctx, "e-mail dead: attempts used up; retry with `tranche mail retry`",
		"record", s.Ref().String(), "kind", s.Kind, "attempts", attempts, "err", cause)
	return nil
}

// location is the offering's time zone; an unknown or empty one is UTC.
func location(o *model.Offering) *time.Location {
	if o.DefaultTimezone != "" {
		if loc, err := time.LoadLocation(o.DefaultTimezone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// parseRecipients splits a recipients setting on commas, semicolons and
// white space and keeps what looks like an address, once each.
func parseRecipients(s *string) []string {
	if s == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(*s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\t' }) {
		if !strings.Contains(f, "@") || seen[store.LowerEmail(f)] {
			continue
		}
		seen[store.LowerEmail(f)] = true
		out = append(out, strings.TrimSpace(f))
	}
	return out
}

// recipients are who gets an issuer-side e-mail: the setting's own
// recipients, else the daily summary recipients, else the offering's
// contact e-mail (weekly_summary_recipients and the alerts' recipients
// are often left empty while the e-mail is switched on).
func recipients(o *model.Offering, own *string) []string {
	for _, s := range []*string{own, o.DailySummaryRecipients, o.ContactEmail} {
		if rs := parseRecipients(s); len(rs) > 0 {
			return rs
		}
	}
	return nil
}

func positive(p *int64) int64 {
	if p == nil || *p < 0 {
		return 0
	}
	return *p
}
