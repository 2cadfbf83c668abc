package store

import (
	"context"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// The offering aggregate's writes: create, update (with its audit record)
// and the running totals' read.

// offeringRecord is an offering item with its version (model.Offering has
// none: the version is storage's concern).
type offeringRecord struct {
	Keys
	model.Offering
	Version int64 `dynamo:"version"`
}

// OfferingForWrite returns an offering and its version, for an update
// conditioned on it. Returns dynamo.ErrNotFound if absent.
func (db OfferingStore) OfferingForWrite(ctx context.Context, ws string, id int64) (*model.Offering, int64, error) {
	var it offeringRecord
	if err := db.table.Get(AttrPK, offeringPK(ws)).Range(AttrSK, dynamo.Equal, padID(id)).Consistent(true).One(ctx, &it); err != nil {
		return nil, 0, err
	}
	return &it.Offering, it.Version, nil
}

// CreateOffering allocates the offering's id and stores it with empty
// running totals and an audit record, in one transaction.
func (db OfferingStore) CreateOffering(ctx context.Context, ws string, o *model.Offering, actor string) error {
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
	t.put(tagNone, ScheduleStore(db).schedulePut(ws, o)) // the scheduled functions' index (schedule.go)
	return t.run(ctx)
}

// UpdateOffering stores the offering if its version is still old; an
// action (open, pause, close) that changed its status leaves an audit
// record in the same transaction. Returns ErrStale if it changed.
func (db OfferingStore) UpdateOffering(ctx context.Context, ws string, o *model.Offering, old int64, action, from, actor string, at time.Time) error {
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
func (db OfferingStore) UpdateOfferingNoted(ctx context.Context, ws string, o *model.Offering, old int64, note *OfferingNote, actor string, at time.Time) error {
	rec := &offeringRecord{Keys: newOfferingItem(ws, o).Keys, Offering: *o, Version: old + 1}
	cond, args := versionCond(attrVersion, old)
	t := db.newTxn().changed(ws, KindOffering, o.ID)
	t.put(tagStale, db.table.Put(rec).If("attribute_exists(PK) AND ("+cond+")", args...))
	if note != nil {
		a := newAudit(ws, "OFFERING", o.ID, note.Action, note.From, note.To, actor, model.NewTime(at), 0)
		a.Detail = note.Detail
		t.put(tagNone, db.table.Put(a))
	}
	t.put(tagNone, ScheduleStore(db).schedulePut(ws, o)) // the scheduled functions' index (schedule.go)
	return t.run(ctx)
}

// OfferingAggregates returns the running totals of the offerings, keyed by
// offering id: one BatchGet. An offering without an aggregate item (none
// written yet) has zero totals.
func (db InvestingStore) OfferingAggregates(ctx context.Context, ws string, offerings []int64) (map[int64]model.Aggregate, error) {
	items, err := batchGet[aggregateItem](ctx, db.core, aggregatePK(ws), offerings)
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
