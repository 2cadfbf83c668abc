package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/guregu/dynamo/v2"

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
func (db *DB) EmailConflicts(ctx context.Context, ws string, users []model.User) ([]string, error) {
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

// PutMissing writes every item of the objects that the table does not hold
// yet, in batches, several at a time. Items already there are left as they
// are, so running it twice changes nothing and an interrupted run finishes
// when re-run. progress, if set, is called with the items handled so far
// and the total.
func (db *DB) PutMissing(ctx context.Context, ws string, objs Objects, progress func(done, total int)) (written int, err error) {
	items := objs.items(ws)
	const chunk = 100
	var (
		mu       sync.Mutex
		done     int
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, 8)
	)
	for start := 0; start < len(items); start += chunk {
		part := items[start:min(start+chunk, len(items))]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			n, err := db.putMissingChunk(ctx, part)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			written += n
			done += len(part)
			if progress != nil {
				progress(done, len(items))
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return written, firstErr
	}
	// Readers of the workspace rebuild their read model (feed.go) when this
	// run wrote anything, so a second run changes nothing. A run that died
	// between its last write and this line leaves readers built before it
	// without its items until the workspace's next write or import.
	if written > 0 {
		if err := db.AppendReset(ctx, ws); err != nil {
			return written, err
		}
	}
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
			if err := db.RaiseCounter(ctx, ws, kind, max); err != nil {
				return written, err
			}
		}
	}
	// The summary reads running totals maintained on write; imported
	// investments count once their offerings' totals are rebuilt.
	for _, id := range importedOfferings(objs) {
		if err := db.RebuildAggregates(ctx, ws, id); err != nil {
			return written, err
		}
	}
	// Then the issuer and workspace totals from the offerings' counters
	// (scopeagg.go).
	if err := db.RebuildScopeAggregates(ctx, ws); err != nil {
		return written, err
	}
	// The scheduled functions find offerings through their index.
	if err := db.ScheduleOfferings(ctx, ws, objs.Offerings); err != nil {
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

func (db *DB) putMissingChunk(ctx context.Context, part []keyed) (int, error) {
	keys := make([]dynamo.Keyed, len(part))
	for i, it := range part {
		pk, sk := itemKeys(it)
		keys[i] = dynamo.Keys{pk, sk}
	}
	var have []Keys
	err := db.table.Batch(AttrPK, AttrSK).Get(keys...).Project(AttrPK, AttrSK).All(ctx, &have)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return 0, fmt.Errorf("store: read existing: %w", err)
	}
	exists := make(map[[2]string]bool, len(have))
	for _, h := range have {
		exists[[2]string{h.PK, h.SK}] = true
	}
	var missing []any
	for _, it := range part {
		pk, sk := itemKeys(it)
		if !exists[[2]string{pk, sk}] {
			missing = append(missing, it)
		}
	}
	if len(missing) == 0 {
		return 0, nil
	}
	n, err := db.table.Batch(AttrPK, AttrSK).Write().Put(missing...).Run(ctx)
	if err != nil {
		return n, fmt.Errorf("store: batch write: %w", err)
	}
	return n, nil
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
