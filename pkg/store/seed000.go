package store

import (
	"context"
	"errors"
	"sort"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Items as stored: the model object flattened next to its keys.
type (
	offeringItem struct {
		Keys
		model.Offering
	}
	investmentItem struct {
		Keys
		model.Investment
	}
	investorItem struct {
		Keys
		model.Investor
	}
	entityItem struct {
		Keys
		model.Entity
	}
	userItem struct {
		Keys
		model.User
	}
	issuerItem struct {
		Keys
		model.Issuer
	}
	linkItem struct {
		PK string `dynamo:"PK"`
		SK string `dynamo:"SK"`
		ID int64  `dynamo:"id"`
	}
	uniqueItem struct {
		PK string `dynamo:"PK"`
		SK string `dynamo:"SK"`
		ID int64  `dynamo:"id"`
	}
)

func newOfferingItem(ws string, o *model.Offering) *offeringItem {
	return &offeringItem{Keys: Keys{
		PK: offeringPK(ws), SK: padID(o.ID),
		GSI1PK: offeringsOfIssuerPK(ws, o.Issuer), GSI1SK: padID(o.ID),
	}, Offering: *o}
}

func newInvestmentItem(ws string, inv *model.Investment) *investmentItem {
	k := Keys{
		PK: investmentPK(ws), SK: padID(inv.ID),
		GSI1PK: investmentsOfOfferingPK(ws, inv.Offering), GSI1SK: padID(inv.ID),
		GSI2PK: investmentsOfInvestorPK(ws, inv.Investor), GSI2SK: padID(inv.ID),
		GSI3PK: investmentsByStatusPK(ws, inv.Status), GSI3SK: padID(inv.Offering) + "#" + padID(inv.ID),
	}
	if inv.ReferenceID != "" {
		k.GSI4PK, k.GSI4SK = investmentsByRefPK(ws, inv.ReferenceID), padID(inv.ID)
	}
	return &investmentItem{Keys: k, Investment: *inv}
}

func newInvestorItem(ws string, inv *model.Investor) *investorItem {
	return &investorItem{Keys: Keys{
		PK: investorPK(ws), SK: padID(inv.ID),
		GSI1PK: investorsOfUserPK(ws, inv.User), GSI1SK: padID(inv.ID),
	}, Investor: *inv}
}

func newEntityItem(ws string, e *model.Entity) *entityItem {
	return &entityItem{Keys: Keys{PK: entityPK(ws), SK: padID(e.ID)}, Entity: *e}
}

func newUserItem(ws string, u *model.User) *userItem {
	k := Keys{PK: userPK(ws), SK: padID(u.ID)}
	if u.ThirdPartyIssuerEmail != nil {
		k.GSI1PK, k.GSI1SK = issuerUsersPK(ws), padID(u.ID)
	}
	return &userItem{Keys: k, User: *u}
}

func newIssuerItem(ws string, i *model.Issuer) *issuerItem {
	return &issuerItem{Keys: Keys{PK: issuerPK(ws), SK: padID(i.ID)}, Issuer: *i}
}

// getOne reads one item into out, counting it in the request's Stats.
// Returns dynamo.ErrNotFound when absent.
func (db *core) getOne(ctx context.Context, pk, sk string, out any) error {
	var cc dynamo.ConsumedCapacity
	err := db.table.Get(AttrPK, pk).Range(AttrSK, dynamo.Equal, sk).ConsumedCapacity(&cc).One(ctx, out)
	if err == nil {
		record(ctx, 1, &cc)
	} else {
		record(ctx, 0, &cc)
	}
	return err
}

// Offering returns one offering. Returns dynamo.ErrNotFound if absent.
func (db OfferingStore) Offering(ctx context.Context, ws string, id int64) (*model.Offering, error) {
	var it offeringItem
	if err := db.getOne(ctx, offeringPK(ws), padID(id), &it); err != nil {
		return nil, err
	}
	return &it.Offering, nil
}

// Investment returns one investment. Returns dynamo.ErrNotFound if absent.
func (db InvestingStore) Investment(ctx context.Context, ws string, id int64) (*model.Investment, error) {
	var it investmentItem
	if err := db.getOne(ctx, investmentPK(ws), padID(id), &it); err != nil {
		return nil, err
	}
	return &it.Investment, nil
}

// Investor returns one investor. Returns dynamo.ErrNotFound if absent.
func (db InvestorStore) Investor(ctx context.Context, ws string, id int64) (*model.Investor, error) {
	var it investorItem
	if err := db.getOne(ctx, investorPK(ws), padID(id), &it); err != nil {
		return nil, err
	}
	return &it.Investor, nil
}

// User returns one user. Returns dynamo.ErrNotFound if absent.
func (db UserStore) User(ctx context.Context, ws string, id int64) (*model.User, error) {
	var it userItem
	if err := db.getOne(ctx, userPK(ws), padID(id), &it); err != nil {
		return nil, err
	}
	return &it.User, nil
}

// Issuer returns one issuer. Returns dynamo.ErrNotFound if absent.
func (db OfferingStore) Issuer(ctx context.Context, ws string, id int64) (*model.Issuer, error) {
	var it issuerItem
	if err := db.getOne(ctx, issuerPK(ws), padID(id), &it); err != nil {
		return nil, err
	}
	return &it.Issuer, nil
}

// InvestorLinked reports whether the investor has an investment in the
// offering (or, with issuer set, in any offering of that issuer): what an
// offering- or issuer-scoped key may see of investors.
func (db InvestorStore) InvestorLinked(ctx context.Context, ws string, investor int64, offering, issuer int64) (bool, error) {
	pk := investorsOfOfferingPK(ws, offering)
	if issuer != 0 {
		pk = investorsOfIssuerPK(ws, issuer)
	}
	var it linkItem
	err := db.getOne(ctx, pk, padID(investor), &it)
	if errors.Is(err, dynamo.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// batchGet reads items of one kind by sort key; missing ones are skipped.
func batchGet[T any](ctx context.Context, db *core, pk string, ids []int64) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []T
	var cc dynamo.ConsumedCapacity
	err := db.batchGetOf(pk, ids).ConsumedCapacity(&cc).All(ctx, &out)
	if errors.Is(err, dynamo.ErrNotFound) {
		err = nil
	}
	record(ctx, len(out), &cc)
	return out, err
}

// batchGetOf is the BatchGet of the distinct ids in one partition (ids
// must not be empty).
func (db *core) batchGetOf(pk string, ids []int64) *dynamo.BatchGet {
	ids = uniq(ids)
	keys := make([]dynamo.Keyed, len(ids))
	for i, id := range ids {
		keys[i] = dynamo.Keys{pk, padID(id)}
	}
	return db.table.Batch(AttrPK, AttrSK).Get(keys...)
}

func uniq(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// InvestorGraphs loads investors with their users and entities, keyed by
// investor id: three batched reads however many investors there are.
func (db InvestorStore) InvestorGraphs(ctx context.Context, ws string, ids []int64) (map[int64]model.InvestorGraph, error) {
	investors, err := batchGet[investorItem](ctx, db.core, investorPK(ws), ids)
	if err != nil {
		return nil, err
	}
	var userIDs, entityIDs []int64
	for _, inv := range investors {
		userIDs = append(userIDs, inv.User)
		if inv.Entity != nil {
			entityIDs = append(entityIDs, *inv.Entity)
		}
		if inv.IndividualEntity != nil {
			entityIDs = append(entityIDs, *inv.IndividualEntity)
		}
	}
	users, err := batchGet[userItem](ctx, db.core, userPK(ws), userIDs)
	if err != nil {
		return nil, err
	}
	entities, err := batchGet[entityItem](ctx, db.core, entityPK(ws), entityIDs)
	if err != nil {
		return nil, err
	}
	userByID := make(map[int64]*model.User, len(users))
	for i := range users {
		userByID[users[i].ID] = &users[i].User
	}
	entityByID := make(map[int64]*model.Entity, len(entities))
	for i := range entities {
		entityByID[entities[i].ID] = &entities[i].Entity
	}
	out := make(map[int64]model.InvestorGraph, len(investors))
	for i := range investors {
		inv := &investors[i].Investor
		g := model.InvestorGraph{Investor: inv, User: userByID[inv.User]}
		if inv.Entity != nil {
			g.Entity = entityByID[*inv.Entity]
		}
		if inv.IndividualEntity != nil {
			g.IndividualEntity = entityByID[*inv.IndividualEntity]
		}
		out[inv.ID] = g
	}
	return out, nil
}
