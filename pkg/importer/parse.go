// Package importer loads an issuer's data in the tranche-import/1 format
// (../shared/IMPORT.md): what a seed 000 platform's API returns, with ids
// kept. It validates the whole file before writing anything, reporting every
// problem with its JSON path; it writes through the store in batches; and it
// is idempotent: an object already in the table is left as it is, so a
// second run changes nothing and an interrupted run can simply be re-run.
package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Format is the only format this package reads.
const Format = "tranche-import/1"

// Problems is every validation problem of a file, each "path: message".
type Problems []string

func (p Problems) Error() string {
	if len(p) == 1 {
		return "importer: " + p[0]
	}
	return fmt.Sprintf("importer: %d problems, first: %s", len(p), p[0])
}

// Data is a validated file: every object once, by kind, in id order.
type Data struct {
	Issuers     []model.Issuer
	Offerings   []model.Offering
	Users       []model.User
	Investors   []model.Investor
	Entities    []model.Entity
	Investments []model.Investment
}

type object = map[string]json.RawMessage

// record is one object merged from every place it appears.
type record struct {
	fields object
	from   map[string]string // field → path that set it
	path   string            // first place it appeared
}

type kindTable map[int64]*record

type parser struct {
	problems Problems
	users    kindTable
	entities kindTable
	invs     kindTable
}

func (p *parser) addf(path, format string, args ...any) {
	p.problems = append(p.problems, path+": "+fmt.Sprintf(format, args...))
}

// Parse reads and validates a file.
func Parse(b []byte) (*Data, error) {
	var top struct {
		Format      string            `json:"format"`
		Issuers     []json.RawMessage `json:"issuers"`
		Offerings   []json.RawMessage `json:"offerings"`
		Users       []json.RawMessage `json:"users"`
		Investors   []json.RawMessage `json:"investors"`
		Investments []json.RawMessage `json:"investments"`
	}
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, Problems{"$: not a tranche-import/1 JSON document: " + err.Error()}
	}
	p := &parser{users: kindTable{}, entities: kindTable{}, invs: kindTable{}}
	if top.Format != Format {
		p.addf("$.format", "must be %q, got %q", Format, top.Format)
	}
	d := &Data{}

	// An object whose own fields are wrong is reported once; references
	// to it are not problems of their own (an offering that failed would
	// otherwise add one line per investment and bury the cause).
	issuerIDs, badIssuers := map[int64]bool{}, map[int64]bool{}
	for i, raw := range top.Issuers {
		path := fmt.Sprintf("$.issuers[%d]", i)
		obj, id, ok := p.object(path, raw)
		if !ok {
			continue
		}
		var is model.Issuer
		if !p.decode(path, obj, &is) {
			badIssuers[id] = true
			continue
		}
		p.roundTrip(path, obj, is)
		d.Issuers = append(d.Issuers, is)
		issuerIDs[id] = true
	}

	offeringIDs, badOfferings := map[int64]int64{}, map[int64]bool{} // offering → issuer
	for i, raw := range top.Offerings {
		path := fmt.Sprintf("$.offerings[%d]", i)
		obj, id, ok := p.object(path, raw)
		if !ok {
			continue
		}
		var o model.Offering
		if !p.decode(path, obj, &o) {
			badOfferings[id] = true
			continue
		}
		p.roundTrip(path, obj, o)
		p.choice(path+".type", o.Type, model.OfferingTypes)
		p.choice(path+".status", o.Status, model.OfferingStatuses)
		if !issuerIDs[o.Issuer] && !badIssuers[o.Issuer] {
			p.addf(path+".issuer", "issuer %d is not in $.issuers", o.Issuer)
		}
		if _, dup := offeringIDs[id]; dup {
			p.addf(path+".id", "offering %d appears twice", id)
		}
		offeringIDs[id] = o.Issuer
		d.Offerings = append(d.Offerings, o)
	}

	for i, raw := range top.Users {
		path := fmt.Sprintf("$.users[%d]", i)
		if obj, id, ok := p.object(path, raw); ok {
			p.merge(p.users, id, path, obj)
		}
	}
	for i, raw := range top.Investors {
		path := fmt.Sprintf("$.investors[%d]", i)
		p.investor(path, raw)
	}

	type pendingInvestment struct {
		path string
		obj  object
	}
	var pending []pendingInvestment
	seenInvestment := map[int64]bool{}
	for i, raw := range top.Investments {
		path := fmt.Sprintf("$.investments[%d]", i)
		obj, id, ok := p.object(path, raw)
		if !ok {
			continue
		}
		if seenInvestment[id] {
			p.addf(path+".id", "investment %d appears twice", id)
			continue
		}
		seenInvestment[id] = true
		invID, ok := p.investor(path+".investor", obj["investor"])
		if !ok {
			continue
		}
		obj["investor"] = json.RawMessage(strconv.FormatInt(invID, 10))
		pending = append(pending, pendingInvestment{path, obj})
	}

	// Users, entities and investors, merged, with the defaults of IMPORT.md.
	for _, id := range sortedIDs(p.users) {
		r := p.users[id]
		setDefault(r.fields, "first_name", `""`)
		setDefault(r.fields, "last_name", `""`)
		setDefault(r.fields, "date_joined", `"1970-01-01T00:00:00Z"`)
		setDefault(r.fields, "thirdpartyissueruser_email", `null`)
		var u model.User
		if p.decode(r.path, r.fields, &u) {
			p.roundTrip(r.path, r.fields, u)
			u.IsActive = true
			if u.Email == "" {
				p.addf(r.path+".email", "required")
			}
			d.Users = append(d.Users, u)
		}
	}
	for _, id := range sortedIDs(p.entities) {
		r := p.entities[id]
		var e model.Entity
		if p.decode(r.path, r.fields, &e) {
			p.roundTrip(r.path, r.fields, e)
			if e.KYCStatus != nil {
				p.choice(r.from["kyc_status"]+".kyc_status", *e.KYCStatus, model.KYCStatuses)
			}
			d.Entities = append(d.Entities, e)
		}
	}
	for _, id := range sortedIDs(p.invs) {
		r := p.invs[id]
		setDefault(r.fields, "receive_sms", "false")
		setDefault(r.fields, "receive_emails", "true")
		setDefault(r.fields, "utm_parameters", "{}")
		var inv model.Investor
		if p.decode(r.path, r.fields, &inv) {
			p.roundTrip(r.path, r.fields, inv)
			p.choice(r.from["type"]+".type", inv.Type, model.InvestorTypes)
			d.Investors = append(d.Investors, inv)
		}
	}

	for _, pi := range pending {
		var inv model.Investment
		if !p.decode(pi.path, pi.obj, &inv) {
			continue
		}
		shown := copyObject(pi.obj)
		for _, k := range []string{"investor", "created_at", "requested_payment_method", "is_approved"} {
			delete(shown, k)
		}
		p.roundTrip(pi.path, shown, inv.View(nil))
		p.choice(pi.path+".status", inv.Status, model.InvestmentStatuses)
		if inv.RequestedPaymentMethod != nil {
			p.choice(pi.path+".requested_payment_method", *inv.RequestedPaymentMethod, model.RequestedPaymentMethods)
		}
		issuer, ok := offeringIDs[inv.Offering]
		if !ok && !badOfferings[inv.Offering] {
			p.addf(pi.path+".offering", "offering %d is not in $.offerings", inv.Offering)
		}
		inv.Issuer = issuer
		if _, ok := pi.obj["created_at"]; !ok {
			p.addf(pi.path+".created_at", "required")
		}
		d.Investments = append(d.Investments, inv)
	}
	sort.Slice(d.Investments, func(i, j int) bool { return d.Investments[i].ID < d.Investments[j].ID })

	if len(p.problems) > 0 {
		return nil, p.problems
	}
	return d, nil
}

// investor merges an investor object (and the user and entities nested in
// it) and returns its id.
func (p *parser) investor(path string, raw json.RawMessage) (int64, bool) {
	obj, id, ok := p.object(path, raw)
	if !ok {
		return 0, false
	}
	ok = true
	if u, present := obj["user"]; present {
		uo, uid, uok := p.object(path+".user", u)
		if uok {
			p.merge(p.users, uid, path+".user", uo)
			obj["user"] = json.RawMessage(strconv.FormatInt(uid, 10))
		} else {
			ok = false
		}
	} else {
		p.addf(path+".user", "required")
		ok = false
	}
	for _, f := range []string{"entity", "individual_entity"} {
		e, present := obj[f]
		if !present || isNull(e) {
			if present {
				obj[f] = json.RawMessage("null")
			}
			continue
		}
		eo, eid, eok := p.object(path+"."+f, e)
		if !eok {
			ok = false
			continue
		}
		p.merge(p.entities, eid, path+"."+f, eo)
		obj[f] = json.RawMessage(strconv.FormatInt(eid, 10))
	}
	if ok {
		p.merge(p.invs, id, path, obj)
	}
	return id, ok
}

// object parses raw as a JSON object with a positive integer id.
func (p *parser) object(path string, raw json.RawMessage) (object, int64, bool) {
	var obj object
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		p.addf(path, "must be an object")
		return nil, 0, false
	}
	idRaw, ok := obj["id"]
	if !ok || isNull(idRaw) {
		p.addf(path+".id", "required")
		return nil, 0, false
	}
	id, err := strconv.ParseInt(string(idRaw), 10, 64)
	if err != nil || id <= 0 {
		p.addf(path+".id", "must be a positive integer, got %s", idRaw)
		return nil, 0, false
	}
	for k, v := range obj {
		var buf bytes.Buffer
		if json.Compact(&buf, v) == nil {
			obj[k] = buf.Bytes()
		}
	}
	return obj, id, true
}

// merge adds obj's fields to the record of id; a field that two places give
// different values is a problem naming both.
func (p *parser) merge(t kindTable, id int64, path string, obj object) {
	r, ok := t[id]
	if !ok {
		r = &record{fields: object{}, from: map[string]string{}, path: path}
		t[id] = r
	}
	for k, v := range obj {
		if old, seen := r.fields[k]; seen {
			// Compared decoded, as roundTrip does: "&" and "\u0026"
			// are one value.
			if !bytes.Equal(canonical(old), canonical(v)) {
				p.addf(path+"."+k, "%s disagrees with %s.%s (%s)", v, r.from[k], k, old)
			}
			continue
		}
		r.fields[k] = v
		r.from[k] = path
	}
}

// decode reads obj into a model value, reporting type errors with the path.
func (p *parser) decode(path string, obj object, out any) bool {
	b, _ := json.Marshal(obj)
	if err := json.Unmarshal(b, out); err != nil {
		if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
			p.addf(path+"."+te.Field, "wrong type: %s where %s was expected", te.Value, te.Type)
		} else {
			p.addf(path, "%v", err)
		}
		return false
	}
	return true
}

// roundTrip checks that the stored form renders back exactly what the file
// says for every field it gives (same value, same JSON type), so that GET
// returns the file's object: a number given for a decimal string, a
// decimal with more places than two, or an unknown field is a problem.
//
// Values are compared decoded, not as bytes: JSON spells one string many
// ways ("&", "\u0026"; "é", "\u00e9"), and json.Marshal escapes <, > and
// &, so comparing bytes refused every "Smith & Sons". Numbers keep their
// text (json.Number), so "1.5" is still not "1.50".
func (p *parser) roundTrip(path string, given object, rendered any) {
	b, err := json.Marshal(rendered)
	if err != nil {
		p.addf(path, "cannot be rendered: %v", err)
		return
	}
	var out object
	_ = json.Unmarshal(b, &out)
	for _, k := range sortedKeys(given) {
		got, ok := out[k]
		if !ok {
			p.addf(path+"."+k, "unknown field")
			continue
		}
		if g, w := canonical(got), canonical(given[k]); !bytes.Equal(g, w) {
			p.addf(path+"."+k, "%s cannot be stored as given (it would read back as %s)", given[k], g)
		}
	}
}

// canonical is one spelling of a JSON value: decoded (numbers kept as
// written) and encoded again without HTML escaping, object keys sorted.
// A value that does not decode is returned as it is.
func canonical(raw json.RawMessage) []byte {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return raw
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return raw
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func (p *parser) choice(path, v string, cs []model.Choice) {
	if !model.HasChoice(cs, v) {
		p.addf(path, "%q is not one of the available choices", v)
	}
}

func setDefault(o object, k, v string) {
	if _, ok := o[k]; !ok {
		o[k] = json.RawMessage(v)
	}
}

func isNull(b json.RawMessage) bool {
	return len(bytes.TrimSpace(b)) == 0 || string(bytes.TrimSpace(b)) == "null"
}

func copyObject(o object) object {
	c := make(object, len(o))
	for k, v := range o {
		c[k] = v
	}
	return c
}

func sortedIDs(t kindTable) []int64 {
	ids := make([]int64, 0, len(t))
	for id := range t {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func sortedKeys(o object) []string {
	ks := make([]string, 0, len(o))
	for k := range o {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
