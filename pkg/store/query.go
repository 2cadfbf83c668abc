package store

// Queries that remain of the list planner: the offerings of a scope
// (QueryOfferings, used by the scheduled functions and the scope
// aggregates' rebuild), batched lookups by id for detail routes and writes,
// and the helpers that build Query expressions (queryAll, pushdown). Lists,
// values and summaries select from package readmodel instead (feed.go).
//
// Every read is counted in the request's Stats: items read is DynamoDB's
// ScannedCount (what a filter expression evaluated, not only what it let
// through), so the X-Tranche-Plan header shows what a request cost.

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/guregu/dynamo/v2"
	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/model"
)

// Scope confines a list to what an API key may see. The zero Scope is the
// whole workspace.
type Scope struct {
	Offering int64 // an offering key: only this offering's items
	Issuer   int64 // an issuer key: only this issuer's offerings' items
}

// maxKeyValues bounds how many key conditions (Queries) one plan issues
// before it prefers a wider partition.
const maxKeyValues = 50

// keyCond is one Query's key condition.
type keyCond struct {
	index  string // "" is the table
	pkAttr string
	pk     string
	skAttr string
	skOp   string // "", "=", ">", "between", "begins_with"
	sk     string
	sk2    string // the upper bound of "between"
	// consistent asks for a strongly consistent read (table only).
	consistent bool
}

func tableKey(pk string) keyCond { return keyCond{pkAttr: AttrPK, pk: pk, skAttr: AttrSK} }
func gsiKey(n int, pk string) keyCond {
	return keyCond{index: fmt.Sprintf("GSI%d", n), pkAttr: fmt.Sprintf("GSI%dPK", n), pk: pk, skAttr: fmt.Sprintf("GSI%dSK", n)}
}

// expr builds a DynamoDB expression's names and values.
type expr struct {
	names  map[string]string
	values map[string]types.AttributeValue
	parts  []string
}

func newExpr() *expr {
	return &expr{names: map[string]string{}, values: map[string]types.AttributeValue{}}
}

func (e *expr) name(attr string) string {
	for k, v := range e.names {
		if v == attr {
			return k
		}
	}
	k := fmt.Sprintf("#n%d", len(e.names))
	e.names[k] = attr
	return k
}

func (e *expr) value(av types.AttributeValue) string {
	k := fmt.Sprintf(":v%d", len(e.values))
	e.values[k] = av
	return k
}

// queryAll runs one Query to its end, calling each for every item
// returned, and counts what it read.
func (db *core) queryAll(ctx context.Context, kc keyCond, filt *expr, each func(dynamo.Item) error) error {
	e := newExpr()
	if filt != nil {
		e = filt.clone()
	}
	key := e.name(kc.pkAttr) + " = " + e.value(&types.AttributeValueMemberS{Value: kc.pk})
	switch kc.skOp {
	case "=", ">":
		key += " AND " + e.name(kc.skAttr) + " " + kc.skOp + " " + e.value(&types.AttributeValueMemberS{Value: kc.sk})
	case "between":
		key += " AND " + e.name(kc.skAttr) + " BETWEEN " + e.value(&types.AttributeValueMemberS{Value: kc.sk}) + " AND " + e.value(&types.AttributeValueMemberS{Value: kc.sk2})
	case "begins_with":
		key += " AND begins_with(" + e.name(kc.skAttr) + ", " + e.value(&types.AttributeValueMemberS{Value: kc.sk}) + ")"
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(db.name),
		KeyConditionExpression:    aws.String(key),
		ExpressionAttributeNames:  e.names,
		ExpressionAttributeValues: e.values,
		ReturnConsumedCapacity:    types.ReturnConsumedCapacityTotal,
	}
	if kc.index != "" {
		in.IndexName = aws.String(kc.index)
	}
	if kc.consistent {
		in.ConsistentRead = aws.Bool(true)
	}
	if filt != nil && len(filt.parts) > 0 {
		in.FilterExpression = aws.String(strings.Join(filt.parts, " AND "))
	}
	p := dynamodb.NewQueryPaginator(db.client, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("store: query %s %s: %w", kc.index, kc.pk, err)
		}
		addStats(ctx, int64(out.ScannedCount), out.ConsumedCapacity)
		for _, it := range out.Items {
			if err := each(it); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *expr) clone() *expr {
	c := newExpr()
	for k, v := range e.names {
		c.names[k] = v
	}
	for k, v := range e.values {
		c.values[k] = v
	}
	c.parts = append(c.parts, e.parts...)
	return c
}

// addStats counts items read and capacity from the SDK's own figures.
func addStats(ctx context.Context, items int64, cc *types.ConsumedCapacity) {
	s := StatsFrom(ctx)
	if s == nil {
		return
	}
	s.Read.Add(items)
	if cc != nil && cc.CapacityUnits != nil {
		s.Capacity.Add(int64(*cc.CapacityUnits*1000 + 0.5))
	}
}

// queryInto runs kc and unmarshals every item into T.
func queryInto[T any](ctx context.Context, db *core, kc keyCond, filt *expr) ([]T, error) {
	var out []T
	err := db.queryAll(ctx, kc, filt, func(it dynamo.Item) error {
		var v T
		if err := dynamo.UnmarshalItem(it, &v); err != nil {
			return fmt.Errorf("store: decode %s: %w", kc.pk, err)
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// ---- pushdown --------------------------------------------------------------

// attrType is how an attribute is stored, for pushing a condition on it.
type attrType uint8

const (
	attrNumber attrType = iota + 1
	attrString
	attrTime // model.Time: its fixed-width sortable string
)

// pushable maps a filter path to the top-level attribute it reads.
type pushable map[string]struct {
	attr string
	typ  attrType
}

var investmentPushdown = pushable{
	"id":                        {"id", attrNumber},
	"amount":                    {"amount", attrNumber},
	"shares_amount":             {"shares_amount", attrNumber},
	"quantity":                  {"quantity", attrNumber},
	"offering":                  {"offering", attrNumber},
	"investor":                  {"investor", attrNumber},
	"status":                    {"status", attrString},
	"reference_id":              {"reference_id", attrString},
	"payment_method":            {"payment_method", attrString},
	"requested_payment_method":  {"requested_payment_method", attrString},
	"processing_issue_statuses": {"processing_issue_statuses", attrString},
	"created_at":                {"created_at", attrTime},
	"updated_at":                {"updated_at", attrTime},
	"processed_at":              {"processed_at", attrTime},
}

// operand renders v as the attribute's stored form, or false when DynamoDB
// could not hold it exactly (huge or tiny numbers, sub-microsecond or
// out-of-range instants): such a condition is left to Go.
func operand(t attrType, v filter.Value) (types.AttributeValue, bool) {
	switch t {
	case attrNumber:
		if i, ok := v.Int(); ok {
			return &types.AttributeValueMemberN{Value: fmt.Sprint(i)}, true
		}
		d, ok := v.Dec()
		if !ok || !safeNumber(d) {
			return nil, false
		}
		return &types.AttributeValueMemberN{Value: d.String()}, true
	case attrString:
		s, ok := v.Str()
		if !ok || s == "" || len(s) > 256 {
			return nil, false
		}
		return &types.AttributeValueMemberS{Value: s}, true
	case attrTime:
		t, ok := v.Time()
		if !ok || t.Year() < 1000 || t.Year() > 9999 || t.Nanosecond()%1000 != 0 {
			return nil, false
		}
		return &types.AttributeValueMemberS{Value: model.NewTime(t).SortKey()}, true
	}
	return nil, false
}

func safeNumber(d decimal.Decimal) bool {
	if d.IsZero() {
		return true
	}
	adj := int64(d.Exponent()) + int64(d.NumDigits()) - 1
	return d.NumDigits() <= 38 && adj > -30 && adj < 30
}

// pushdown turns the conditions DynamoDB can evaluate exactly as Match does
// into a filter expression. Conditions it cannot express are skipped: Go
// still applies every condition.
func pushdown(q *filter.Query, p pushable) *expr {
	e := newExpr()
	for _, eq := range q.Equalities() {
		a, ok := p[eq.Path]
		if !ok || len(eq.Values) == 0 || len(eq.Values) > maxKeyValues {
			continue
		}
		var ops []string
		for _, v := range eq.Values {
			av, ok := operand(a.typ, v)
			if !ok {
				ops = nil
				break
			}
			ops = append(ops, e.value(av))
		}
		if len(ops) == 0 {
			continue
		}
		if len(ops) == 1 {
			e.parts = append(e.parts, e.name(a.attr)+" = "+ops[0])
		} else {
			e.parts = append(e.parts, e.name(a.attr)+" IN ("+strings.Join(ops, ", ")+")")
		}
	}
	for _, r := range q.Ranges() {
		a, ok := p[r.Path]
		if !ok {
			continue
		}
		av, ok := operand(a.typ, r.Value)
		if !ok {
			continue
		}
		op := map[filter.Lookup]string{filter.Gt: ">", filter.Gte: ">=", filter.Lt: "<", filter.Lte: "<="}[r.Op]
		if op == "" || a.typ == attrString {
			continue
		}
		e.parts = append(e.parts, e.name(a.attr)+" "+op+" "+e.value(av))
	}
	for _, pr := range q.Prefixes() {
		a, ok := p[pr.Path]
		if !ok || a.typ != attrString || pr.Value == "" || len(pr.Value) > 256 {
			continue
		}
		e.parts = append(e.parts, "begins_with("+e.name(a.attr)+", "+e.value(&types.AttributeValueMemberS{Value: pr.Value})+")")
	}
	if len(e.parts) == 0 {
		return nil
	}
	return e
}

// ---- key selection ---------------------------------------------------------

// keyValues returns the values of the narrowest equality on path: ok is
// false when the query has none; an empty result means no row can match.
func keyValues(q *filter.Query, path string) (vals []filter.Value, ok bool) {
	for _, eq := range q.Equalities() {
		if eq.Path != path {
			continue
		}
		if !ok || len(eq.Values) < len(vals) {
			vals, ok = eq.Values, true
		}
	}
	return vals, ok
}

// intKeys returns the integer values of the narrowest equality on path;
// values that are not integers (id=1e30) can match nothing and are dropped.
func intKeys(q *filter.Query, path string) ([]int64, bool) {
	vals, ok := keyValues(q, path)
	if !ok {
		return nil, false
	}
	out := []int64{}
	for _, v := range vals {
		if i, ok := v.Int(); ok {
			out = append(out, i)
		}
	}
	return uniq(out), true
}

func strKeys(q *filter.Query, path string) ([]string, bool) {
	vals, ok := keyValues(q, path)
	if !ok {
		return nil, false
	}
	seen := map[string]bool{}
	out := []string{}
	for _, v := range vals {
		// A value longer than a key may be was never stored as one.
		if s, ok := v.Str(); ok && len(s) <= 1800 && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out, true
}

// QueryOfferings returns the offerings the plan for q reads within scope: a
// superset of those matching q. Offering keys read their one offering; id
// filters BatchGet; issuer filters and issuer keys read GSI1; otherwise the
// workspace's offering partition.
func (db OfferingStore) QueryOfferings(ctx context.Context, ws string, sc Scope, q *filter.Query) ([]model.Offering, error) {
	ids, hasIDs := intKeys(q, "id")
	issuers, hasIssuers := intKeys(q, "issuer")
	if (hasIDs && len(ids) == 0) || (hasIssuers && len(issuers) == 0) {
		return nil, nil
	}
	var items []offeringItem
	var err error
	switch {
	case sc.Offering != 0:
		items, err = batchGet[offeringItem](ctx, db.core, offeringPK(ws), []int64{sc.Offering})
	case hasIDs && len(ids) <= 1000:
		items, err = batchGet[offeringItem](ctx, db.core, offeringPK(ws), ids)
	case sc.Issuer != 0:
		items, err = queryInto[offeringItem](ctx, db.core, gsiKey(1, offeringsOfIssuerPK(ws, sc.Issuer)), nil)
	case hasIssuers && len(issuers) <= maxKeyValues:
		for _, i := range issuers {
			got, err := queryInto[offeringItem](ctx, db.core, gsiKey(1, offeringsOfIssuerPK(ws, i)), nil)
			if err != nil {
				return nil, err
			}
			items = append(items, got...)
		}
	default:
		items, err = queryInto[offeringItem](ctx, db.core, tableKey(offeringPK(ws)), nil)
	}
	if err != nil {
		return nil, err
	}
	out := make([]model.Offering, 0, len(items))
	for i := range items {
		o := &items[i].Offering
		if (sc.Offering != 0 && o.ID != sc.Offering) || (sc.Issuer != 0 && o.Issuer != sc.Issuer) {
			continue
		}
		out = append(out, *o)
	}
	return out, nil
}

// ScopeOfferings lists the offerings a scope covers (offering keys: theirs;
// issuer keys: the issuer's; otherwise every offering of the workspace).
func (db OfferingStore) ScopeOfferings(ctx context.Context, ws string, sc Scope) ([]model.Offering, error) {
	return db.QueryOfferings(ctx, ws, sc, &filter.Query{})
}

// ---- joins and existence checks ----------------------------------------------

// OfferingsByID reads offerings by id (one BatchGet); missing ones are absent.
func (db OfferingStore) OfferingsByID(ctx context.Context, ws string, ids []int64) (map[int64]*model.Offering, error) {
	items, err := batchGet[offeringItem](ctx, db.core, offeringPK(ws), ids)
	out := make(map[int64]*model.Offering, len(items))
	for i := range items {
		out[items[i].ID] = &items[i].Offering
	}
	return out, err
}

// IssuersByID reads issuers by id; missing ones are absent.
func (db OfferingStore) IssuersByID(ctx context.Context, ws string, ids []int64) (map[int64]*model.Issuer, error) {
	items, err := batchGet[issuerItem](ctx, db.core, issuerPK(ws), ids)
	out := make(map[int64]*model.Issuer, len(items))
	for i := range items {
		out[items[i].ID] = &items[i].Issuer
	}
	return out, err
}

// UsersByID reads users by id; missing ones are absent.
func (db UserStore) UsersByID(ctx context.Context, ws string, ids []int64) (map[int64]*model.User, error) {
	items, err := batchGet[userItem](ctx, db.core, userPK(ws), ids)
	out := make(map[int64]*model.User, len(items))
	for i := range items {
		out[items[i].ID] = &items[i].User
	}
	return out, err
}

// EntitiesExist reports which entity ids exist.
func (db InvestorStore) EntitiesExist(ctx context.Context, ws string, ids []int64) (map[int64]bool, error) {
	items, err := batchGet[entityItem](ctx, db.core, entityPK(ws), ids)
	out := make(map[int64]bool, len(items))
	for i := range items {
		out[items[i].ID] = true
	}
	return out, err
}

// InvestorsVisible reports which investor ids exist and, for an offering
// or issuer scope, have an investment in it (their link item exists).
func (db InvestorStore) InvestorsVisible(ctx context.Context, ws string, sc Scope, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if sc.Offering != 0 || sc.Issuer != 0 {
		pk := investorsOfOfferingPK(ws, sc.Offering)
		if sc.Offering == 0 {
			pk = investorsOfIssuerPK(ws, sc.Issuer)
		}
		links, err := batchGet[linkItem](ctx, db.core, pk, ids)
		for _, l := range links {
			out[l.ID] = true
		}
		return out, err
	}
	items, err := batchGet[investorItem](ctx, db.core, investorPK(ws), ids)
	for i := range items {
		out[items[i].ID] = true
	}
	return out, err
}

// ---- summary -----------------------------------------------------------------

// InvestmentsActiveSince returns the offering's investments created,
// received or invested at or after since (a filter expression on GSI1 of
// the offering: DynamoDB still reads the partition, but only those come
// back). The summary's *_today lines use it.
func (db InvestingStore) InvestmentsActiveSince(ctx context.Context, ws string, offering int64, since time.Time) ([]model.Investment, error) {
	e := newExpr()
	v := e.value(&types.AttributeValueMemberS{Value: model.NewTime(since).SortKey()})
	e.parts = append(e.parts, "("+e.name("created_at")+" >= "+v+" OR "+e.name("received_at")+" >= "+v+" OR "+e.name("invested_at")+" >= "+v+")")
	items, err := queryInto[investmentItem](ctx, db.core, gsiKey(1, investmentsOfOfferingPK(ws, offering)), e)
	out := make([]model.Investment, len(items))
	for i := range items {
		out[i] = items[i].Investment
	}
	return out, err
}

// ---- rows --------------------------------------------------------------------

// Fields reads a model struct's fields by their JSON names as filter
// values, so a list's Row can serve ordering over every scalar field of an
// object without listing them again.
type Fields struct {
	idx map[string][]int
}

// FieldsOf indexes the JSON-named fields of struct type t.
func FieldsOf(t reflect.Type) *Fields {
	f := &Fields{idx: map[string][]int{}}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		f.idx[name] = sf.Index
	}
	return f
}

var (
	moneyType = reflect.TypeOf(model.Money{})
	timeType  = reflect.TypeOf(model.Time{})
	dateType  = reflect.TypeOf(model.Date{})
)

// Value returns the field named name of v (a struct or pointer to one) as a
// filter value; NULL for nil pointers, unknown names and non-scalar fields.
func (f *Fields) Value(v any, name string) filter.Value {
	idx, ok := f.idx[name]
	if !ok {
		return filter.Null()
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	return scalar(rv.FieldByIndex(idx))
}

// structOf reads a struct-typed field through its address when it has one:
// Interface() of a struct value copies it to the heap, one allocation per
// row and field when a filter reads every row.
func structOf[T any](fv reflect.Value) T {
	if fv.CanAddr() {
		return *fv.Addr().Interface().(*T)
	}
	return fv.Interface().(T)
}

func scalar(fv reflect.Value) filter.Value {
	if fv.Kind() == reflect.Pointer {
		if fv.IsNil() {
			return filter.Null()
		}
		fv = fv.Elem()
	}
	switch fv.Type() {
	case moneyType:
		return filter.Dec(structOf[model.Money](fv).Decimal)
	case timeType:
		return filter.Time(structOf[model.Time](fv).Time)
	case dateType:
		d := structOf[model.Date](fv)
		return filter.Time(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC))
	}
	switch fv.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return filter.Int(fv.Int())
	case reflect.String:
		return filter.Str(fv.String())
	case reflect.Bool:
		return filter.Bool(fv.Bool())
	}
	return filter.Null()
}

// PlanHeader is the response header that reports what a list read.
const PlanHeader = "X-Tranche-Plan"

// Plan renders the Stats for PlanHeader: "read=<items read>;
// returned=<items returned>; capacity=<read capacity units>".
func (s *Stats) Plan(returned int) string {
	if s == nil {
		return fmt.Sprintf("read=0; returned=%d; capacity=0", returned)
	}
	return fmt.Sprintf("read=%d; returned=%d; capacity=%s", s.Read.Load(), returned,
		strconv.FormatFloat(float64(s.Capacity.Load())/1000, 'f', -1, 64))
}
