package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/guregu/dynamo/v2"
	"golang.org/x/sync/errgroup"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Objects is a set of seed 000 objects to load with their ids kept.
type Objects struct {
	Issuers     []model.Issuer
	Offerings   []model.Offering
	Users       []model.User
	Investors   []model.Investor
	Entities    []model.Entity
	Investments []model.Investment
}

type keyed interface{ keys() (string, string) }

func (k Keys) keys() (string, string)       { return k.PK, k.SK }
func (l linkItem) keys() (string, string)   { return l.PK, l.SK }
func (u uniqueItem) keys() (string, string) { return u.PK, u.SK }

// items turns the objects into every item they need: the objects, their
// link items and the e-mail uniqueness items.
func (o Objects) items(ws string) []keyed {
	var out []keyed
	for i := range o.Issuers {
		out = append(out, newIssuerItem(ws, &o.Issuers[i]))
	}
	for i := range o.Entities {
		out = append(out, newEntityItem(ws, &o.Entities[i]))
	}
	for i := range o.Users {
		u := &o.Users[i]
		out = append(out, newUserItem(ws, u), uniqueItem{PK: userEmailPK(ws, strings.ToLower(u.Email)), SK: "UNIQUE", ID: u.ID})
	}
	for i := range o.Investors {
		out = append(out, newInvestorItem(ws, &o.Investors[i]))
	}
	for i := range o.Offerings {
		out = append(out, newOfferingItem(ws, &o.Offerings[i]))
	}
	links := map[[2]string]bool{}
	for i := range o.Investments {
		inv := &o.Investments[i]
		out = append(out, newInvestmentItem(ws, inv))
		for _, it := range activityItems(ws, inv) { // the summary's *_today index (dayindex.go)
			out = append(out, it)
		}
		for _, pk := range []string{investorsOfOfferingPK(ws, inv.Offering), investorsOfIssuerPK(ws, inv.Issuer)} {
			k := [2]string{pk, padID(inv.Investor)}
			if !links[k] {
				links[k] = true
				out = append(out, linkItem{PK: pk, SK: padID(inv.Investor), ID: inv.Investor})
			}
		}
	}
	return out
}

// wrap lets embedded-key items report their keys.
func itemKeys(it keyed) (string, string) {
	switch v := it.(type) {
	case *issuerItem:
		return v.Keys.keys()
	case *entityItem:
		return v.Keys.keys()
	case *userItem:
		return v.Keys.keys()
	case *investorItem:
		return v.Keys.keys()
	case *offeringItem:
		return v.Keys.keys()
	case *investmentItem:
		return v.Keys.keys()
	}
	return it.keys()
}

// EmailConflicts returns the e-mails of users that the table already holds
// under a different user id.
func (db ImportStore) EmailConflicts(ctx context.Context, ws string, users []model.User) ([]string, error) {
	var out []string
	for start := 0; start < len(users); start += 100 {
		chunk := users[start:min(start+100, len(users))]
		keys := make([]dynamo.Keyed, len(chunk))
		want := map[string]int64{}
		for i, u := range chunk {
			pk := userEmailPK(ws, strings.ToLower(u.Email))
			keys[i] = dynamo.Keys{pk, "UNIQUE"}
			want[pk] = u.ID
		}
		var got []uniqueItem
		err := db.table.Batch(AttrPK, AttrSK).Get(keys...).All(ctx, &got)
		if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
			return nil, err
		}
		for _, g := range got {
			if want[g.PK] != g.ID {
				out = append(out, strings.TrimPrefix(g.PK, userEmailPK(ws, "")))
			}
		}
	}
	return out, nil
}

// importWorkers bounds the requests an import (PutMissing and the
// rebuilds after it) keeps in flight. On AWS a batch request is mostly
// latency, so several in flight multiply throughput; DynamoDB Local runs
// every item operation on one SQLite thread, so there more workers add
// nothing (measured: 2, 4, 8, 16 and 32 within noise of each other, see
// BENCHMARKS.md) and only what each request makes the server do counts.
const importWorkers = 8

// PutMissing writes every item of the objects that the table does not hold
// yet, in batches, several at a time. Items already there are left as they
// are, so running it twice changes nothing and an interrupted run finishes
// when re-run. progress, if set, is called with the items handled so far
// and the total.
func (db ImportStore) PutMissing(ctx context.Context, ws string, objs Objects, progress func(done, total int)) (written int, err error) {
	// What an import rebuilds belongs to other aggregates: it calls them
	// through their types.
	investing, schedule, feed := InvestingStore(db), ScheduleStore(db), ReadModelStore(db)
	items := objs.items(ws)
	have, err := db.existingKeys(ctx, items)
	if err != nil {
		return 0, err
	}
	missing := make([]any, 0, len(items))
	for _, it := range items {
		pk, sk := itemKeys(it)
		if !have[[2]string{pk, sk}] {
			missing = append(missing, it)
		}
	}
	var report func(n int)
	if progress != nil {
		skipped := len(items) - len(missing)
		progress(skipped, len(items))
		report = func(n int) { progress(skipped+n, len(items)) }
	}
	written, err = db.putAll(ctx, missing, report)
	if err != nil {
		return written, fmt.Errorf("store: batch write: %w", err)
	}
	// Readers of the workspace rebuild their read model (feed.go) when this
	// run wrote anything, so a second run changes nothing. A run that died
	// between its last write and this line leaves readers built before it
	// without its items until the workspace's next write or import.
	if written > 0 {
		if err := feed.AppendReset(ctx, ws); err != nil {
			return written, err
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(importWorkers)
	for kind, max := range map[string]int64{
		KindIssuer:     maxID(objs.Issuers, func(v model.Issuer) int64 { return v.ID }),
		KindOffering:   maxID(objs.Offerings, func(v model.Offering) int64 { return v.ID }),
		KindUser:       maxID(objs.Users, func(v model.User) int64 { return v.ID }),
		KindInvestor:   maxID(objs.Investors, func(v model.Investor) int64 { return v.ID }),
		KindEntity:     maxID(objs.Entities, func(v model.Entity) int64 { return v.ID }),
		KindInvestment: maxID(objs.Investments, func(v model.Investment) int64 { return v.ID }),
		KindWatchlist:  maxWatchlist(objs.Investments),
	} {
		if max > 0 {
			g.Go(func() error { return db.RaiseCounter(gctx, ws, kind, max) })
		}
	}
	// The summary reads running totals maintained on write; imported
	// investments count once their offerings' totals are rebuilt. Each
	// offering's rebuild reads and writes only its own items, so they run
	// side by side.
	for _, id := range importedOfferings(objs) {
		g.Go(func() error { return investing.RebuildAggregates(gctx, ws, id) })
	}
	if err := g.Wait(); err != nil {
		return written, err
	}
	// Then the issuer and workspace totals from the offerings' counters
	// (scopeagg.go), which must wait for every offering's.
	if err := investing.RebuildScopeAggregates(ctx, ws); err != nil {
		return written, err
	}
	// The rolling-12-month ledgers of the issuer ceilings and Reg CF
	// persons (ledger.go) count imported sales once rebuilt.
	if len(objs.Investments) > 0 || len(objs.Offerings) > 0 {
		if err := investing.RebuildLedgers(ctx, ws, time.Now()); err != nil {
			return written, err
		}
	}
	// The scheduled functions find offerings through their index.
	if err := schedule.ScheduleOfferings(ctx, ws, objs.Offerings); err != nil {
		return written, err
	}
	return written, nil
}

func importedOfferings(objs Objects) []int64 {
	var ids []int64
	for _, o := range objs.Offerings {
		ids = append(ids, o.ID)
	}
	for _, inv := range objs.Investments {
		ids = append(ids, inv.Offering)
	}
	return uniq(ids)
}

// queryFrom is how many of an import's items must share a partition for
// existingKeys to Query the partition rather than BatchGet the keys.
const queryFrom = 25

// existingKeys returns which of the items' keys the table holds. A
// partition that many of the items go to (an import's investments,
// activity entries, links) is read with a keys-only Query: DynamoDB Local
// pays a per-key cost on every BatchGetItem key as on a put (it decodes
// the table's schema for each: in a profile of an import, a third of its
// SQLite thread's time), while a Query is one operation per page, and on AWS a
// Query page costs the bytes read, not 4 KB per key. A new workspace's
// partitions are empty, so there the check is a few empty pages. A
// partition that holds far more than the import writes to it (a large
// workspace receiving a small file) is not read to its end: after
// queryBudget items the rest of its keys are checked by BatchGetItem. The
// reads are strongly consistent so that a re-run sees everything an
// interrupted run wrote.
func (db ImportStore) existingKeys(ctx context.Context, items []keyed) (map[[2]string]bool, error) {
	byPK := map[string][]string{}
	var pks []string
	for _, it := range items {
		pk, sk := itemKeys(it)
		if _, ok := byPK[pk]; !ok {
			pks = append(pks, pk)
		}
		byPK[pk] = append(byPK[pk], sk)
	}
	var (
		mu   sync.Mutex
		have = map[[2]string]bool{}
		rest []dynamo.Keyed // keys to check one by one
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(importWorkers)
	for _, pk := range pks {
		sks := byPK[pk]
		if len(sks) < queryFrom {
			for _, sk := range sks {
				rest = append(rest, dynamo.Keys{pk, sk})
			}
			continue
		}
		g.Go(func() error {
			found, complete, err := db.partitionKeys(gctx, pk, queryBudget(len(sks)))
			if err != nil {
				return fmt.Errorf("store: read existing: %w", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if !complete {
				for _, sk := range sks {
					rest = append(rest, dynamo.Keys{pk, sk})
				}
				return nil
			}
			want := make(map[string]bool, len(sks))
			for _, sk := range sks {
				want[sk] = true
			}
			for _, sk := range found {
				if want[sk] { // the partition may hold more than the import
					have[[2]string{pk, sk}] = true
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(importWorkers)
	for start := 0; start < len(rest); start += 100 {
		part := rest[start:min(start+100, len(rest))]
		g.Go(func() error {
			var got []Keys
			err := db.table.Batch(AttrPK, AttrSK).Get(part...).Project(AttrPK, AttrSK).Consistent(true).All(gctx, &got)
			if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
				return fmt.Errorf("store: read existing: %w", err)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, h := range got {
				have[[2]string{h.PK, h.SK}] = true
			}
			return nil
		})
	}
	return have, g.Wait()
}

// queryBudget is how many items existingKeys reads from a partition that
// the import writes n items to before it checks them key by key instead:
// a few times n, so the Query never costs much more than the BatchGets it
// replaces.
func queryBudget(n int) int { return max(4*n, 1000) }

// partitionKeys returns the sort keys of a partition, unless it holds more
// than budget items (complete false).
func (db ImportStore) partitionKeys(ctx context.Context, pk string, budget int) (sks []string, complete bool, err error) {
	it := db.table.Get(AttrPK, pk).Project(AttrPK, AttrSK).Consistent(true).Iter()
	var k Keys
	for it.Next(ctx, &k) {
		if len(sks) == budget {
			return nil, false, nil
		}
		sks = append(sks, k.SK)
	}
	return sks, true, it.Err()
}

// putAll writes items with BatchWriteItem, 25 to a request, importWorkers
// requests at a time (guregu retries unprocessed items with exponential
// backoff). done, if set, is called with the items written so far; calls
// are serialised.
func (db *core) putAll(ctx context.Context, items []any, done func(n int)) (int, error) {
	var (
		mu      sync.Mutex
		written int
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(importWorkers)
	for start := 0; start < len(items); start += 25 {
		part := items[start:min(start+25, len(items))]
		g.Go(func() error {
			n, err := db.table.Batch(AttrPK, AttrSK).Write().Put(part...).Run(gctx)
			mu.Lock()
			defer mu.Unlock()
			written += n
			if done != nil {
				done(written)
			}
			return err
		})
	}
	err := g.Wait()
	return written, err
}

func maxID[T any](xs []T, id func(T) int64) int64 {
	var m int64
	for _, x := range xs {
		m = max(m, id(x))
	}
	return m
}

func maxWatchlist(invs []model.Investment) int64 {
	var m int64
	for _, inv := range invs {
		for _, w := range inv.WatchlistEntitySet {
			m = max(m, w.ID)
		}
	}
	return m
}
