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

	"github.com/tranche-dev/tranche/pkg/model"
)

// loadSegment is how many ids one Query of a cold load covers, and
// loadParallel how many run at once: a 100,000-investment partition is
// read as 50 range Queries, 8 in flight.
const (
	loadSegment  = 2000
	loadParallel = 8
)

// objectKind is how one kind of object is read into Objects: its
// partition and a decoder from a read (a Query or BatchGet run into a
// slice of the kind's item type) to the model objects.
type objectKind struct {
	kind string
	pk   func(ws string) string
	// read runs fetch into a slice of the kind's stored items and appends
	// their objects to out, returning how many it read.
	read func(fetch func(dst any) error, out *Objects) (int, error)
}

func readAs[I, O any](object func(*I) O, list func(*Objects) *[]O) func(func(any) error, *Objects) (int, error) {
	return func(fetch func(any) error, out *Objects) (int, error) {
		var items []I
		err := fetch(&items)
		dst := list(out)
		for i := range items {
			*dst = append(*dst, object(&items[i]))
		}
		return len(items), err
	}
}

// objectKinds are the kinds the read model holds.
var objectKinds = []objectKind{
	{KindIssuer, issuerPK, readAs(func(it *issuerItem) model.Issuer { return it.Issuer },
		func(o *Objects) *[]model.Issuer { return &o.Issuers })},
	{KindOffering, offeringPK, readAs(func(it *offeringItem) model.Offering { return it.Offering },
		func(o *Objects) *[]model.Offering { return &o.Offerings })},
	{KindUser, userPK, readAs(func(it *userItem) model.User { return it.User },
		func(o *Objects) *[]model.User { return &o.Users })},
	{KindEntity, entityPK, readAs(func(it *entityItem) model.Entity { return it.Entity },
		func(o *Objects) *[]model.Entity { return &o.Entities })},
	{KindInvestor, investorPK, readAs(func(it *investorItem) model.Investor { return it.Investor },
		func(o *Objects) *[]model.Investor { return &o.Investors })},
	{KindInvestment, investmentPK, readAs(func(it *investmentItem) model.Investment { return it.Investment },
		func(o *Objects) *[]model.Investment { return &o.Investments })},
}

// LoadWorkspace reads every issuer, offering, user, entity, investor and
// investment of the workspace. Each kind's partition is split into id
// ranges (ids are dense: they come from the workspace's counters, which
// imports raise above every imported id) read by parallel consistent
// Queries; the last range is open-ended so nothing above the counter is
// missed. It never scans.
func (db ReadModelStore) LoadWorkspace(ctx context.Context, ws string) (Objects, error) {
	type job struct {
		k      objectKind
		lo, hi int64 // hi 0: open-ended
	}
	var jobs []job
	for _, k := range objectKinds {
		max, err := db.Counter(ctx, ws, k.kind)
		if err != nil {
			return Objects{}, err
		}
		record(ctx, 1, nil)
		lo := int64(0)
		for ; lo+loadSegment <= max; lo += loadSegment {
			jobs = append(jobs, job{k, lo, lo + loadSegment - 1})
		}
		jobs = append(jobs, job{k, lo, 0})
	}
	var (
		objs Objects
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, loadParallel)
	)
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var cc dynamo.ConsumedCapacity
			q := db.table.Get(AttrPK, j.k.pk(ws)).Consistent(true).ConsumedCapacity(&cc)
			if j.hi == 0 {
				q = q.Range(AttrSK, dynamo.GreaterOrEqual, padID(j.lo))
			} else {
				q = q.Range(AttrSK, dynamo.Between, padID(j.lo), padID(j.hi))
			}
			var part Objects
			n, err := j.k.read(func(dst any) error { return q.All(ctx, dst) }, &part)
			record(ctx, n, &cc)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("store: load %s: %w", j.k.pk(ws), err))
				return
			}
			objs.add(part)
		}()
	}
	wg.Wait()
	return objs, errors.Join(errs...)
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
func (db ReadModelStore) LoadRefs(ctx context.Context, ws string, refs []Ref) (Objects, error) {
	byKind := map[string][]int64{}
	for _, r := range refs {
		byKind[r.Kind] = append(byKind[r.Kind], r.ID)
	}
	var out Objects
	for _, k := range objectKinds {
		ids := byKind[k.kind]
		if len(ids) == 0 {
			continue
		}
		var cc dynamo.ConsumedCapacity
		bg := db.batchGetOf(k.pk(ws), ids).Consistent(true).ConsumedCapacity(&cc)
		n, err := k.read(func(dst any) error {
			if err := bg.All(ctx, dst); !errors.Is(err, dynamo.ErrNotFound) {
				return err
			}
			return nil
		}, &out)
		record(ctx, n, &cc)
		if err != nil {
			return Objects{}, fmt.Errorf("store: load %s: %w", k.kind, err)
		}
	}
	return out, nil
}
