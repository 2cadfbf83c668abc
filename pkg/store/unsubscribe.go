package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/guregu/dynamo/v2"
)

// skMailKey is the sort key, under WS#<ws>, of the workspace's key for
// signing unsubscribe links (package schedule).
const skMailKey = "MAILKEY"

type mailKeyItem struct {
	PK  string `dynamo:"PK"`
	SK  string `dynamo:"SK"`
	Key []byte `dynamo:"key"`
}

// ExistingMailKey returns the workspace's unsubscribe key, or
// dynamo.ErrNotFound
// when none was ever made. Verifying a link only reads: a forged token
// naming any workspace must not create anything.
func (db MailKeyStore) ExistingMailKey(ctx context.Context, ws string) ([]byte, error) {
	var it mailKeyItem
	err := db.table.Get(AttrPK, wsPK(ws)).Range(AttrSK, dynamo.Equal, skMailKey).Consistent(true).One(ctx, &it)
	switch {
	case err == nil && len(it.Key) > 0:
		return it.Key, nil
	case err == nil, errors.Is(err, dynamo.ErrNotFound):
		return nil, dynamo.ErrNotFound
	}
	return nil, fmt.Errorf("store: mail key: %w", err)
}

// MailKey returns the workspace's unsubscribe signing key, creating it on
// first use: 32 random bytes, written once with attribute_not_exists so
// concurrent first uses agree. Keeping it per workspace in the table needs
// no secret plumbing and limits what a leaked key can do to one tenant's
// opt-outs; deleting the item rotates it (old links stop working).
func (db MailKeyStore) MailKey(ctx context.Context, ws string) ([]byte, error) {
	if key, err := db.ExistingMailKey(ctx, ws); err == nil || !errors.Is(err, dynamo.ErrNotFound) {
		return key, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	err := db.table.Put(mailKeyItem{PK: wsPK(ws), SK: skMailKey, Key: key}).If("attribute_not_exists(PK)").Run(ctx)
	if err == nil {
		return key, nil
	}
	if !dynamo.IsCondCheckFailed(err) {
		return nil, fmt.Errorf("store: create mail key: %w", err)
	}
	return db.ExistingMailKey(ctx, ws) // another request made it first
}

// OptOutOfEmail records that an investor wants no more e-mail: its
// receive_emails goes false (version + 1, so a concurrent PATCH read
// before it is refused as stale), in one transaction with the change
// feed, since investors are list objects. Returns dynamo.ErrNotFound for
// an unknown investor.
func (db InvestorStore) OptOutOfEmail(ctx context.Context, ws string, investor int64) error {
	t := db.newTxn().changed(ws, KindInvestor, investor)
	t.update(tagNotFound, db.table.Update(AttrPK, investorPK(ws)).Range(AttrSK, padID(investor)).
		Set("receive_emails", false).Add(attrVersion, 1).If("attribute_exists(PK)"))
	return t.run(ctx)
}
