package store

import (
	"context"
	"errors"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// The investor aggregate's writes: the investor with its entities, and the
// accreditation verification with its audit record.

// InvestorForWrite returns an investor and its entities (nil when it has
// none) as stored, for an update conditioned on their versions.
func (db InvestorStore) InvestorForWrite(ctx context.Context, ws string, id int64) (*model.Investor, *model.Entity, *model.Entity, error) {
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
func (db InvestorStore) SaveInvestor(ctx context.Context, ws string, inv *model.Investor, oldVersion int64, isNew bool, entities []EntityVersion) error {
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
	UserStore(db).checkUser(t, ws, inv.User)
	return t.run(ctx)
}

// SaveAccreditationVerification stores the investor with its new
// accreditation verification record, if its version is still old, and an
// audit record of the investor (kind INVESTOR, action
// verify_accreditation, from the previous method or "unverified" to the
// new one), in one transaction. Returns ErrStale if the investor moved.
func (db InvestorStore) SaveAccreditationVerification(ctx context.Context, ws string, inv *model.Investor, old int64, from, actor string, at time.Time) error {
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
