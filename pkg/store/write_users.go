package store

import (
	"context"
	"strings"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Users of a workspace: create and update with the e-mail uniqueness item.

// checkUser adds the condition that a user record exists to another
// aggregate's transaction (a group member, an investor's or a profile's
// user), so it never names a user deleted while it was written.
func (db UserStore) checkUser(t *txn, ws string, id int64) {
	t.check(tagNotFound, db.table.Check(AttrPK, userPK(ws)).Range(AttrSK, padID(id)).If("attribute_exists(PK)"))
}

// UserForWrite is a consistent read of a user.
func (db UserStore) UserForWrite(ctx context.Context, ws string, id int64) (*model.User, error) {
	var it userItem
	if err := db.table.Get(AttrPK, userPK(ws)).Range(AttrSK, dynamo.Equal, padID(id)).Consistent(true).One(ctx, &it); err != nil {
		return nil, err
	}
	return &it.User, nil
}

// CreateUser allocates the user's id and writes the user and its e-mail
// uniqueness item in one transaction. Returns ErrEmailTaken if another user
// of the workspace has the e-mail (case-insensitively).
func (db UserStore) CreateUser(ctx context.Context, ws string, u *model.User) error {
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
func (db UserStore) UpdateUser(ctx context.Context, ws string, u *model.User, old int64, oldEmail string) error {
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
