package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// KindProfile is the id counter of seed 002's profiles.
const KindProfile = "profile"

func profilePK(ws string) string { return kindPK(ws, "PROFILE") }
func profilesOfUserPK(ws string, user int64) string {
	return fmt.Sprintf("WS#%s#USER#%d#PROFILE", ws, user)
}
func bankAccountPK(ws string) string { return kindPK(ws, "BANKACCOUNT") }

// Sealed is a secret (a tax id, a bank account number) as stored:
// AES-256-GCM ciphertext under a data key that is itself stored wrapped
// (by KMS on AWS, by the local key file in development), and the last
// four characters the API may show. The plaintext is never stored.
type Sealed struct {
	Last4      string `dynamo:"last4" json:"-"`
	Ciphertext []byte `dynamo:"ct" json:"-"`  // nonce ‖ GCM ciphertext
	WrappedKey []byte `dynamo:"dek" json:"-"` // the data key, encrypted by the key encryption key
	KeyID      string `dynamo:"kek" json:"-"` // which key wrapped it (KMS key id or "local")
}

// ProfileRecord is a seed 002 profile as stored.
type ProfileRecord struct {
	ID   int64  `dynamo:"id"`
	User int64  `dynamo:"user_id"`
	Type string `dynamo:"type"`
	Role string `dynamo:"role"`

	FirstName   string `dynamo:"first_name"`
	LastName    string `dynamo:"last_name"`
	Phone       string `dynamo:"phone"`
	DateOfBirth string `dynamo:"date_of_birth"` // YYYY-MM-DD
	Address1    string `dynamo:"address1"`
	Address2    string `dynamo:"address2"`
	City        string `dynamo:"city"`
	CountryID   int64  `dynamo:"country_id"`
	StateID     *int64 `dynamo:"state_id"`
	Zip         string `dynamo:"zip"`

	AccreditedInvestorDocument []int64 `dynamo:"accredited_investor_document"`

	EntityTypeID      string `dynamo:"entity_type_id"`
	TrustType         string `dynamo:"trust_type"`
	Passthrough       string `dynamo:"passthrough"`
	EntityName        string `dynamo:"entity_name"`
	StateOfFormation  *int64 `dynamo:"state_of_formation"`
	BeneficialOwnerID string `dynamo:"beneficial_owner_id"`
	SignatoryID       string `dynamo:"signatory_id"`
	BusinessAddress1  string `dynamo:"business_address1"`
	BusinessAddress2  string `dynamo:"business_address2"`
	BusinessCity      string `dynamo:"business_city"`
	BusinessCountryID *int64 `dynamo:"business_country_id"`
	BusinessStateID   *int64 `dynamo:"business_state_id"`
	BusinessZip       string `dynamo:"business_zip"`

	TINKind string `dynamo:"tin_kind"` // ssn or ein
	TIN     Sealed `dynamo:"tin"`

	Version   int64      `dynamo:"version"`
	CreatedAt model.Time `dynamo:"created_at"`
	UpdatedAt model.Time `dynamo:"updated_at"`
}

type profileItem struct {
	Keys
	ProfileRecord
}

func newProfileItem(ws string, p *ProfileRecord) *profileItem {
	return &profileItem{Keys: Keys{
		PK: profilePK(ws), SK: padID(p.ID),
		GSI1PK: profilesOfUserPK(ws, p.User), GSI1SK: padID(p.ID),
	}, ProfileRecord: *p}
}

// newDocJob is the W-9 job of a profile version (documents.go's item),
// from the JSON of its model.W9Input: written in the profile's
// transaction, one per profile, overwritten by a newer version.
func newDocJob(ws string, profile, version int64, input string, at model.Time) w9JobItem {
	ts := at.UTC().Format(time.RFC3339Nano)
	return w9JobItem{
		PK: docJobPK(ws), SK: w9SK(profile),
		GSI1PK: DocJobsPending, GSI1SK: ts + "#" + ws + "#" + padID(profile),
		Input: input, Version: version, Status: W9JobPending, EnqueuedAt: ts,
	}
}

// ProfileWrite is one create or update of a profile.
type ProfileWrite struct {
	Profile *ProfileRecord
	// NewUser, on create, is the workspace user created in the same
	// transaction (user_id: null); its id is allocated here.
	NewUser *model.User
	// W9Input is the JSON of the profile's model.W9Input; the job is
	// written with the profile's new version.
	W9Input func(p *ProfileRecord) (string, error)
	Actor   string
	At      time.Time
}

// CreateProfile allocates the profile's id unless p.ID is set (and the
// new user's), then
// writes the profile, the new user with its e-mail uniqueness item, the
// W-9 job and an audit record in one transaction. Returns ErrEmailTaken
// when the new user's e-mail is another user's, dynamo.ErrNotFound when
// the existing user named is not in the workspace.
func (db ProfileStore) CreateProfile(ctx context.Context, ws string, w ProfileWrite) error {
	p := w.Profile
	t := db.newTxn()
	if u := w.NewUser; u != nil {
		uid, err := db.nextID(ctx, ws, KindUser)
		if err != nil {
			return err
		}
		u.ID, u.Version = uid, 1
		p.User = uid
		t.changed(ws, KindUser, uid)
		t.put(tagEmail, db.table.Put(uniqueItem{PK: userEmailPK(ws, strings.ToLower(u.Email)), SK: skUniqueItem, ID: uid}).If("attribute_not_exists(PK)"))
		t.put(tagExists, db.table.Put(newUserItem(ws, u)).If("attribute_not_exists(PK)"))
	} else {
		UserStore(db).checkUser(t, ws, p.User)
	}
	if p.ID == 0 {
		id, err := db.nextID(ctx, ws, KindProfile)
		if err != nil {
			return err
		}
		p.ID = id
	}
	at := model.NewTime(w.At)
	p.Version, p.CreatedAt, p.UpdatedAt = 1, at, at
	input, err := w.W9Input(p)
	if err != nil {
		return err
	}
	t.put(tagExists, db.table.Put(newProfileItem(ws, p)).If("attribute_not_exists(PK)"))
	t.put(tagNone, db.table.Put(newDocJob(ws, p.ID, p.Version, input, at)))
	t.put(tagNone, db.table.Put(newAudit(ws, "PROFILE", p.ID, "create", "", "v1", w.Actor, at, 0)))
	return t.run(ctx)
}

// UpdateProfile stores the profile if its version is still old, with its
// new W-9 job (overwriting the previous one) and an audit record, in one
// transaction. Returns ErrStale when another write came first.
func (db ProfileStore) UpdateProfile(ctx context.Context, ws string, old int64, w ProfileWrite) error {
	p := w.Profile
	at := model.NewTime(w.At)
	p.Version, p.UpdatedAt = old+1, at
	input, err := w.W9Input(p)
	if err != nil {
		return err
	}
	t := db.newTxn()
	t.put(tagStale, db.table.Put(newProfileItem(ws, p)).If("attribute_exists(PK) AND version = ?", old))
	t.put(tagNone, db.table.Put(newDocJob(ws, p.ID, p.Version, input, at)))
	t.put(tagNone, db.table.Put(newAudit(ws, "PROFILE", p.ID, "update", fmt.Sprintf("v%d", old), fmt.Sprintf("v%d", p.Version), w.Actor, at, 0)))
	return t.run(ctx)
}

// ProfileByID returns one profile; consistent for writes' own reads. Returns
// dynamo.ErrNotFound if the workspace has none with that id.
func (db ProfileStore) ProfileByID(ctx context.Context, ws string, id int64, consistent bool) (*ProfileRecord, error) {
	var it profileItem
	q := db.table.Get(AttrPK, profilePK(ws)).Range(AttrSK, dynamo.Equal, padID(id)).Consistent(consistent)
	if err := q.One(ctx, &it); err != nil {
		return nil, err
	}
	record(ctx, 1, nil)
	return &it.ProfileRecord, nil
}

// ProfileRecords lists a workspace's profiles in id order (one Query of the
// profile partition), or one user's (user > 0: one Query of GSI1).
func (db ProfileStore) ProfileRecords(ctx context.Context, ws string, user int64) ([]ProfileRecord, error) {
	var items []profileItem
	var err error
	if user > 0 {
		err = db.table.Get("GSI1PK", profilesOfUserPK(ws, user)).Index("GSI1").All(ctx, &items)
	} else {
		err = db.table.Get(AttrPK, profilePK(ws)).All(ctx, &items)
	}
	if err != nil {
		return nil, fmt.Errorf("store: profiles: %w", err)
	}
	record(ctx, len(items), nil)
	out := make([]ProfileRecord, len(items))
	for i := range items {
		out[i] = items[i].ProfileRecord
	}
	return out, nil
}

// W9States returns the W-9 states of several profiles (BatchGet), by
// profile id; profiles without one are absent.
func (db DocumentStore) W9States(ctx context.Context, ws string, profiles []int64) (map[int64]*model.W9State, error) {
	out := map[int64]*model.W9State{}
	if len(profiles) == 0 {
		return out, nil
	}
	for start := 0; start < len(profiles); start += 100 {
		chunk := profiles[start:min(start+100, len(profiles))]
		keys := make([]dynamo.Keyed, len(chunk))
		for i, id := range chunk {
			keys[i] = dynamo.Keys{documentPK(ws), w9SK(id)}
		}
		var got []model.W9State
		err := db.table.Batch(AttrPK, AttrSK).Get(keys...).All(ctx, &got)
		if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
			return nil, fmt.Errorf("store: w9 states: %w", err)
		}
		record(ctx, len(got), nil)
		for i := range got {
			out[got[i].ProfileID] = &got[i]
		}
	}
	return out, nil
}

// BankAccount is a profile's one active ACH account (US profiles only).
type BankAccount struct {
	Profile     int64      `dynamo:"profile_id"`
	AccountType string     `dynamo:"account_type"` // checking or savings
	HolderName  string     `dynamo:"account_holder_name"`
	BankName    string     `dynamo:"bank_name"`
	Routing     string     `dynamo:"routing_number"` // public (the bank's ABA number), kept in clear
	Account     Sealed     `dynamo:"account_number"`
	Seq         int64      `dynamo:"seq"` // 1 for the first account, +1 per replacement
	LinkedAt    model.Time `dynamo:"linked_at"`
}

type bankAccountItem struct {
	Keys
	BankAccount
}

// ActiveBankAccount returns the profile's active bank account. Returns
// dynamo.ErrNotFound if none is linked.
func (db ProfileStore) ActiveBankAccount(ctx context.Context, ws string, profile int64, consistent bool) (*BankAccount, error) {
	var it bankAccountItem
	if err := db.table.Get(AttrPK, bankAccountPK(ws)).Range(AttrSK, dynamo.Equal, padID(profile)).Consistent(consistent).One(ctx, &it); err != nil {
		return nil, err
	}
	return &it.BankAccount, nil
}

// LinkBankAccount makes a the profile's active account, replacing the one
// read as prev (nil: none), in one transaction with a check that the
// profile still exists and an audit record naming both (masked). Returns
// ErrStale when another link came first, dynamo.ErrNotFound when the
// profile is gone.
func (db ProfileStore) LinkBankAccount(ctx context.Context, ws string, a *BankAccount, prev *BankAccount, actor string, at time.Time) error {
	t := db.newTxn()
	mt := model.NewTime(at)
	a.LinkedAt = mt
	from := ""
	cond, args := "attribute_not_exists(PK)", []any(nil)
	a.Seq = 1
	if prev != nil {
		a.Seq = prev.Seq + 1
		from = fmt.Sprintf("%s …%s (%s)", prev.AccountType, prev.Account.Last4, prev.Routing)
		cond, args = "seq = ?", []any{prev.Seq}
	}
	put := db.table.Put(&bankAccountItem{Keys: Keys{PK: bankAccountPK(ws), SK: padID(a.Profile)}, BankAccount: *a}).If(cond, args...)
	t.check(tagNotFound, db.table.Check(AttrPK, profilePK(ws)).Range(AttrSK, padID(a.Profile)).If("attribute_exists(PK)"))
	t.put(tagStale, put)
	to := fmt.Sprintf("%s …%s (%s)", a.AccountType, a.Account.Last4, a.Routing)
	action := "link_bank_account"
	if prev != nil {
		action = "replace_bank_account"
	}
	t.put(tagNone, db.table.Put(newAudit(ws, "PROFILE", a.Profile, action, from, to, actor, mt, 1)))
	return t.run(ctx)
}

// ActiveBankAccounts returns the active bank accounts of several profiles
// (BatchGet), by profile id; profiles without one are absent.
func (db ProfileStore) ActiveBankAccounts(ctx context.Context, ws string, profiles []int64) (map[int64]*BankAccount, error) {
	out := map[int64]*BankAccount{}
	for start := 0; start < len(profiles); start += 100 {
		chunk := profiles[start:min(start+100, len(profiles))]
		keys := make([]dynamo.Keyed, len(chunk))
		for i, id := range chunk {
			keys[i] = dynamo.Keys{bankAccountPK(ws), padID(id)}
		}
		var got []bankAccountItem
		err := db.table.Batch(AttrPK, AttrSK).Get(keys...).All(ctx, &got)
		if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
			return nil, fmt.Errorf("store: bank accounts: %w", err)
		}
		record(ctx, len(got), nil)
		for i := range got {
			out[got[i].Profile] = &got[i].BankAccount
		}
	}
	return out, nil
}
