package profiles

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/documents"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/seal"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Service owns the profiles use cases; handlers only decode, call it and
// encode. It is tested without HTTP.
//
// Its storage is the profile aggregate (profiles and bank accounts), the
// users a profile belongs to (a profile created without a user creates
// its user record in the same transaction) and the W-9 documents; a
// session caller acts through its own user record (the identity
// service).
type Service struct {
	profiles  store.ProfileStore
	users     store.UserStore
	documents store.DocumentStore
	ids       *identity.Service
	Sealer    *seal.Sealer
	// LinkKey signs the W-9 signing page's links (documents.EmbedLinkWithKey).
	LinkKey []byte
	// Notifier tells the documents worker a profile's W-9 job is waiting
	// (SQS on AWS, the in-process worker under make run); the worker's
	// sweep finds a job whose notice was lost.
	Notifier documents.Notifier
	Now      func() time.Time
}

// newService is the service over db's aggregates; NewService (handler.go)
// gives it the function's key keeper, link key and worker notifier.
func newService(db *store.DB, sealer *seal.Sealer, linkKey []byte, n documents.Notifier) *Service {
	if db == nil {
		db = &store.DB{} // routes bound without a store (tests): nothing is usable, as with a nil *DB
	}
	return &Service{profiles: db.ProfileStore, users: db.UserStore, documents: db.DocumentStore, ids: identity.NewService(db, nil),
		Sealer: sealer, LinkKey: linkKey, Notifier: n}
}

// identities is the identity service: a session caller acts through its
// own user record (identity.Service.CallerUser).
func (s *Service) identities() *identity.Service { return s.ids }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Caller is who acts, as the handlers resolved it from the principal: a
// workspace API key carrying accounts.* scopes (every profile of the
// workspace), or a Clerk session acting for itself (only the profiles of
// its own workspace user, matched by its e-mail; OwnUser 0 before it has
// one).
type Caller struct {
	Workspace string
	BaseURL   string // the API's URL as the caller reached it: the embed links' base
	Actor     string // audit records: key:<id> or user:<clerk id>
	Session   bool
	OwnUser   int64
	OwnEmail  string
}

// sees reports whether the caller may see a profile of user u.
func (c Caller) sees(u int64) bool { return !c.Session || (c.OwnUser != 0 && c.OwnUser == u) }

// ErrUnprocessable wraps field errors as seed 002's 422.
func unprocessable(errs Errors) error {
	return &apierr.Error{Kind: apierr.Unprocessable, Fields: errs}
}

var errEmailTaken = unprocessable(Errors{"email": {"A user with this e-mail already exists in the workspace; send its user_id."}})

// W9Retry is the Retry-After of the share-link route while the W-9 is
// being generated.
const W9Retry = 5 * time.Second

// Create validates a POST body and stores the profile: with user_id null,
// a new workspace user (e-mail from the body, or the session's own) in
// the same transaction. Every violation comes back at once as a 422 and
// nothing is written; a user_id outside the workspace (or, for a session,
// not its own) is a 404.
func (s *Service) Create(ctx context.Context, c Caller, raw map[string]json.RawMessage) (*View, error) {
	now := s.now()
	in, errs := Parse(raw)
	Validate(&in, errs, false, now)
	var newUser *model.User
	switch {
	case !in.UserIDSet:
		errs.add("user_id", msgRequired)
	case in.UserID == nil && c.Session && c.OwnUser != 0:
		// A session's null user_id means "me". Members get their
		// workspace user at sign-in (users.LinkMemberUsers), so most
		// sessions already have one: the profile is theirs.
		own := c.OwnUser
		in.UserID = &own
	case in.UserID == nil:
		email := in.Email
		if c.Session {
			email = c.OwnEmail
		}
		if email == "" {
			if !errs.has("email") {
				errs.add("email", "This field is required when user_id is null (the new user's e-mail).")
			}
		} else if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			errs.add("email", "Enter a valid email address.")
		}
		newUser = &model.User{Email: email, FirstName: in.FirstName, LastName: in.LastName, DateJoined: model.NewTime(now), IsActive: true}
	}
	if len(errs) > 0 {
		return nil, unprocessable(errs)
	}
	if in.UserID != nil && !c.sees(*in.UserID) {
		return nil, apierr.NotFoundError()
	}
	// Refusals the transaction would also make are answered before any id
	// is allocated, so a refused request leaves even the counters alone
	// (the transaction's conditions still decide a race).
	if in.UserID != nil {
		if _, err := s.users.User(ctx, c.Workspace, *in.UserID); errors.Is(err, dynamo.ErrNotFound) {
			return nil, apierr.NotFoundError()
		} else if err != nil {
			return nil, err
		}
	}
	if newUser != nil {
		if _, err := s.users.UserIDByEmail(ctx, c.Workspace, newUser.Email); err == nil {
			return nil, errEmailTaken
		} else if !errors.Is(err, dynamo.ErrNotFound) {
			return nil, err
		}
	}
	// The id first: the sealed tax id is bound to it.
	id, err := s.profiles.NextID(ctx, c.Workspace, store.KindProfile)
	if err != nil {
		return nil, err
	}
	p := &store.ProfileRecord{ID: id}
	apply(p, &in)
	if err := s.sealTIN(ctx, c.Workspace, p, in.TaxID, in.Type); err != nil {
		return nil, err
	}
	if in.UserID != nil {
		p.User = *in.UserID
	}
	err = s.profiles.CreateProfile(ctx, c.Workspace, store.ProfileWrite{Profile: p, NewUser: newUser, W9Input: w9Input, Actor: c.Actor, At: now})
	switch {
	case errors.Is(err, store.ErrEmailTaken):
		return nil, errEmailTaken
	case errors.Is(err, dynamo.ErrNotFound):
		return nil, apierr.NotFoundError()
	case err != nil:
		return nil, err
	}
	s.notify(ctx, c.Workspace, p.ID)
	return s.view(ctx, c.Workspace, p)
}

// notify tells the documents worker the profile's W-9 job waits. The job
// is already stored with the profile, so a failed notice only delays the
// document until the worker's sweep: it is logged, never the request's
// error.
func (s *Service) notify(ctx context.Context, ws string, id int64) {
	if s.Notifier == nil {
		return
	}
	if err := s.Notifier.Notify(ctx, ws, id); err != nil {
		slog.WarnContext(ctx, "profiles: W-9 notice failed; the sweep will render it", "workspace", ws, "profile", id, "error", err)
	}
}

// Update validates a PUT body (the whole profile again; tax_id may be
// left out to keep the one on file) and stores it if the profile did not
// change meanwhile (retried on a race). A new W-9 job replaces the old.
func (s *Service) Update(ctx context.Context, c Caller, id int64, raw map[string]json.RawMessage) (*View, error) {
	var out *View
	err := store.Retry(ctx, func() error {
		now := s.now()
		old, err := s.visible(ctx, c, id, true)
		if err != nil {
			return err
		}
		in, errs := Parse(raw)
		if in.UserID != nil && *in.UserID != old.User {
			errs.add("user_id", "A profile cannot move to another user.")
		}
		Validate(&in, errs, true, now)
		if !in.TaxIDSet && in.Type != "" && isEntity(in.Type) != (old.TINKind == "ein") {
			// The kind of tax id changes with the type: the one on file
			// cannot stand in for the new one.
			errs.add("tax_id", msgRequired)
		}
		if len(errs) > 0 {
			return unprocessable(errs)
		}
		p := *old
		apply(&p, &in)
		if in.TaxIDSet {
			if err := s.sealTIN(ctx, c.Workspace, &p, in.TaxID, in.Type); err != nil {
				return err
			}
		}
		if err := s.profiles.UpdateProfile(ctx, c.Workspace, old.Version, store.ProfileWrite{Profile: &p, W9Input: w9Input, Actor: c.Actor, At: now}); err != nil {
			return err
		}
		s.notify(ctx, c.Workspace, p.ID)
		out, err = s.view(ctx, c.Workspace, &p)
		return err
	})
	return out, err
}

// Get returns one profile the caller may see. Returns a 404 otherwise.
func (s *Service) Get(ctx context.Context, c Caller, id int64) (*View, error) {
	p, err := s.visible(ctx, c, id, false)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, c.Workspace, p)
}

// visible reads a profile the caller may see; anything else is a 404.
func (s *Service) visible(ctx context.Context, c Caller, id int64, consistent bool) (*store.ProfileRecord, error) {
	p, err := s.profiles.ProfileByID(ctx, c.Workspace, id, consistent)
	if errors.Is(err, dynamo.ErrNotFound) || (err == nil && !c.sees(p.User)) {
		return nil, apierr.NotFoundError()
	}
	return p, err
}

// Rows returns the profiles the caller may see, in id order: one user's
// (user > 0, or a session's own) with one Query of the user index, or the
// workspace's.
func (s *Service) Rows(ctx context.Context, c Caller, user int64) ([]store.ProfileRecord, error) {
	if c.Session {
		if c.OwnUser == 0 || (user != 0 && user != c.OwnUser) {
			return nil, nil
		}
		user = c.OwnUser
	}
	return s.profiles.ProfileRecords(ctx, c.Workspace, user)
}

// ShareLink is the W-9's share_uuid and embed_link once generated. While
// the job is pending it is a 409 with Retry-After (W9Retry); an unknown
// profile is a 404.
func (s *Service) ShareLink(ctx context.Context, c Caller, id int64) (ShareLinkView, error) {
	if _, err := s.visible(ctx, c, id, false); err != nil {
		return ShareLinkView{}, err
	}
	pending := &apierr.Error{Kind: apierr.Conflict, Detail: "The W-9 is being generated; try again shortly.", RetryAfter: W9Retry}
	job, err := s.documents.GetW9Job(ctx, c.Workspace, id)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return ShareLinkView{}, err
	}
	if err == nil && job.Status == store.W9JobPending {
		return ShareLinkView{}, pending
	}
	st, err := s.documents.W9State(ctx, c.Workspace, id)
	if errors.Is(err, dynamo.ErrNotFound) {
		return ShareLinkView{}, pending
	}
	if err != nil {
		return ShareLinkView{}, err
	}
	return ShareLinkView{
		ShareUUID: st.ShareUUID,
		EmbedLink: documents.EmbedLinkWithKey(s.LinkKey, c.BaseURL, c.Workspace, id, st.ShareUUID, s.now()),
		Signed:    st.SignedAt != nil,
	}, nil
}

// LinkBankAccount validates a bank-account body and makes it the
// profile's one active ACH account, replacing (and auditing) the previous
// one. Non-US profiles get a 422 telling them to use wire.
func (s *Service) LinkBankAccount(ctx context.Context, c Caller, id int64, raw map[string]json.RawMessage) (*BankAccountView, error) {
	var out *BankAccountView
	err := store.Retry(ctx, func() error {
		p, err := s.visible(ctx, c, id, true)
		if err != nil {
			return err
		}
		b, errs := readBankAccount(raw, p.CountryID == USCountryID)
		if len(errs) > 0 {
			return unprocessable(errs)
		}
		typ, routing, account, holder, bank := b.AccountType, b.Routing, b.Account, b.HolderName, b.BankName
		prev, err := s.profiles.ActiveBankAccount(ctx, c.Workspace, id, true)
		if errors.Is(err, dynamo.ErrNotFound) {
			prev, err = nil, nil
		}
		if err != nil {
			return err
		}
		if holder == "" {
			holder = p.FirstName + " " + p.LastName
			if isEntity(p.Type) {
				holder = p.EntityName
			}
		}
		sealed, err := s.Sealer.Seal(ctx, account, bankAAD(c.Workspace, id))
		if err != nil {
			return err
		}
		a := &store.BankAccount{Profile: id, AccountType: typ, HolderName: holder, BankName: bank, Routing: routing, Account: sealed}
		if err := s.profiles.LinkBankAccount(ctx, c.Workspace, a, prev, c.Actor, s.now()); err != nil {
			return err
		}
		v := newBankAccountView(a)
		out = &v
		return nil
	})
	return out, err
}

// The additional authenticated data of sealed values: where they belong.
func tinAAD(ws string, profile int64) string {
	return fmt.Sprintf("ws=%s;profile=%d;field=tax_id", ws, profile)
}
func bankAAD(ws string, profile int64) string {
	return fmt.Sprintf("ws=%s;profile=%d;field=account_number", ws, profile)
}

// sealTIN normalises and seals the tax id, bound to the profile's
// workspace and id (the aad), so a sealed value copied into another item
// does not open.
func (s *Service) sealTIN(ctx context.Context, ws string, p *store.ProfileRecord, tin, typ string) error {
	var norm, problem string
	if isEntity(typ) {
		norm, problem = NormalizeEIN(tin)
		p.TINKind = "ein"
	} else {
		norm, problem = NormalizeSSN(tin)
		p.TINKind = "ssn"
	}
	if problem != "" {
		return unprocessable(Errors{"tax_id": {problem}})
	}
	sealed, err := s.Sealer.Seal(ctx, norm, tinAAD(ws, p.ID))
	if err != nil {
		return err
	}
	p.TIN = sealed
	return nil
}

// OpenTIN returns a profile's tax id in clear, for the processes that
// need it (never a response). Returns seal.ErrOpen if it does not open.
func (s *Service) OpenTIN(ctx context.Context, ws string, p *store.ProfileRecord) (Secret, error) {
	v, err := s.Sealer.Open(ctx, p.TIN, tinAAD(ws, p.ID))
	return Secret(v), err
}

// OpenBankAccount returns the active account number in clear (payments
// only, never a response).
func (s *Service) OpenBankAccount(ctx context.Context, ws string, a *store.BankAccount) (Secret, error) {
	v, err := s.Sealer.Open(ctx, a.Account, bankAAD(ws, a.Profile))
	return Secret(v), err
}

// apply copies a validated input onto a stored profile (PUT semantics:
// every field is replaced; the tax id is sealed separately).
func apply(p *store.ProfileRecord, in *Input) {
	p.Type, p.Role = in.Type, in.Role
	p.FirstName, p.LastName, p.Phone, p.DateOfBirth = in.FirstName, in.LastName, in.Phone, in.DateOfBirth
	p.Address1, p.Address2, p.City, p.Zip = in.Address1, in.Address2, in.City, in.Zip
	p.CountryID, p.StateID = *in.CountryID, in.StateID
	p.AccreditedInvestorDocument = in.Accredited
	p.BeneficialOwnerID, p.SignatoryID = in.BeneficialOwnerID, in.SignatoryID
	p.EntityTypeID, p.TrustType, p.Passthrough, p.EntityName, p.StateOfFormation = "", "", "", "", nil
	p.BusinessAddress1, p.BusinessAddress2, p.BusinessCity, p.BusinessZip = "", "", "", ""
	p.BusinessCountryID, p.BusinessStateID = nil, nil
	if isEntity(in.Type) {
		p.EntityTypeID, p.TrustType, p.Passthrough, p.EntityName = in.EntityTypeID, in.TrustType, in.Passthrough, in.EntityName
		p.StateOfFormation = in.StateOfFormation
		p.BusinessAddress1, p.BusinessAddress2, p.BusinessCity, p.BusinessZip = in.BusinessAddress1, in.BusinessAddress2, in.BusinessCity, in.BusinessZip
		p.BusinessCountryID, p.BusinessStateID = in.BusinessCountryID, in.BusinessStateID
	}
	if in.Type == "trust" {
		p.EntityTypeID = ""
	} else {
		p.TrustType = ""
	}
}

// Classification is the W-9 line 3a box of a profile: type, and for
// entities the entity type and passthrough.
func Classification(p *store.ProfileRecord) string {
	switch p.Type {
	case "trust":
		return model.W9TrustEstate
	case "entity":
		switch p.EntityTypeID {
		case "c corp":
			return model.W9CCorporation
		case "s corp":
			return model.W9SCorporation
		case "partnership":
			return model.W9Partnership
		case "llc":
			if p.Passthrough == "yes" {
				return model.W9LLCPartnership
			}
			return model.W9LLCC
		}
	}
	return model.W9Individual
}

// W9 is what the profile puts on its W-9 (the TIN masked).
func W9(p *store.ProfileRecord) model.W9Input {
	in := model.W9Input{
		ProfileID: p.ID, Version: p.Version, Classification: Classification(p),
		TINKind: p.TINKind, TINLast4: p.TIN.Last4,
	}
	addr, city, state, zip := []string{p.Address1, p.Address2}, p.City, p.StateID, p.Zip
	in.Name = strings.TrimSpace(p.FirstName + " " + p.LastName)
	if isEntity(p.Type) {
		in.Name = p.EntityName
		addr, city, state, zip = []string{p.BusinessAddress1, p.BusinessAddress2}, p.BusinessCity, p.BusinessStateID, p.BusinessZip
	}
	in.Address = strings.TrimSpace(strings.Join(addr, " "))
	line6 := city
	if state != nil {
		if st := ref.state[*state]; st != nil {
			line6 += ", " + st.Abbr
		}
	}
	if zip != "" {
		line6 += " " + zip
	}
	in.CityStateZIP = line6
	return in
}

func w9Input(p *store.ProfileRecord) (string, error) {
	b, err := json.Marshal(W9(p))
	return string(b), err
}

// Complete reports whether every field the matrix requires is on file:
// the seed's is_active.
func Complete(p *store.ProfileRecord) bool {
	in := Input{
		Type: p.Type, Role: p.Role, FirstName: p.FirstName, LastName: p.LastName, Phone: p.Phone,
		DateOfBirth: p.DateOfBirth, TaxID: p.TIN.Last4, Address1: p.Address1, City: p.City, Zip: p.Zip,
		CountryID: &p.CountryID, StateID: p.StateID, Accredited: p.AccreditedInvestorDocument,
		EntityTypeID: p.EntityTypeID, TrustType: p.TrustType, Passthrough: p.Passthrough, EntityName: p.EntityName,
		BusinessAddress1: p.BusinessAddress1, BusinessCity: p.BusinessCity, BusinessCountryID: p.BusinessCountryID,
	}
	for _, f := range Required(p.Type, p.Role) {
		if !in.value(f) {
			return false
		}
	}
	return !hasStates(p.CountryID) || p.StateID != nil
}
