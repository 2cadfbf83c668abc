package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/guregu/dynamo/v2"
	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Errors of the write paths (and ErrStale, identity.go's: an item changed
// between the read a write was planned on and the write; Retry re-reads
// and plans again). Handlers translate them; none is a 500.
var (
	// ErrEmailTaken: another user of the workspace has the e-mail.
	ErrEmailTaken = errors.New("store: e-mail taken")
	// ErrExists: the item to create is already there.
	ErrExists = errors.New("store: item exists")
	// ErrBusy: the transaction kept colliding with others; try later.
	ErrBusy = errors.New("store: too many conflicting writes")
)

// LimitError is a condition on an offering's running totals that refused a
// write: "maximum_amount_raised" (the investment would raise more than the
// offering's maximum) or "non_accredited" (506(b)'s 35 non-accredited
// purchasers are reached).
type LimitError struct{ Limit string }

func (e *LimitError) Error() string { return "store: offering limit reached: " + e.Limit }

// Key builders of the write side (see doc.go).
func aggregatePK(ws string) string { return kindPK(ws, "OFFERINGAGG") }
func auditPK(ws, kind string, id int64) string {
	return fmt.Sprintf("WS#%s#AUDIT#%s#%d", ws, kind, id)
}
func idempotencyPK(ws, actor string) string { return kindPK(ws, "IDEMPOTENCY#"+actor) }

// Attribute names of the running totals (aggregate item) and of the
// per-investor counters kept on the investor-in-offering link item.
const (
	attrVersion       = "version"
	attrNonAccredited = "nonaccredited_investors"
	attrHoldingV      = "v"
)

var bucketNames = [3]string{"committed", "received", "invested"}

// aggregateItem is an offering's running totals: the summary's three lines
// and the count of distinct non-accredited committed investors (506(b)).
type aggregateItem struct {
	PK                 string      `dynamo:"PK"`
	SK                 string      `dynamo:"SK"`
	Offering           int64       `dynamo:"offering"`
	CommittedAmount    model.Money `dynamo:"committed_amount"`
	CommittedCount     int64       `dynamo:"committed_count"`
	CommittedInvestors int64       `dynamo:"committed_investors"`
	ReceivedAmount     model.Money `dynamo:"received_amount"`
	ReceivedCount      int64       `dynamo:"received_count"`
	ReceivedInvestors  int64       `dynamo:"received_investors"`
	InvestedAmount     model.Money `dynamo:"invested_amount"`
	InvestedCount      int64       `dynamo:"invested_count"`
	InvestedInvestors  int64       `dynamo:"invested_investors"`
	NonAccredited      int64       `dynamo:"nonaccredited_investors"`
}

func (a *aggregateItem) model() model.Aggregate {
	return model.Aggregate{
		Offering:  a.Offering,
		Committed: model.Totals{Amount: a.CommittedAmount, Count: a.CommittedCount, InvestorCount: a.CommittedInvestors},
		Received:  model.Totals{Amount: a.ReceivedAmount, Count: a.ReceivedCount, InvestorCount: a.ReceivedInvestors},
		Invested:  model.Totals{Amount: a.InvestedAmount, Count: a.InvestedCount, InvestorCount: a.InvestedInvestors},

		NonAccredited: a.NonAccredited,
	}
}

// holdingItem is the investor-in-offering link item with the investor's
// counters in that offering: how many of its investments are in each
// summary bucket (the investor counts once while the count is above 0),
// what it committed, and whether it is non-accredited.
type holdingItem struct {
	PK              string      `dynamo:"PK"`
	SK              string      `dynamo:"SK"`
	ID              int64       `dynamo:"id"`
	Committed       int64       `dynamo:"committed"`
	Received        int64       `dynamo:"received"`
	Invested        int64       `dynamo:"invested"`
	CommittedAmount model.Money `dynamo:"committed_amount"`
	// CommittedPrice is the price (securities sold, no fees) of the
	// investor's committed investments in the offering: what the offering's
	// max_investment_amount per investor and Reg A Tier 2's limit count.
	// Nil on items written before it existed (see committedPrice).
	CommittedPrice *model.Money `dynamo:"committed_price"`
	NonAccredited  bool         `dynamo:"non_accredited"`
	V              int64        `dynamo:"v"`
}

func (h *holdingItem) count(b int) int64 {
	return [3]int64{h.Committed, h.Received, h.Invested}[b]
}

// AuditRecord is one transition of an investment or offering: who, when,
// from, to.
type AuditRecord struct {
	PK     string     `dynamo:"PK" json:"-"`
	SK     string     `dynamo:"SK" json:"-"`
	Kind   string     `dynamo:"kind" json:"kind"` // INVESTMENT, OFFERING or INVESTOR
	Object int64      `dynamo:"object" json:"object"`
	Action string     `dynamo:"action" json:"action"`
	From   string     `dynamo:"from,allowempty" json:"from"`
	To     string     `dynamo:"to" json:"to"`
	Actor  string     `dynamo:"actor" json:"actor"`
	At     model.Time `dynamo:"at" json:"at"`
	// Investment names the sale of an offering's "sale" record.
	Investment int64 `dynamo:"investment,omitempty" json:"investment,omitempty"`
	// Decision is the limit decision of a sale: on the investment's
	// "create" record and the offering's "sale" record.
	Decision *model.LimitDecision `dynamo:"decision,omitempty" json:"decision,omitempty"`
	// Detail says more of an action (e.g. an early close's new deadline).
	Detail string `dynamo:"detail,omitempty" json:"detail,omitempty"`
}

func newAudit(ws, kind string, id int64, action, from, to, actor string, at model.Time, seq int) *AuditRecord {
	return &AuditRecord{
		PK: auditPK(ws, kind, id), SK: fmt.Sprintf("%s#%03d", at.SortKey(), seq),
		Kind: kind, Object: id, Action: action, From: from, To: to, Actor: actor, At: at,
	}
}

// AuditPage returns up to limit records of an object's trail after the
// sort key after ("" from the start), oldest first, and the sort key to
// continue from ("" at the end): one Query, whatever the trail's length.
func (db *DB) AuditPage(ctx context.Context, ws, kind string, id int64, after string, limit int) ([]AuditRecord, string, error) {
	q := db.table.Get(AttrPK, auditPK(ws, kind, id)).Consistent(true).Limit(limit + 1)
	if after != "" {
		q = q.Range(AttrSK, dynamo.Greater, after)
	}
	var out []AuditRecord
	if err := q.All(ctx, &out); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].SK
	}
	return out, next, nil
}

// AuditTrail returns an object's transitions, oldest first. kind is
// INVESTMENT, OFFERING or INVESTOR.
func (db *DB) AuditTrail(ctx context.Context, ws, kind string, id int64) ([]AuditRecord, error) {
	var out []AuditRecord
	err := db.table.Get(AttrPK, auditPK(ws, kind, id)).All(ctx, &out)
	return out, err
}

// ---- transactions ------------------------------------------------------

// txn is a write transaction whose operations carry tags, so a cancelled
// transaction says which condition failed. The operations are kept, not
// added to one WriteTx, because each attempt may carry a different change
// feed head (feed.go).
type txn struct {
	db   *DB
	ops  []func(*dynamo.WriteTx)
	tags []string

	// The change feed entry the transaction appends: the workspace and the
	// objects it changed (changed), or a reset.
	feedWS   string
	feedRefs []string
	seen     map[Ref]bool
}

// Tags of the conditions a transaction may fail on.
const (
	tagNone     = ""
	tagStale    = "stale"    // a version moved
	tagExists   = "exists"   // the item to create exists
	tagMax      = "max"      // maximum amount raised
	tagNonAcc   = "nonacc"   // 506(b) non-accredited purchasers
	tagEmail    = "email"    // e-mail uniqueness
	tagNotFound = "notfound" // a referenced item is missing
	tagFeed     = "feed"     // the change feed's head moved: re-read it and retry
)

func (db *DB) newTxn() *txn { return &txn{db: db} }

func (t *txn) put(tag string, p *dynamo.Put) *txn {
	t.ops = append(t.ops, func(tx *dynamo.WriteTx) { tx.Put(p) })
	t.tags = append(t.tags, tag)
	return t
}

func (t *txn) update(tag string, u *dynamo.Update) *txn {
	t.ops = append(t.ops, func(tx *dynamo.WriteTx) { tx.Update(u) })
	t.tags = append(t.tags, tag)
	return t
}

func (t *txn) check(tag string, c *dynamo.ConditionCheck) *txn {
	t.ops = append(t.ops, func(tx *dynamo.WriteTx) { tx.Check(c) })
	t.tags = append(t.tags, tag)
	return t
}

func (t *txn) delete(tag string, d *dynamo.Delete) *txn {
	t.ops = append(t.ops, func(tx *dynamo.WriteTx) { tx.Delete(d) })
	t.tags = append(t.tags, tag)
	return t
}

// changed records that the transaction writes an object that lists,
// values or summaries show: the transaction then appends a change feed
// entry naming it (feed.go). Every write of such an object must call it.
func (t *txn) changed(ws, kind string, id int64) *txn {
	t.feedWS = ws
	if t.seen == nil {
		t.seen = map[Ref]bool{}
	}
	r := Ref{Kind: kind, ID: id}
	if !t.seen[r] {
		t.seen[r] = true
		t.feedRefs = append(t.feedRefs, r.String())
	}
	return t
}

// run executes the transaction. Conflicts with transactions in flight on
// the same items are retried with jittered backoff (the conditions are
// evaluated afresh each time); a failed condition becomes the error its tag
// names, except the feed head's, which is re-read and retried.
func (t *txn) run(ctx context.Context) error {
	const attempts = 40
	head, known := int64(0), false
	if t.feedWS != "" {
		head, known = t.db.heads.get(t.feedWS)
	}
	for attempt := 0; ; attempt++ {
		tx := t.db.db.WriteTx()
		for _, op := range t.ops {
			op(tx)
		}
		tags := t.tags
		if t.feedWS != "" {
			if !known {
				h, err := t.db.FeedHead(ctx, t.feedWS)
				if err != nil {
					return err
				}
				head, known = h, true
			}
			t.db.feedOps(tx, t.feedWS, head, t.feedRefs, time.Now())
			tags = append(slices.Clip(tags), tagFeed, tagNone)
		}
		err := tx.Run(ctx)
		if err == nil {
			if t.feedWS != "" {
				t.db.heads.set(t.feedWS, head+1)
			}
			return nil
		}
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			var tip *types.TransactionInProgressException
			if (errors.As(err, &tip) || transient(err)) && attempt < attempts {
				if werr := backoff(ctx, attempt); werr != nil {
					return werr
				}
				continue
			}
			return fmt.Errorf("store: transaction: %w", err)
		}
		conflict, feedMoved := false, false
		for i, r := range tce.CancellationReasons {
			code := ""
			if r.Code != nil {
				code = *r.Code
			}
			switch code {
			case "ConditionalCheckFailed":
				if i < len(tags) && tags[i] == tagFeed {
					feedMoved = true
					continue
				}
				if i < len(tags) {
					return tagError(tags[i], err)
				}
				return ErrStale
			case "TransactionConflict":
				conflict = true
			}
		}
		if len(tce.CancellationReasons) == 0 && strings.Contains(err.Error(), "TransactionConflict") {
			conflict = true
		}
		if !conflict && !feedMoved {
			return fmt.Errorf("store: transaction: %w", err)
		}
		if feedMoved {
			known = false // another write of the workspace committed first
		}
		if attempt >= attempts {
			return ErrBusy
		}
		if conflict || attempt > 0 {
			if werr := backoff(ctx, attempt); werr != nil {
				return werr
			}
		}
	}
}

// transient reports a server-side error worth retrying: DynamoDB's 500s
// (DynamoDB Local answers one when a hot item stays locked, "This request
// will succeed in actual DynamoDB API") and the SDK giving up its own
// retries for them.
func transient(err error) bool {
	var ise *types.InternalServerError
	if errors.As(err, &ise) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "StatusCode: 500") || strings.Contains(msg, "retry quota exceeded")
}

// nextID is NextID retried through transient errors (a hot counter under
// many concurrent writes).
func (db *DB) nextID(ctx context.Context, ws, kind string) (int64, error) {
	for attempt := 0; ; attempt++ {
		id, err := db.NextID(ctx, ws, kind)
		if err == nil || !transient(err) || attempt >= 20 {
			return id, err
		}
		if werr := backoff(ctx, attempt); werr != nil {
			return 0, werr
		}
	}
}

func backoff(ctx context.Context, attempt int) error {
	d := time.Duration(5+rand.IntN(10*(min(attempt, 10)+1))) * time.Millisecond
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func tagError(tag string, cause error) error {
	switch tag {
	case tagMax:
		return &LimitError{Limit: "maximum_amount_raised"}
	case tagNonAcc:
		return &LimitError{Limit: "non_accredited"}
	case tagEmail:
		return ErrEmailTaken
	case tagExists:
		return ErrExists
	case tagNotFound:
		return dynamo.ErrNotFound
	}
	return fmt.Errorf("%w (%v)", ErrStale, cause)
}

// Retry runs plan until it does not fail with ErrStale (at most a few
// times): plan reads what it needs, applies the rules and writes with
// conditions on what it read.
func Retry(ctx context.Context, plan func() error) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = plan()
		if !errors.Is(err, ErrStale) {
			return err
		}
		if werr := backoff(ctx, attempt); werr != nil {
			return werr
		}
	}
	return err
}

// versionCond is the condition that an item's version is still old. Items
// imported before versions existed count as version 0.
func versionCond(attr string, old int64) (string, []any) {
	if old == 0 {
		return "attribute_not_exists($) OR $ = ?", []any{attr, attr, 0}
	}
	return "$ = ?", []any{attr, old}
}

// ---- offerings ---------------------------------------------------------

// offeringRecord is an offering item with its version (model.Offering has
// none: the version is storage's concern).
type offeringRecord struct {
	Keys
	model.Offering
	Version int64 `dynamo:"version"`
}

// OfferingForWrite returns an offering and its version, for an update
// conditioned on it. Returns dynamo.ErrNotFound if absent.
func (db *DB) OfferingForWrite(ctx context.Context, ws string, id int64) (*model.Offering, int64, error) {
	var it offeringRecord
	if err := db.table.Get(AttrPK, offeringPK(ws)).Range(AttrSK, dynamo.Equal, padID(id)).Consistent(true).One(ctx, &it); err != nil {
		return nil, 0, err
	}
	return &it.Offering, it.Version, nil
}

// CreateOffering allocates the offering's id and stores it with empty
// running totals and an audit record, in one transaction.
func (db *DB) CreateOffering(ctx context.Context, ws string, o *model.Offering, actor string) error {
	id, err := db.nextID(ctx, ws, KindOffering)
	if err != nil {
		return err
	}
	o.ID = id
	rec := &offeringRecord{Keys: newOfferingItem(ws, o).Keys, Offering: *o, Version: 1}
	agg := &aggregateItem{PK: aggregatePK(ws), SK: padID(id), Offering: id}
	t := db.newTxn().changed(ws, KindOffering, id)
	t.put(tagExists, db.table.Put(rec).If("attribute_not_exists(PK)"))
	t.put(tagExists, db.table.Put(agg).If("attribute_not_exists(PK)"))
	t.put(tagNone, db.table.Put(newAudit(ws, "OFFERING", id, "create", "", o.Status, actor, o.CreatedAt, 0)))
	t.put(tagNone, db.schedulePut(ws, o)) // the scheduled functions' index (schedule.go)
	return t.run(ctx)
}

// UpdateOffering stores the offering if its version is still old; an
// action (open, pause, close) that changed its status leaves an audit
// record in the same transaction. Returns ErrStale if it changed.
func (db *DB) UpdateOffering(ctx context.Context, ws string, o *model.Offering, old int64, action, from, actor string, at time.Time) error {
	var note *OfferingNote
	if action != "" {
		note = &OfferingNote{Action: action, From: from, To: o.Status}
	}
	return db.UpdateOfferingNoted(ctx, ws, o, old, note, actor, at)
}

// OfferingNote is the audit record of an offering write whose from and to
// are not statuses (an early close moves the deadline) or that says more
// (Detail).
type OfferingNote struct {
	Action, From, To, Detail string
}

// UpdateOfferingNoted is UpdateOffering with the audit record spelled out
// (nil: none).
func (db *DB) UpdateOfferingNoted(ctx context.Context, ws string, o *model.Offering, old int64, note *OfferingNote, actor string, at time.Time) error {
	rec := &offeringRecord{Keys: newOfferingItem(ws, o).Keys, Offering: *o, Version: old + 1}
	cond, args := versionCond(attrVersion, old)
	t := db.newTxn().changed(ws, KindOffering, o.ID)
	t.put(tagStale, db.table.Put(rec).If("attribute_exists(PK) AND ("+cond+")", args...))
	if note != nil {
		a := newAudit(ws, "OFFERING", o.ID, note.Action, note.From, note.To, actor, model.NewTime(at), 0)
		a.Detail = note.Detail
		t.put(tagNone, db.table.Put(a))
	}
	t.put(tagNone, db.schedulePut(ws, o)) // the scheduled functions' index (schedule.go)
	return t.run(ctx)
}

// OfferingAggregates returns the running totals of the offerings, keyed by
// offering id: one BatchGet. An offering without an aggregate item (none
// written yet) has zero totals.
func (db *DB) OfferingAggregates(ctx context.Context, ws string, offerings []int64) (map[int64]model.Aggregate, error) {
	items, err := batchGet[aggregateItem](ctx, db, aggregatePK(ws), offerings)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]model.Aggregate, len(offerings))
	for _, id := range offerings {
		out[id] = model.Aggregate{Offering: id}
	}
	for i := range items {
		out[items[i].Offering] = items[i].model()
	}
	return out, nil
}

// ---- investments -------------------------------------------------------

// InvestmentCreate is what creating an investment checks beyond the
// investment itself.
type InvestmentCreate struct {
	OfferingVersion int64        // the offering as read (status open, settings)
	Maximum         *model.Money // the offering's maximum amount raised, if any
	NonAccredited   bool         // the investor is not accredited
	MaxNonAcc       int          // 506(b): cap on non-accredited investors; 0 none
	Actor           string
	// Ledgers are the rolling-12-month ledgers the sale counts in, as read
	// for the rules (ledger.go): each is written back with the sale added,
	// conditioned on the version read.
	Ledgers []*Ledger
	// Decision is the record of the rules the sale was checked against; it
	// goes on the investment's create record and on the offering's trail.
	Decision *model.LimitDecision
	// Steps are transitions applied on creation (none today; kept so an
	// auto-action at creation would share the audit path).
}

// delta is what one write changes in an offering's totals.
// addBuckets adds an investment write's change of amount, count and
// distinct investors per bucket to an aggregate item's update (the
// offering's, an issuer's or the workspace's), and reports whether there
// was anything to add.
func addBuckets(au *dynamo.Update, d *delta, investors [3]int64) bool {
	changed := false
	for i, n := range bucketNames {
		if !d.amount[i].IsZero() {
			au.Add(n+"_amount", model.Money{Decimal: d.amount[i]})
			changed = true
		}
		if d.count[i] != 0 {
			au.Add(n+"_count", d.count[i])
			changed = true
		}
		if investors[i] != 0 {
			au.Add(n+"_investors", investors[i])
			changed = true
		}
	}
	return changed
}

type delta struct {
	amount   [3]decimal.Decimal
	count    [3]int64
	holding  [3]int64 // the investor's counters
	commit   decimal.Decimal
	price    decimal.Decimal // the committed price's change (holding's committed_price)
	invCount [3]int64        // distinct investors
	nonAcc   int64
}

func (d delta) isZero() bool {
	for i := 0; i < 3; i++ {
		if !d.amount[i].IsZero() || d.count[i] != 0 || d.holding[i] != 0 || d.invCount[i] != 0 {
			return false
		}
	}
	return d.commit.IsZero() && d.price.IsZero() && d.nonAcc == 0
}

func bucketsOf(inv *model.Investment) [3]bool {
	if inv == nil {
		return [3]bool{}
	}
	return model.Buckets(inv)
}

func computeDelta(before, after *model.Investment, h *holdingItem, nonAccredited bool) delta {
	var d delta
	b, a := bucketsOf(before), bucketsOf(after)
	for i := 0; i < 3; i++ {
		if b[i] {
			d.amount[i] = d.amount[i].Sub(before.Amount.Decimal)
			d.count[i]--
		}
		if a[i] {
			d.amount[i] = d.amount[i].Add(after.Amount.Decimal)
			d.count[i]++
		}
		d.holding[i] = d.count[i]
		old := h.count(i)
		now := old + d.count[i]
		switch {
		case old <= 0 && now > 0:
			d.invCount[i] = 1
		case old > 0 && now <= 0:
			d.invCount[i] = -1
		}
	}
	d.commit = d.amount[0]
	if b[0] {
		d.price = d.price.Sub(before.Price.Decimal)
	}
	if a[0] {
		d.price = d.price.Add(after.Price.Decimal)
	}
	// The investor counts among the non-accredited purchasers (506(b))
	// while it holds committed investments and one of its sales was made
	// to it as non-accredited: status at each sale, not at its first. So
	// an investor who bought as accredited and buys again as
	// non-accredited starts counting now, though it was already a
	// purchaser.
	was := h.Committed > 0 && h.NonAccredited
	is := h.Committed+d.count[0] > 0 && (h.NonAccredited || nonAccredited)
	switch {
	case is && !was:
		d.nonAcc = 1
	case was && !is:
		d.nonAcc = -1
	}
	return d
}

// holding reads the investor's counters in the offering (zero if none).
func (db *DB) holding(ctx context.Context, ws string, offering, investor int64) (*holdingItem, error) {
	var h holdingItem
	err := db.table.Get(AttrPK, investorsOfOfferingPK(ws, offering)).Range(AttrSK, dynamo.Equal, padID(investor)).Consistent(true).One(ctx, &h)
	if errors.Is(err, dynamo.ErrNotFound) {
		return &holdingItem{PK: investorsOfOfferingPK(ws, offering), SK: padID(investor), ID: investor, CommittedPrice: &model.Money{}}, nil
	}
	if err == nil && h.CommittedPrice == nil {
		// Written before committed_price existed: count it once from the
		// investments (GSI2); the next write of the holding stores it.
		p, err := db.SoldInOffering(ctx, ws, offering, investor)
		if err != nil {
			return nil, err
		}
		h.CommittedPrice = &p
	}
	return &h, err
}

// CommittedPriceInOffering is the price of the investor's committed
// investments in the offering, from its holding item.
func (db *DB) CommittedPriceInOffering(ctx context.Context, ws string, offering, investor int64) (model.Money, error) {
	h, err := db.holding(ctx, ws, offering, investor)
	if err != nil {
		return model.Money{}, err
	}
	return *h.CommittedPrice, nil
}

// HoldingCountedNonAccredited reports whether the investor already counts
// among the offering's non-accredited purchasers (computeDelta's rule), so
// another sale to it does not add one.
func (db *DB) HoldingCountedNonAccredited(ctx context.Context, ws string, offering, investor int64) (bool, error) {
	h, err := db.holding(ctx, ws, offering, investor)
	if err != nil {
		return false, err
	}
	return h.Committed > 0 && h.NonAccredited, nil
}

// addTotals adds the delta's updates of the holding and aggregate items to
// the transaction. limit, when set, is the most the committed total may be
// before this write (the maximum amount raised less the investment).
func (db *DB) addTotals(t *txn, ws string, offering, investor int64, h *holdingItem, d delta, nonAccredited bool, limit *decimal.Decimal, maxNonAcc int) {
	hu := db.table.Update(AttrPK, investorsOfOfferingPK(ws, offering)).Range(AttrSK, padID(investor)).
		Set("id", investor).Add(attrHoldingV, 1)
	for i, n := range bucketNames {
		if d.holding[i] != 0 {
			hu.Add(n, d.holding[i])
		}
	}
	if !d.commit.IsZero() {
		hu.Add("committed_amount", model.Money{Decimal: d.commit})
	}
	// Set, not added: the update is conditioned on the version read, so
	// the value read is exact, and an item written before committed_price
	// existed gets it here (committedPrice computed it).
	if !d.price.IsZero() || h.CommittedPrice == nil {
		base := decimal.Zero
		if h.CommittedPrice != nil {
			base = h.CommittedPrice.Decimal
		}
		hu.Set("committed_price", model.Money{Decimal: base.Add(d.price)})
	}
	if nonAccredited && !h.NonAccredited {
		hu.Set("non_accredited", true)
	}
	if h.V == 0 {
		hu.If("attribute_not_exists(v)")
	} else {
		hu.If("v = ?", h.V)
	}
	t.update(tagStale, hu)

	au := db.table.Update(AttrPK, aggregatePK(ws)).Range(AttrSK, padID(offering)).Set("offering", offering)
	changed := addBuckets(au, &d, d.invCount)
	if d.nonAcc != 0 {
		au.Add(attrNonAccredited, d.nonAcc)
		changed = true
	}
	tag := tagNone
	switch {
	case limit != nil:
		tag = tagMax
		au.If("attribute_not_exists(committed_amount) OR committed_amount <= ?", model.Money{Decimal: *limit})
		if d.nonAcc > 0 && maxNonAcc > 0 {
			au.If("attribute_not_exists($) OR $ < ?", attrNonAccredited, attrNonAccredited, maxNonAcc)
		}
	case d.nonAcc > 0 && maxNonAcc > 0:
		tag = tagNonAcc
		au.If("attribute_not_exists($) OR $ < ?", attrNonAccredited, attrNonAccredited, maxNonAcc)
	}
	if changed || limit != nil {
		t.update(tag, au)
	}
}

// CreateInvestment allocates the investment's id and writes, in one
// transaction: the investment (its GSI keys from newInvestmentItem), the
// investor-in-offering link with the investor's counters, the
// investor-of-issuer link, the offering's running totals conditioned on the
// maximum amount raised (and 506(b)'s cap on non-accredited purchasers), a
// check that the offering did not change since it was read, and the audit
// record. Returns *LimitError when a cap refuses it and ErrStale when the
// offering or the investor's counters moved.
func (db *DB) CreateInvestment(ctx context.Context, ws string, inv *model.Investment, c InvestmentCreate) error {
	if inv.ID == 0 {
		id, err := db.nextID(ctx, ws, KindInvestment)
		if err != nil {
			return err
		}
		inv.ID = id
	}
	h, err := db.holding(ctx, ws, inv.Offering, inv.Investor)
	if err != nil {
		return err
	}
	sc, err := db.scopeCountersOf(ctx, ws, inv.Issuer, inv.Investor) // issuer and workspace totals (scopeagg.go)
	if err != nil {
		return err
	}
	inv.Version = 1
	d := computeDelta(nil, inv, h, c.NonAccredited)
	inv.Ledgers = nil
	for _, l := range c.Ledgers {
		inv.Ledgers = append(inv.Ledgers, l.Key)
	}
	t := db.newTxn().changed(ws, KindInvestment, inv.ID)
	t.put(tagExists, db.table.Put(newInvestmentItem(ws, inv)).If("attribute_not_exists(PK)"))
	var limit *decimal.Decimal
	if c.Maximum != nil {
		l := c.Maximum.Sub(inv.Amount.Decimal)
		if l.IsNegative() {
			return &LimitError{Limit: "maximum_amount_raised"}
		}
		limit = &l
	}
	db.addTotals(t, ws, inv.Offering, inv.Investor, h, d, c.NonAccredited, limit, c.MaxNonAcc)
	for _, l := range c.Ledgers {
		db.putLedger(t, ws, l, model.LedgerDay(inv.CreatedAt.Time), inv.Price.Decimal, inv.CreatedAt.Time)
	}
	// The investor-of-issuer link, with the investor's issuer-level counters,
	// and the issuer's and workspace's totals (scopeagg.go).
	db.addScopeTotals(t, ws, inv.Investor, sc, d, true)
	cond, args := versionCond(attrVersion, c.OfferingVersion)
	t.check(tagStale, db.table.Check(AttrPK, offeringPK(ws)).Range(AttrSK, padID(inv.Offering)).If("attribute_exists(PK) AND ("+cond+")", args...))
	created := newAudit(ws, "INVESTMENT", inv.ID, "create", "", inv.Status, c.Actor, inv.CreatedAt, 0)
	created.Decision = c.Decision
	t.put(tagNone, db.table.Put(created))
	// The offering's trail names each sale with its decision; the sort key
	// carries the investment, so two sales in one microsecond both stay.
	sale := newAudit(ws, "OFFERING", inv.Offering, "sale", "", inv.Status, c.Actor, inv.CreatedAt, 0)
	sale.SK = inv.CreatedAt.SortKey() + "#INVESTMENT#" + padID(inv.ID)
	sale.Investment, sale.Decision = inv.ID, c.Decision
	t.put(tagNone, db.table.Put(sale))
	db.addActivity(t, ws, nil, inv) // the summary's *_today index (dayindex.go)
	return t.run(ctx)
}

// InvestmentForWrite is a consistent read of an investment for a write
// conditioned on its version.
func (db *DB) InvestmentForWrite(ctx context.Context, ws string, id int64) (*model.Investment, error) {
	var it investmentItem
	if err := db.table.Get(AttrPK, investmentPK(ws)).Range(AttrSK, dynamo.Equal, padID(id)).Consistent(true).One(ctx, &it); err != nil {
		return nil, err
	}
	return &it.Investment, nil
}

// Step is one transition applied by a write, for its audit record.
type Step = model.Step

// UpdateInvestment stores after in place of before (whose Version is the
// one read) and moves the offering's running totals and the investor's
// counters by the difference, with one audit record per step, in one
// transaction. after.Version is set to before.Version+1. Returns ErrStale
// if the investment or the counters changed since they were read.
func (db *DB) UpdateInvestment(ctx context.Context, ws string, before, after *model.Investment, steps []Step, actor string, at time.Time) error {
	h, err := db.holding(ctx, ws, after.Offering, after.Investor)
	if err != nil {
		return err
	}
	after.Version = before.Version + 1
	d := computeDelta(before, after, h, h.NonAccredited)
	var sc *scopeCounters
	if !d.isZero() {
		if sc, err = db.scopeCountersOf(ctx, ws, after.Issuer, after.Investor); err != nil { // scopeagg.go
			return err
		}
	}
	cond, args := versionCond(attrVersion, before.Version)
	t := db.newTxn().changed(ws, KindInvestment, after.ID)
	t.put(tagStale, db.table.Put(newInvestmentItem(ws, after)).If("attribute_exists(PK) AND ("+cond+")", args...))
	if !d.isZero() {
		db.addTotals(t, ws, after.Offering, after.Investor, h, d, false, nil, 0)
		db.addScopeTotals(t, ws, after.Investor, sc, d, false)
	}
	// A sale leaving (or re-entering) the committed statuses moves its
	// price in the 12-month ledgers (ledger.go).
	if err := db.addLedgerMoves(ctx, t, ws, before, after, at); err != nil {
		return err
	}
	when := model.NewTime(at)
	for i, s := range steps {
		a := newAudit(ws, "INVESTMENT", after.ID, s.Action, s.From, s.To, actor, when, i)
		a.Detail = s.Detail
		t.put(tagNone, db.table.Put(a))
	}
	db.addActivity(t, ws, before, after) // the summary's *_today index (dayindex.go)
	return t.run(ctx)
}

// InvestmentsOfOfferingInStatus lists an offering's investments in one
// status (GSI3, begins_with the offering).
func (db *DB) InvestmentsOfOfferingInStatus(ctx context.Context, ws string, offering int64, status string) ([]model.Investment, error) {
	var items []investmentItem
	err := db.table.Get("GSI3PK", investmentsByStatusPK(ws, status)).Index("GSI3").
		Range("GSI3SK", dynamo.BeginsWith, padID(offering)+"#").All(ctx, &items)
	out := make([]model.Investment, len(items))
	for i := range items {
		out[i] = items[i].Investment
	}
	return out, err
}

// investmentsOfOffering lists every investment of an offering (GSI1).
func (db *DB) investmentsOfOffering(ctx context.Context, ws string, offering int64) ([]model.Investment, error) {
	var items []investmentItem
	err := db.table.Get("GSI1PK", investmentsOfOfferingPK(ws, offering)).Index("GSI1").All(ctx, &items)
	out := make([]model.Investment, len(items))
	for i := range items {
		out[i] = items[i].Investment
	}
	return out, err
}

// InvestmentsOfOffering lists every investment of an offering (GSI1).
func (db *DB) InvestmentsOfOffering(ctx context.Context, ws string, offering int64) ([]model.Investment, error) {
	return db.investmentsOfOffering(ctx, ws, offering)
}

// RebuildAggregates recomputes an offering's running totals and its
// investors' counters from its investments (GSI1) and overwrites them.
// Running it twice writes the same values. It is for imports and repairs:
// it must not race live writes to the same offering.
func (db *DB) RebuildAggregates(ctx context.Context, ws string, offering int64) error {
	invs, err := db.investmentsOfOffering(ctx, ws, offering)
	if err != nil {
		return err
	}
	agg := &aggregateItem{PK: aggregatePK(ws), SK: padID(offering), Offering: offering}
	holdings := map[int64]*holdingItem{}
	for i := range invs {
		inv := &invs[i]
		h := holdings[inv.Investor]
		if h == nil {
			h = &holdingItem{PK: investorsOfOfferingPK(ws, offering), SK: padID(inv.Investor), ID: inv.Investor, V: 1, CommittedPrice: &model.Money{}}
			holdings[inv.Investor] = h
		}
		if inv.AccreditedInvestor != nil && !*inv.AccreditedInvestor {
			h.NonAccredited = true
		}
		b := model.Buckets(inv)
		if b[0] {
			h.Committed++
			h.CommittedAmount = model.Money{Decimal: h.CommittedAmount.Add(inv.Amount.Decimal)}
			h.CommittedPrice = &model.Money{Decimal: h.CommittedPrice.Add(inv.Price.Decimal)}
			agg.CommittedCount++
			agg.CommittedAmount = model.Money{Decimal: agg.CommittedAmount.Add(inv.Amount.Decimal)}
		}
		if b[1] {
			h.Received++
			agg.ReceivedCount++
			agg.ReceivedAmount = model.Money{Decimal: agg.ReceivedAmount.Add(inv.Amount.Decimal)}
		}
		if b[2] {
			h.Invested++
			agg.InvestedCount++
			agg.InvestedAmount = model.Money{Decimal: agg.InvestedAmount.Add(inv.Amount.Decimal)}
		}
	}
	items := []any{agg}
	for _, h := range holdings {
		if h.Committed > 0 {
			agg.CommittedInvestors++
			if h.NonAccredited {
				agg.NonAccredited++
			}
		}
		if h.Received > 0 {
			agg.ReceivedInvestors++
		}
		if h.Invested > 0 {
			agg.InvestedInvestors++
		}
		items = append(items, h)
	}
	if _, err := db.putAll(ctx, items, nil); err != nil {
		return fmt.Errorf("store: rebuild aggregates of offering %d: %w", offering, err)
	}
	return nil
}

// ---- investors ---------------------------------------------------------

// InvestorForWrite returns an investor and its entities (nil when it has
// none) as stored, for an update conditioned on their versions.
func (db *DB) InvestorForWrite(ctx context.Context, ws string, id int64) (*model.Investor, *model.Entity, *model.Entity, error) {
	var it investorItem
	if err := db.table.Get(AttrPK, investorPK(ws)).Range(AttrSK, dynamo.Equal, padID(id)).Consistent(true).One(ctx, &it); err != nil {
		return nil, nil, nil, err
	}
	get := func(id *int64) (*model.Entity, error) {
		if id == nil {
			return nil, nil
		}
		var e entityItem
		err := db.table.Get(AttrPK, entityPK(ws)).Range(AttrSK, dynamo.Equal, padID(*id)).Consistent(true).One(ctx, &e)
		if errors.Is(err, dynamo.ErrNotFound) {
			return nil, nil
		}
		return &e.Entity, err
	}
	ent, err := get(it.Entity)
	if err != nil {
		return nil, nil, nil, err
	}
	ind, err := get(it.IndividualEntity)
	if err != nil {
		return nil, nil, nil, err
	}
	return &it.Investor, ent, ind, nil
}

// EntityVersion pairs an entity to write with the version it had (0 for a
// new one).
type EntityVersion struct {
	Entity *model.Entity
	Old    int64
	New    bool
}

// SaveInvestor writes an investor and its entities in one transaction:
// created ones with attribute_not_exists, changed ones conditioned on
// their versions, and a check that the investor's user exists. isNew says
// whether the investor itself is created. Returns dynamo.ErrNotFound if the
// user is missing and ErrStale if anything moved.
func (db *DB) SaveInvestor(ctx context.Context, ws string, inv *model.Investor, oldVersion int64, isNew bool, entities []EntityVersion) error {
	t := db.newTxn().changed(ws, KindInvestor, inv.ID)
	for _, ev := range entities {
		e := ev.Entity
		t.changed(ws, KindEntity, e.ID)
		if ev.New {
			e.Version = 1
			t.put(tagExists, db.table.Put(newEntityItem(ws, e)).If("attribute_not_exists(PK)"))
			continue
		}
		e.Version = ev.Old + 1
		cond, args := versionCond(attrVersion, ev.Old)
		t.put(tagStale, db.table.Put(newEntityItem(ws, e)).If("attribute_exists(PK) AND ("+cond+")", args...))
	}
	if isNew {
		inv.Version = 1
		t.put(tagExists, db.table.Put(newInvestorItem(ws, inv)).If("attribute_not_exists(PK)"))
	} else {
		inv.Version = oldVersion + 1
		cond, args := versionCond(attrVersion, oldVersion)
		t.put(tagStale, db.table.Put(newInvestorItem(ws, inv)).If("attribute_exists(PK) AND ("+cond+")", args...))
	}
	t.check(tagNotFound, db.table.Check(AttrPK, userPK(ws)).Range(AttrSK, padID(inv.User)).If("attribute_exists(PK)"))
	return t.run(ctx)
}

// SaveAccreditationVerification stores the investor with its new
// accreditation verification record, if its version is still old, and an
// audit record of the investor (kind INVESTOR, action
// verify_accreditation, from the previous method or "unverified" to the
// new one), in one transaction. Returns ErrStale if the investor moved.
func (db *DB) SaveAccreditationVerification(ctx context.Context, ws string, inv *model.Investor, old int64, from, actor string, at time.Time) error {
	inv.Version = old + 1
	cond, args := versionCond(attrVersion, old)
	t := db.newTxn().changed(ws, KindInvestor, inv.ID)
	t.put(tagStale, db.table.Put(newInvestorItem(ws, inv)).If("attribute_exists(PK) AND ("+cond+")", args...))
	to := "unverified"
	if inv.AccreditationVerification != nil {
		to = inv.AccreditationVerification.Method
	}
	t.put(tagNone, db.table.Put(newAudit(ws, "INVESTOR", inv.ID, "verify_accreditation", from, to, actor, model.NewTime(at), 0)))
	return t.run(ctx)
}

// ---- users -------------------------------------------------------------

// UserForWrite is a consistent read of a user.
func (db *DB) UserForWrite(ctx context.Context, ws string, id int64) (*model.User, error) {
	var it userItem
	if err := db.table.Get(AttrPK, userPK(ws)).Range(AttrSK, dynamo.Equal, padID(id)).Consistent(true).One(ctx, &it); err != nil {
		return nil, err
	}
	return &it.User, nil
}

// CreateUser allocates the user's id and writes the user and its e-mail
// uniqueness item in one transaction. Returns ErrEmailTaken if another user
// of the workspace has the e-mail (case-insensitively).
func (db *DB) CreateUser(ctx context.Context, ws string, u *model.User) error {
	id, err := db.nextID(ctx, ws, KindUser)
	if err != nil {
		return err
	}
	u.ID, u.Version = id, 1
	t := db.newTxn().changed(ws, KindUser, id)
	t.put(tagEmail, db.table.Put(uniqueItem{PK: userEmailPK(ws, strings.ToLower(u.Email)), SK: skUniqueItem, ID: id}).If("attribute_not_exists(PK)"))
	t.put(tagExists, db.table.Put(newUserItem(ws, u)).If("attribute_not_exists(PK)"))
	return t.run(ctx)
}

// skUniqueItem is the sort key of uniqueness items (bulk.go writes the
// same).
const skUniqueItem = "UNIQUE"

// UpdateUser stores u if its version is still old. An e-mail change moves
// the uniqueness item in the same transaction. Returns ErrEmailTaken or
// ErrStale.
func (db *DB) UpdateUser(ctx context.Context, ws string, u *model.User, old int64, oldEmail string) error {
	u.Version = old + 1
	cond, args := versionCond(attrVersion, old)
	t := db.newTxn().changed(ws, KindUser, u.ID)
	t.put(tagStale, db.table.Put(newUserItem(ws, u)).If("attribute_exists(PK) AND ("+cond+")", args...))
	if was, now := strings.ToLower(oldEmail), strings.ToLower(u.Email); was != now {
		t.delete(tagStale, db.table.Delete(AttrPK, userEmailPK(ws, was)).Range(AttrSK, skUniqueItem).If("attribute_not_exists(PK) OR id = ?", u.ID))
		t.put(tagEmail, db.table.Put(uniqueItem{PK: userEmailPK(ws, now), SK: skUniqueItem, ID: u.ID}).If("attribute_not_exists(PK)"))
	}
	return t.run(ctx)
}

// ---- idempotency -------------------------------------------------------

// IdempotencyTTL is how long a POST's first answer is kept for retries.
const IdempotencyTTL = 24 * time.Hour

// idempotencyItem is the first answer to a POST with an Idempotency-Key,
// keyed by workspace, caller (API key id or user) and the key.
type idempotencyItem struct {
	PK          string `dynamo:"PK"`
	SK          string `dynamo:"SK"`
	Fingerprint string `dynamo:"fingerprint"`
	Done        bool   `dynamo:"done"`
	Status      int    `dynamo:"status"`
	ContentType string `dynamo:"content_type,allowempty"`
	Body        []byte `dynamo:"body,allowempty"`
	TTL         int64  `dynamo:"ttl"`
}

// Idempotency claims, completes and releases idempotency records.

// claimIdempotency records that a request with the key is under way. If a
// live record exists it is returned (claimed false).
func (db *DB) claimIdempotency(ctx context.Context, ws, actor, key, fp string, now time.Time) (*idempotencyItem, bool, error) {
	it := idempotencyItem{PK: idempotencyPK(ws, actor), SK: key, Fingerprint: fp, TTL: now.Add(IdempotencyTTL).Unix()}
	err := db.table.Put(it).If("attribute_not_exists(PK) OR $ < ?", AttrTTL, now.Unix()).Run(ctx)
	if err == nil {
		return nil, true, nil
	}
	if !dynamo.IsCondCheckFailed(err) {
		return nil, false, err
	}
	var have idempotencyItem
	if err := db.table.Get(AttrPK, it.PK).Range(AttrSK, dynamo.Equal, key).Consistent(true).One(ctx, &have); err != nil {
		return nil, false, err
	}
	return &have, false, nil
}

func (db *DB) completeIdempotency(ctx context.Context, ws, actor, key string, status int, ctype string, body []byte) error {
	return db.table.Update(AttrPK, idempotencyPK(ws, actor)).Range(AttrSK, key).
		Set("done", true).Set("status", status).Set("content_type", ctype).Set("body", body).Run(ctx)
}

func (db *DB) releaseIdempotency(ctx context.Context, ws, actor, key string) error {
	return db.table.Delete(AttrPK, idempotencyPK(ws, actor)).Range(AttrSK, key).Run(ctx)
}

// IdempotencyReplayHeader marks a response replayed from the first answer.
const IdempotencyReplayHeader = "Idempotent-Replayed"

// Idempotent wraps a POST handler: with an Idempotency-Key header, the
// first request's answer is stored (24 hours), and a retry with the same
// key from the same caller gets that answer again and runs nothing. A key
// reused with a different request is a 422; a retry while the first is
// still running is a 409. Server errors are not stored, so they may be
// retried. who returns the caller's workspace and identity (API key id or
// user); ok false serves the request without idempotency.
func (db *DB) Idempotent(who func(*http.Request) (ws, actor string, ok bool), h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
		ws, actor, ok := who(r)
		if key == "" || !ok {
			h.ServeHTTP(w, r)
			return
		}
		if len(key) > 255 {
			writeRaw(w, http.StatusBadRequest, "application/json", []byte(`{"detail":"Idempotency-Key may not exceed 255 characters."}`+"\n"))
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
		if err != nil {
			writeRaw(w, http.StatusBadRequest, "application/json", []byte(`{"detail":"Could not read the request body."}`+"\n"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+"\n"), body...))
		fp := hex.EncodeToString(sum[:])
		have, claimed, err := db.claimIdempotency(r.Context(), ws, actor, key, fp, time.Now())
		if err != nil {
			writeRaw(w, http.StatusInternalServerError, "application/json", []byte(`{"detail":"A server error occurred."}`+"\n"))
			return
		}
		if !claimed {
			switch {
			case have.Fingerprint != fp:
				writeRaw(w, http.StatusUnprocessableEntity, "application/json", []byte(`{"detail":"Idempotency-Key was already used with a different request."}`+"\n"))
			case !have.Done:
				writeRaw(w, http.StatusConflict, "application/json", []byte(`{"detail":"A request with this Idempotency-Key is still in progress."}`+"\n"))
			default:
				w.Header().Set(IdempotencyReplayHeader, "true")
				writeRaw(w, have.Status, have.ContentType, have.Body)
			}
			return
		}
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		ctx := context.WithoutCancel(r.Context())
		if rec.status >= 500 {
			_ = db.releaseIdempotency(ctx, ws, actor, key)
			return
		}
		_ = db.completeIdempotency(ctx, ws, actor, key, rec.status, rec.Header().Get("Content-Type"), rec.buf.Bytes())
	})
}

func writeRaw(w http.ResponseWriter, status int, ctype string, body []byte) {
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// recorder passes a response through while keeping a copy.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	buf    bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}
