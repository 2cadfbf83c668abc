package store

// Reads that feed the in-memory read model (package readmodel): the whole
// workspace once per process (LoadWorkspace), then only what the change
// feed names (LoadRefs). Both are strongly consistent, so what they return
// is at least as new as the feed head read before them.

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/guregu/dynamo/v2"
)

// loadSegment is how many ids one Query of a cold load covers, and
// loadParallel how many run at once: a 100,000-investment partition is
// read as 50 range Queries, 8 in flight.
const (
	loadSegment  = 2000
	loadParallel = 8
)

// LoadWorkspace reads every issuer, offering, user, entity, investor and
// investment of the workspace. Each kind's partition is split into id
// ranges (ids are dense: they come from the workspace's counters, which
// imports raise above every imported id) read by parallel consistent
// Queries; the last range is open-ended so nothing above the counter is
// missed. It never scans.
func (db *DB) LoadWorkspace(ctx context.Context, ws string) (Objects, error) {
	var (
		objs Objects
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, loadParallel)
	)
	type job struct {
		pk     string
		lo, hi int64 // hi 0: open-ended
		kind   string
	}
	var jobs []job
	for _, k := range []struct{ kind, pk string }{
		{KindIssuer, issuerPK(ws)}, {KindOffering, offeringPK(ws)}, {KindUser, userPK(ws)},
		{KindEntity, entityPK(ws)}, {KindInvestor, investorPK(ws)}, {KindInvestment, investmentPK(ws)},
	} {
		max, err := db.Counter(ctx, ws, k.kind)
		if err != nil {
			return Objects{}, err
		}
		lo := int64(0)
		for ; lo+loadSegment <= max; lo += loadSegment {
			jobs = append(jobs, job{k.pk, lo, lo + loadSegment - 1, k.kind})
		}
		jobs = append(jobs, job{k.pk, lo, 0, k.kind})
	}
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			q := db.table.Get(AttrPK, j.pk).Consistent(true)
			if j.hi == 0 {
				q = q.Range(AttrSK, dynamo.GreaterOrEqual, padID(j.lo))
			} else {
				q = q.Range(AttrSK, dynamo.Between, padID(j.lo), padID(j.hi))
			}
			var part Objects
			err := loadInto(ctx, q, j.kind, &part)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("store: load %s: %w", j.pk, err))
				return
			}
			objs.add(part)
		}()
	}
	wg.Wait()
	return objs, errors.Join(errs...)
}

// loadInto runs q to its end and decodes its items as kind into out,
// counting what it read in the request's Stats.
func loadInto(ctx context.Context, q *dynamo.Query, kind string, out *Objects) error {
	var cc dynamo.ConsumedCapacity
	q = q.ConsumedCapacity(&cc)
	var n int
	var err error
	switch kind {
	case KindIssuer:
		var items []issuerItem
		err = q.All(ctx, &items)
		for i := range items {
			out.Issuers = append(out.Issuers, items[i].Issuer)
		}
		n = len(items)
	case KindOffering:
		var items []offeringItem
		err = q.All(ctx, &items)
		for i := range items {
			out.Offerings = append(out.Offerings, items[i].Offering)
		}
		n = len(items)
	case KindUser:
		var items []userItem
		err = q.All(ctx, &items)
		for i := range items {
			out.Users = append(out.Users, items[i].User)
		}
		n = len(items)
	case KindEntity:
		var items []entityItem
		err = q.All(ctx, &items)
		for i := range items {
			out.Entities = append(out.Entities, items[i].Entity)
		}
		n = len(items)
	case KindInvestor:
		var items []investorItem
		err = q.All(ctx, &items)
		for i := range items {
			out.Investors = append(out.Investors, items[i].Investor)
		}
		n = len(items)
	case KindInvestment:
		var items []investmentItem
		err = q.All(ctx, &items)
		for i := range items {
			out.Investments = append(out.Investments, items[i].Investment)
		}
		n = len(items)
	}
	record(ctx, n, &cc)
	return err
}

func (o *Objects) add(p Objects) {
	o.Issuers = append(o.Issuers, p.Issuers...)
	o.Offerings = append(o.Offerings, p.Offerings...)
	o.Users = append(o.Users, p.Users...)
	o.Entities = append(o.Entities, p.Entities...)
	o.Investors = append(o.Investors, p.Investors...)
	o.Investments = append(o.Investments, p.Investments...)
}

// LoadRefs reads the objects refs name with consistent BatchGets, one per
// kind; an object that is not returned no longer exists.
func (db *DB) LoadRefs(ctx context.Context, ws string, refs []Ref) (Objects, error) {
	byKind := map[string][]int64{}
	for _, r := range refs {
		byKind[r.Kind] = append(byKind[r.Kind], r.ID)
	}
	var out Objects
	for kind, ids := range byKind {
		var err error
		switch kind {
		case KindIssuer:
			var items []issuerItem
			items, err = consistentGet[issuerItem](ctx, db, issuerPK(ws), ids)
			for i := range items {
				out.Issuers = append(out.Issuers, items[i].Issuer)
			}
		case KindOffering:
			var items []offeringItem
			items, err = consistentGet[offeringItem](ctx, db, offeringPK(ws), ids)
			for i := range items {
				out.Offerings = append(out.Offerings, items[i].Offering)
			}
		case KindUser:
			var items []userItem
			items, err = consistentGet[userItem](ctx, db, userPK(ws), ids)
			for i := range items {
				out.Users = append(out.Users, items[i].User)
			}
		case KindEntity:
			var items []entityItem
			items, err = consistentGet[entityItem](ctx, db, entityPK(ws), ids)
			for i := range items {
				out.Entities = append(out.Entities, items[i].Entity)
			}
		case KindInvestor:
			var items []investorItem
			items, err = consistentGet[investorItem](ctx, db, investorPK(ws), ids)
			for i := range items {
				out.Investors = append(out.Investors, items[i].Investor)
			}
		case KindInvestment:
			var items []investmentItem
			items, err = consistentGet[investmentItem](ctx, db, investmentPK(ws), ids)
			for i := range items {
				out.Investments = append(out.Investments, items[i].Investment)
			}
		}
		if err != nil {
			return Objects{}, fmt.Errorf("store: load %s: %w", kind, err)
		}
	}
	return out, nil
}

// consistentGet is batchGet with strongly consistent reads.
func consistentGet[T any](ctx context.Context, db *DB, pk string, ids []int64) ([]T, error) {
	ids = uniq(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]dynamo.Keyed, len(ids))
	for i, id := range ids {
		keys[i] = dynamo.Keys{pk, padID(id)}
	}
	var out []T
	var cc dynamo.ConsumedCapacity
	err := db.table.Batch(AttrPK, AttrSK).Get(keys...).Consistent(true).ConsumedCapacity(&cc).All(ctx, &out)
	if errors.Is(err, dynamo.ErrNotFound) {
		err = nil
	}
	record(ctx, len(out), &cc)
	return out, err
}
