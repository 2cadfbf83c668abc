package store

// The change feed: what lets a process keep an in-memory read model of a
// workspace (package readmodel) exactly as fresh as the table, with one
// strongly consistent read per request.
//
//	item          PK                 SK               attributes
//	feed head     WS#<ws>#CHANGES    HEAD             seq (the last entry's number)
//	feed entry    WS#<ws>#CHANGES    E#pad(seq)       refs ["investment:12", "investor:3", …] or reset; ttl
//
// Every transaction that writes an object a list, values or summary can show
// (offering, investment, investor, entity, user, issuer) also advances the
// head from N to N+1 (condition seq = N) and puts entry N+1 naming those
// objects. The condition serialises the workspace's writers on the head, so
// entry N+1 commits only after entry N did, atomically with the objects it
// names: a consistent Query for the entries after the last one a process
// applied returns every change since, with no gap, and nothing more. An
// import (bulk writes, not transactions) appends one reset entry after its
// items are written: readers rebuild.
//
// Why not a timestamp-ordered log: entries written by concurrent processes
// commit out of timestamp order, so "after the last one I saw" could skip a
// late commit; and why not a TTL'd cache: freshness must not depend on a
// clock. The price is that writes of one workspace serialise on the head,
// as its investment writes already did on the workspace totals item
// (doc.go, "Writes"); a losing writer re-reads the head and retries at once.
//
// Entries expire after FeedTTL: a process that has not served the workspace
// for that long rebuilds (readmodel checks that the entries it gets follow
// on from its own sequence number, and rebuilds on a gap).

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/guregu/dynamo/v2"
)

// FeedTTL is how long feed entries are kept.
const FeedTTL = 7 * 24 * time.Hour

const (
	feedHeadSK   = "HEAD"
	feedEntrySK  = "E#"
	feedRefReset = "reset"
	attrSeq      = "seq"
)

func feedPK(ws string) string { return kindPK(ws, "CHANGES") }

func feedEntryKey(seq int64) string { return feedEntrySK + fmt.Sprintf("%016d", seq) }

// Ref names one changed object: its kind (KindOffering, KindInvestment,
// KindInvestor, KindEntity, KindUser, KindIssuer) and id.
type Ref struct {
	Kind string
	ID   int64
}

func (r Ref) String() string { return r.Kind + ":" + strconv.FormatInt(r.ID, 10) }

func parseRef(s string) (Ref, bool) {
	k, id, ok := strings.Cut(s, ":")
	if !ok {
		return Ref{}, false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return Ref{Kind: k, ID: n}, err == nil
}

// Change is one feed entry: the objects one write changed, or Reset (the
// whole workspace may have changed: an import).
type Change struct {
	Seq   int64
	Refs  []Ref
	Reset bool
}

type feedHead struct {
	PK  string `dynamo:"PK"`
	SK  string `dynamo:"SK"`
	Seq int64  `dynamo:"seq"`
}

type feedEntry struct {
	PK   string   `dynamo:"PK"`
	SK   string   `dynamo:"SK"`
	Seq  int64    `dynamo:"seq"`
	Refs []string `dynamo:"refs,set"`
	TTL  int64    `dynamo:"ttl"`
}

// heads remembers each workspace's last known head per DB, so a writer
// usually guesses N right and needs no extra read; a wrong guess fails the
// head's condition and is re-read.
type heads struct {
	mu sync.Mutex
	m  map[string]int64
}

func (h *heads) get(ws string) (int64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n, ok := h.m[ws]
	return n, ok
}

func (h *heads) set(ws string, n int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]int64{}
	}
	if n > h.m[ws] {
		h.m[ws] = n
	}
}

// FeedHead is a consistent read of the workspace's last entry number (0
// before any write). It counts in the request's Stats.
func (db *core) FeedHead(ctx context.Context, ws string) (int64, error) {
	var h feedHead
	var cc dynamo.ConsumedCapacity
	err := db.table.Get(AttrPK, feedPK(ws)).Range(AttrSK, dynamo.Equal, feedHeadSK).Consistent(true).ConsumedCapacity(&cc).One(ctx, &h)
	if errors.Is(err, dynamo.ErrNotFound) {
		record(ctx, 0, &cc)
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: feed head: %w", err)
	}
	record(ctx, 1, &cc)
	db.heads.set(ws, h.Seq)
	return h.Seq, nil
}

// ChangesSince returns the entries after seq, oldest first: one consistent
// Query (it reads nothing when nothing changed). The entries follow on
// from seq unless some expired (then the first one's Seq is not seq+1).
func (db ReadModelStore) ChangesSince(ctx context.Context, ws string, seq int64) ([]Change, error) {
	var out []Change
	kc := tableKey(feedPK(ws))
	// BETWEEN the next entry and the last possible one: the head, which
	// sorts after every entry, is not read.
	kc.skOp, kc.sk, kc.sk2, kc.consistent = "between", feedEntryKey(seq+1), feedEntrySK+"9999999999999999", true
	err := db.queryAll(ctx, kc, nil, func(it dynamo.Item) error {
		var e feedEntry
		if err := dynamo.UnmarshalItem(it, &e); err != nil {
			return fmt.Errorf("store: decode feed entry: %w", err)
		}
		c := Change{Seq: e.Seq}
		for _, s := range e.Refs {
			if s == feedRefReset {
				c.Reset = true
				continue
			}
			if r, ok := parseRef(s); ok {
				c.Refs = append(c.Refs, r)
			}
		}
		out = append(out, c)
		return nil
	})
	if len(out) > 0 {
		db.heads.set(ws, out[len(out)-1].Seq)
	}
	return out, err
}

// feedOps adds the head advance and the entry to a transaction.
func (db *core) feedOps(tx *dynamo.WriteTx, ws string, seq int64, refs []string, now time.Time) {
	up := db.table.Update(AttrPK, feedPK(ws)).Range(AttrSK, feedHeadSK).Set(attrSeq, seq+1)
	if seq == 0 {
		up = up.If("attribute_not_exists($) OR $ = ?", attrSeq, attrSeq, 0)
	} else {
		up = up.If("$ = ?", attrSeq, seq)
	}
	tx.Update(up)
	tx.Put(db.table.Put(feedEntry{PK: feedPK(ws), SK: feedEntryKey(seq + 1), Seq: seq + 1, Refs: refs, TTL: now.Add(FeedTTL).Unix()}))
}

// AppendReset appends a reset entry: readers of the workspace rebuild.
// Imports call it after their bulk writes.
func (db ReadModelStore) AppendReset(ctx context.Context, ws string) error {
	t := db.newTxn()
	t.feedWS, t.feedRefs = ws, []string{feedRefReset}
	return t.run(ctx)
}
