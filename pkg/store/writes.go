package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/guregu/dynamo/v2"
)

// Errors of the write paths (and ErrStale, identity.go's: an item changed
// between the read a write was planned on and the write; Retry re-reads
// and plans again). httpapi.WriteError renders each; none is a 500.
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

// ---- the transaction core ----------------------------------------------

// txn is a write transaction whose operations carry tags, so a cancelled
// transaction says which condition failed. The operations are kept, not
// added to one WriteTx, because each attempt may carry a different change
// feed head (feed.go).
type txn struct {
	db   *core
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

func (db *core) newTxn() *txn { return &txn{db: db} }

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
func (db *core) nextID(ctx context.Context, ws, kind string) (int64, error) {
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
