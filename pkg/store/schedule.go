package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Keys and attributes of the scheduled functions' items (see doc.go,
// "Scheduled work").
const (
	schedulePK = "SCHEDULE#OFFERINGS"

	attrSendStatus = "status"
	attrSendToken  = "token"
	attrSendLease  = "lease_until"
	attrSendTries  = "attempts"
	attrSendRun    = "last_run"

	// deadPK is the GSI1 partition of dead send records, across
	// workspaces: the operator's list (tranche mail failed). Sparse: only
	// dead records carry GSI1 keys, and a retry removes them.
	deadPK = "SENDS#DEAD"
)

// Send record states.
const (
	SendPending = "pending" // claimed; the e-mail may or may not have gone out
	SendSent    = "sent"    // SES accepted it: never sent again
	SendFailed  = "failed"  // SES refused it: the next run retries
	SendDead    = "dead"    // MaxSendAttempts used up: only an operator's retry sends it
)

// MaxSendAttempts is how many runs try one send record before it is
// recorded dead. Attempts count per run (the run's clock, the scheduled
// time), not per invocation: a retried invocation of the same run claims
// the record again without using an attempt, so Lambda's and Scheduler's
// own retries never use up a send.
const MaxSendAttempts = 5

func sentPK(ws string, offering int64) string {
	return fmt.Sprintf("WS#%s#SENT#%d", ws, offering)
}

// scheduleEntry is one offering in the scheduler's index of work: which
// workspace and offering to visit, and whether any reminder or summary
// setting is on. It holds no tenant data.
type scheduleEntry struct {
	PK        string `dynamo:"PK"`
	SK        string `dynamo:"SK"`
	Workspace string `dynamo:"ws"`
	Offering  int64  `dynamo:"offering"`
	Active    bool   `dynamo:"active"`
}

func newScheduleEntry(ws string, o *model.Offering) *scheduleEntry {
	return &scheduleEntry{PK: schedulePK, SK: ws + "#" + padID(o.ID), Workspace: ws, Offering: o.ID, Active: HasSchedule(o)}
}

// HasSchedule reports whether any reminder or summary setting of the
// offering is on: whether the scheduled functions have work there.
func HasSchedule(o *model.Offering) bool {
	pos := func(p *int64) bool { return p != nil && *p > 0 }
	return (pos(o.InvestmentEmailReminderPeriod) && pos(o.InvestmentEmailReminderMaxSent)) ||
		(pos(o.WireEmailReminderPeriod) && pos(o.WireEmailReminderMaxSent)) ||
		o.DailySummaryEmails || o.WeeklySummaryEmails || o.PerInvestmentSummaryEmails ||
		o.EmailInvestmentStartedHighValue || o.UserSentMaxMonitoringEmails
}

// schedulePut is the registry write that goes with a write of the
// offering (in its transaction, or after an import).
func (db ScheduleStore) schedulePut(ws string, o *model.Offering) *dynamo.Put {
	return db.table.Put(newScheduleEntry(ws, o))
}

// ScheduleOfferings records the offerings in the scheduler's index: one
// batch write. PutMissing calls it for imported offerings; CreateOffering
// and UpdateOffering write the entry in their transaction.
func (db ScheduleStore) ScheduleOfferings(ctx context.Context, ws string, offerings []model.Offering) error {
	items := make([]any, len(offerings))
	for i := range offerings {
		items[i] = newScheduleEntry(ws, &offerings[i])
	}
	if _, err := db.putAll(ctx, items, nil); err != nil {
		return fmt.Errorf("store: schedule offerings: %w", err)
	}
	return nil
}

// ScheduledOffering names one offering with scheduled work.
type ScheduledOffering struct {
	Workspace string
	Offering  int64
}

// ScheduledOfferings lists the offerings with any reminder or summary
// setting on, across workspaces, in workspace order: one Query of the
// scheduler's index (never a Scan).
func (db ScheduleStore) ScheduledOfferings(ctx context.Context) ([]ScheduledOffering, error) {
	var items []scheduleEntry
	err := db.table.Get(AttrPK, schedulePK).Filter("$ = ?", "active", true).All(ctx, &items)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: scheduled offerings: %w", err)
	}
	out := make([]ScheduledOffering, len(items))
	for i, it := range items {
		out[i] = ScheduledOffering{Workspace: it.Workspace, Offering: it.Offering}
	}
	return out, nil
}

// Send names one e-mail the scheduled functions send at most once: kind,
// period and subject (a recipient or an investment) make its key.
type Send struct {
	Workspace string
	Offering  int64
	Kind      string // e.g. INVESTMENT_REMINDER, DAILY
	Period    string // e.g. a reminder's number, a local date, an ISO week
	Subject   string // the recipient (lower-case e-mail) or a padded investment id

	Recipient  string
	Investment int64
	Investor   int64
	Final      bool      // the last reminder the offering allows
	Expires    time.Time // the record's TTL: it must outlive the period
}

// Key is the send record's sort key: <kind>#<period>#<subject>.
func (s Send) Key() string { return s.Kind + "#" + s.Period + "#" + s.Subject }

// SendRecord is the stored record of one Send.
type SendRecord struct {
	PK         string `dynamo:"PK"`
	SK         string `dynamo:"SK"`
	Kind       string `dynamo:"kind"`
	Period     string `dynamo:"period"`
	Recipient  string `dynamo:"recipient"`
	Investment int64  `dynamo:"investment,omitempty"`
	Investor   int64  `dynamo:"investor,omitempty"`
	Final      bool   `dynamo:"final,omitempty"`
	Workspace  string `dynamo:"ws,omitempty"`
	Offering   int64  `dynamo:"offering,omitempty"`
	Status     string `dynamo:"status"`
	Token      string `dynamo:"token,omitempty"`
	LeaseUntil int64  `dynamo:"lease_until"`
	Attempts   int    `dynamo:"attempts"`
	ClaimedAt  string `dynamo:"claimed_at"`
	LastRun    string `dynamo:"last_run,omitempty"` // the clock of the run that last used an attempt
	SentAt     string `dynamo:"sent_at,omitempty"`
	MessageID  string `dynamo:"message_id,omitempty"`
	Error      string `dynamo:"error,omitempty"`
	DeadAt     string `dynamo:"dead_at,omitempty"`
	// Mail is the message a dead record could not send, as its sender
	// encoded it (package schedule: JSON of mail.Message), so an
	// operator's retry sends exactly what would have gone out, whenever
	// it runs. Only dead records keep it.
	Mail  string `dynamo:"mail,omitempty"`
	TTL   int64  `dynamo:"ttl"`
	GSI1P string `dynamo:"GSI1PK,omitempty"`
	GSI1S string `dynamo:"GSI1SK,omitempty"`
}

// Ref names the record for an operator: <ws>/<offering>/<kind>#<period>#<subject>.
func (r *SendRecord) Ref() SendRef {
	ref := SendRef{Workspace: r.Workspace, Offering: r.Offering, Key: r.SK}
	if ref.Workspace == "" || ref.Offering == 0 { // records written before ws/offering were kept
		rest, _ := strings.CutPrefix(r.PK, "WS#")
		if i := strings.LastIndex(rest, "#SENT#"); i >= 0 {
			ref.Workspace = rest[:i]
			ref.Offering, _ = strconv.ParseInt(rest[i+len("#SENT#"):], 10, 64)
		}
	}
	return ref
}

// SendRef names one send record across workspaces, as the operators' tool
// and the dead-send log line print it.
type SendRef struct {
	Workspace string
	Offering  int64
	Key       string // <kind>#<period>#<subject>
}

// Ref is the record reference of s.
func (s Send) Ref() SendRef {
	return SendRef{Workspace: s.Workspace, Offering: s.Offering, Key: s.Key()}
}

func (r SendRef) String() string { return fmt.Sprintf("%s/%d/%s", r.Workspace, r.Offering, r.Key) }

// ParseSendRef reads a SendRef's String.
func ParseSendRef(s string) (SendRef, error) {
	parts := strings.SplitN(s, "/", 3)
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return SendRef{}, fmt.Errorf("store: send record %q: want WORKSPACE/OFFERING/KIND#PERIOD#SUBJECT", s)
	}
	o, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || o <= 0 {
		return SendRef{}, fmt.Errorf("store: send record %q: offering %q is not an id", s, parts[1])
	}
	return SendRef{Workspace: parts[0], Offering: o, Key: parts[2]}, nil
}

// Done reports whether the record needs nothing from a run at now: sent,
// dead (an operator's to retry), or claimed by a run whose lease has not
// run out. A failed record, or a pending one past its lease, is not done
// even with its attempts used up: ClaimSend reports it Exhausted, so the
// run records it dead rather than leaving it silently undone.
func (r *SendRecord) Done(now time.Time) bool {
	switch r.Status {
	case SendSent, SendDead:
		return true
	case SendPending:
		return r.LeaseUntil >= now.Unix()
	}
	return false
}

// Claim is the outcome of ClaimSend.
type Claim struct {
	// Claimed: this attempt owns the record and may call SES.
	Claimed bool
	// Exhausted: the record is claimable (failed, or pending past its
	// lease) but its attempts are used up; Token is its current token,
	// for BurySend.
	Exhausted bool
	Token     string
	Attempts  int // attempts used, this one included
}

// ClaimSend records that s is about to be sent, before SES is called. It
// claims the record when no other attempt owns it and it is not done: a
// new record, one left failed by SES, or one pending past its lease (a run
// that died between this write and SES). A record claimed again by the
// run that last claimed it (the same clock now: a retried invocation)
// keeps its attempt count; another run uses one more attempt, up to
// MaxSendAttempts, after which the claim comes back Exhausted. lease
// bounds how long one attempt may take.
func (db ScheduleStore) ClaimSend(ctx context.Context, s Send, now time.Time, lease time.Duration) (Claim, error) {
	token := newToken()
	run := model.NewTime(now).SortKey()
	rec := SendRecord{
		PK: sentPK(s.Workspace, s.Offering), SK: s.Key(),
		Kind: s.Kind, Period: s.Period, Recipient: s.Recipient, Investment: s.Investment, Investor: s.Investor, Final: s.Final,
		Workspace: s.Workspace, Offering: s.Offering,
		Status: SendPending, Token: token, LeaseUntil: now.Add(lease).Unix(), Attempts: 1,
		ClaimedAt: run, LastRun: run, TTL: s.Expires.Unix(),
	}
	err := db.table.Put(rec).If("attribute_not_exists(PK)").Run(ctx)
	if err == nil {
		return Claim{Claimed: true, Token: token, Attempts: 1}, nil
	}
	if !dynamo.IsCondCheckFailed(err) {
		return Claim{}, fmt.Errorf("store: claim send %s: %w", rec.SK, err)
	}
	claimable := "($ = ? OR ($ = ? AND $ < ?))"
	args := []any{attrSendStatus, SendFailed, attrSendStatus, SendPending, attrSendLease, now.Unix()}
	update := func() *dynamo.Update {
		return db.table.Update(AttrPK, rec.PK).Range(AttrSK, rec.SK).
			Set(attrSendStatus, SendPending).Set(attrSendToken, token).Set(attrSendLease, rec.LeaseUntil).
			Set("claimed_at", rec.ClaimedAt)
	}
	var got SendRecord
	// The same run again (a retried invocation): no attempt used.
	err = update().If(claimable+" AND $ = ?", append(args, attrSendRun, run)...).Value(ctx, &got)
	if dynamo.IsCondCheckFailed(err) {
		// A later run: one more attempt, while any are left.
		err = update().Set(attrSendRun, run).Add(attrSendTries, 1).
			If(claimable+" AND $ < ?", append(args, attrSendTries, MaxSendAttempts)...).Value(ctx, &got)
	}
	if err == nil {
		return Claim{Claimed: true, Token: token, Attempts: got.Attempts}, nil
	}
	if !dynamo.IsCondCheckFailed(err) {
		return Claim{}, fmt.Errorf("store: reclaim send %s: %w", rec.SK, err)
	}
	// Not claimable, or claimable with no attempt left: tell them apart.
	err = db.table.Get(AttrPK, rec.PK).Range(AttrSK, dynamo.Equal, rec.SK).Consistent(true).One(ctx, &got)
	if err != nil {
		return Claim{}, fmt.Errorf("store: read send %s: %w", rec.SK, err)
	}
	if got.Status == SendFailed || (got.Status == SendPending && got.LeaseUntil < now.Unix()) {
		return Claim{Exhausted: true, Token: got.Token, Attempts: got.Attempts}, nil
	}
	return Claim{Token: got.Token, Attempts: got.Attempts}, nil
}

// ErrClaimLost is returned when a send record was claimed again by another
// attempt (its lease ran out) before this one finished.
var ErrClaimLost = errors.New("store: send record claimed by another attempt")

// CompleteSend marks the claimed record sent. Returns ErrClaimLost if the
// token no longer holds it.
func (db ScheduleStore) CompleteSend(ctx context.Context, s Send, token, messageID string, now time.Time) error {
	err := db.table.Update(AttrPK, sentPK(s.Workspace, s.Offering)).Range(AttrSK, s.Key()).
		Set(attrSendStatus, SendSent).Set("sent_at", model.NewTime(now).SortKey()).Set("message_id", messageID).
		Remove("error", "mail").
		If("$ = ?", attrSendToken, token).Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return ErrClaimLost
	}
	return err
}

// FailSend marks the claimed record failed, so the next run retries it.
// Returns ErrClaimLost if the token no longer holds it.
func (db ScheduleStore) FailSend(ctx context.Context, s Send, token, cause string) error {
	if len(cause) > 500 {
		cause = cause[:500]
	}
	err := db.table.Update(AttrPK, sentPK(s.Workspace, s.Offering)).Range(AttrSK, s.Key()).
		Set(attrSendStatus, SendFailed).Set("error", cause).
		If("$ = ? AND $ = ?", attrSendToken, token, attrSendStatus, SendPending).Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return ErrClaimLost
	}
	return err
}

// BurySend records the claimed send dead: its attempts are used up and
// no run will try it again. mail is the message it could not send, kept for
// an operator's retry; the record joins the dead list (GSI1 SENDS#DEAD).
// Returns ErrClaimLost if token no longer holds it.
func (db ScheduleStore) BurySend(ctx context.Context, s Send, token, cause, mail string, now time.Time) error {
	if len(cause) > 500 {
		cause = cause[:500]
	}
	err := db.table.Update(AttrPK, sentPK(s.Workspace, s.Offering)).Range(AttrSK, s.Key()).
		Set(attrSendStatus, SendDead).Set("error", cause).Set("mail", mail).
		Set("dead_at", model.NewTime(now).SortKey()).Set("ws", s.Workspace).Set("offering", s.Offering).
		Set("GSI1PK", deadPK).Set("GSI1SK", deadSK(s.Workspace, s.Offering, s.Key())).
		If("$ = ? AND $ <> ?", attrSendToken, token, attrSendStatus, SendSent).Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return ErrClaimLost
	}
	return err
}

func deadSK(ws string, offering int64, key string) string {
	return ws + "#" + padID(offering) + "#" + key
}

// ErrNotDead is returned by ReviveSend for a record that is missing or not
// dead (already retried, or never dead).
var ErrNotDead = errors.New("store: send record is not dead")

// ReviveSend claims a dead record for an operator's retry: pending under
// a new token and lease, one more attempt, off the dead list. It returns
// the record, with the message it keeps, and the claim's token; the caller
// sends it and then calls CompleteSend, or BurySend again.
func (db ScheduleStore) ReviveSend(ctx context.Context, ref SendRef, now time.Time, lease time.Duration) (*SendRecord, string, error) {
	token := newToken()
	var rec SendRecord
	err := db.table.Update(AttrPK, sentPK(ref.Workspace, ref.Offering)).Range(AttrSK, ref.Key).
		Set(attrSendStatus, SendPending).Set(attrSendToken, token).Set(attrSendLease, now.Add(lease).Unix()).
		Set("claimed_at", model.NewTime(now).SortKey()).Set(attrSendRun, model.NewTime(now).SortKey()).
		Add(attrSendTries, 1).Remove("GSI1PK", "GSI1SK").
		If("$ = ?", attrSendStatus, SendDead).Value(ctx, &rec)
	if dynamo.IsCondCheckFailed(err) {
		return nil, "", fmt.Errorf("%w: %s", ErrNotDead, ref)
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: revive send %s: %w", ref, err)
	}
	return &rec, token, nil
}

// DeadSends lists the dead send records of every workspace, by workspace,
// offering and key: one Query of GSI1 SENDS#DEAD (sparse).
func (db ScheduleStore) DeadSends(ctx context.Context) ([]SendRecord, error) {
	var out []SendRecord
	err := db.table.Get("GSI1PK", deadPK).Index("GSI1").All(ctx, &out)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: dead sends: %w", err)
	}
	return out, nil
}

// SendRecords returns an offering's send records whose key begins with
// prefix (a kind, or kind#period): one Query of WS#<ws>#SENT#<offering>.
func (db ScheduleStore) SendRecords(ctx context.Context, ws string, offering int64, prefix string) (map[string]*SendRecord, error) {
	var items []SendRecord
	q := db.table.Get(AttrPK, sentPK(ws, offering)).Consistent(true)
	if prefix != "" {
		q = q.Range(AttrSK, dynamo.BeginsWith, prefix)
	}
	if err := q.All(ctx, &items); err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: send records: %w", err)
	}
	out := make(map[string]*SendRecord, len(items))
	for i := range items {
		out[items[i].SK] = &items[i]
	}
	return out, nil
}

// InvestmentStatusCounts counts an offering's investments in each status:
// one COUNT Query of GSI3 per status (items are counted, not returned).
func (db InvestingStore) InvestmentStatusCounts(ctx context.Context, ws string, offering int64) (map[string]int64, error) {
	out := make(map[string]int64, len(model.InvestmentStatuses))
	for _, st := range model.InvestmentStatuses {
		n, err := db.table.Get("GSI3PK", investmentsByStatusPK(ws, st.Value)).Index("GSI3").
			Range("GSI3SK", dynamo.BeginsWith, padID(offering)+"#").Count(ctx)
		if err != nil {
			return nil, fmt.Errorf("store: count %s investments: %w", st.Value, err)
		}
		out[st.Value] = int64(n)
	}
	return out, nil
}

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// LowerEmail is the form of an e-mail used in send record keys.
func LowerEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
