// Package readmodel keeps, per process, an in-memory copy of each served
// workspace's offerings, issuers, investments, investors, entities and
// users: what every list, values and summary route selects from, so a
// list page costs what it shows, not what the workspace holds.
//
// # Freshness
//
// A workspace is built once per process (store.LoadWorkspace: parallel
// consistent range Queries, never Scan), after reading the head of its
// change feed (store/feed.go). Every request then syncs it with ONE
// strongly consistent Query of the feed entries after the last one applied
// (nothing is read when nothing changed) and a consistent BatchGet of the
// objects those entries name. Every write transaction appends its entry
// atomically with the objects it writes, and entries commit in order, so a
// request sees every write that committed before it began, from any
// process: read-your-writes without a timer or a TTL. A reset entry (an
// import), a gap (entries expired while the process was idle) or a burst of
// more than rebuildAbove changes rebuild from scratch.
//
// # Memory
//
// Objects are held decoded, once, shared by every request; each change
// replaces an object's pointer rather than mutating it. Workspaces are
// evicted least-recently-used when the estimated total passes the cache's
// limit (app.Config.ReadModelMaxBytes). The estimate counts each object at
// a per-kind size measured by BenchmarkReadModel/memory (BENCHMARKS.md).
//
// # Derived indexes
//
// View.Memo caches what a route derives from the objects (rows joined with
// their relations, orderings, search texts) until the next change applied
// to the workspace, so warm requests with no writes in between do no
// per-workspace work beyond their filters.
//
// Why not a compact projection with the page fetched by BatchGet: the full
// objects cost about 1.2 KB of heap per investment with its relations
// (BENCHMARKS.md), which a Lambda holds at several hundred thousand, and rendering from memory makes the page cost
// no reads at all while answering from the same snapshot the filters saw.
package readmodel

import (
	"container/list"
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// DefaultMaxBytes is the cache's default limit: room for about 400,000
// investments with their relations in a 1,769 MB Lambda, leaving the rest
// for requests and garbage collection.
const DefaultMaxBytes = 512 << 20

// rebuildAbove is how many changed objects one sync applies before it
// prefers a rebuild.
const rebuildAbove = 20000

// Estimated bytes each object holds in memory (decoded structs, their
// strings, decimals and map entries), measured by BenchmarkReadModel/memory.
const (
	bytesInvestment = 1200
	bytesInvestor   = 700
	bytesEntity     = 900
	bytesUser       = 500
	bytesOffering   = 4000
	bytesIssuer     = 100
)

// Cache holds the read models of one table's workspaces.
type Cache struct {
	db *store.DB

	mu     sync.Mutex
	spaces map[string]*list.Element // of *Workspace; front = most recent
	lru    *list.List
	limit  int64
}

var caches sync.Map // *store.DB → *Cache

// Of returns the process's cache for db, creating it on first use. Keyed
// by the store so every handler built on the same DB shares one copy.
func Of(db *store.DB) *Cache {
	if c, ok := caches.Load(db); ok {
		return c.(*Cache)
	}
	c, _ := caches.LoadOrStore(db, &Cache{db: db, spaces: map[string]*list.Element{}, lru: list.New(), limit: DefaultMaxBytes})
	return c.(*Cache)
}

// SetLimit sets the estimated bytes the cache may hold (≤ 0: the default).
func (c *Cache) SetLimit(bytes int64) {
	if bytes <= 0 {
		bytes = DefaultMaxBytes
	}
	c.mu.Lock()
	c.limit = bytes
	c.mu.Unlock()
	c.evict(nil)
}

// Bytes is the cache's estimated size, and Workspaces how many it holds.
func (c *Cache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int64
	for e := c.lru.Front(); e != nil; e = e.Next() {
		n += e.Value.(*Workspace).size()
	}
	return n
}

// Workspaces lists the ids of the workspaces held, most recent first.
func (c *Cache) Workspaces() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for e := c.lru.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*Workspace).id)
	}
	return out
}

func (c *Cache) workspace(ws string) *Workspace {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.spaces[ws]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*Workspace)
	}
	w := &Workspace{id: ws, db: c.db}
	c.spaces[ws] = c.lru.PushFront(w)
	return w
}

// evict drops least-recently-used workspaces other than keep while the
// estimate is over the limit. A workspace larger than the limit on its own
// stays: it is being served.
func (c *Cache) evict(keep *Workspace) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var total int64
	for e := c.lru.Front(); e != nil; e = e.Next() {
		total += e.Value.(*Workspace).size()
	}
	for e := c.lru.Back(); e != nil && total > c.limit; {
		prev := e.Prev()
		if w := e.Value.(*Workspace); w != keep {
			total -= w.size()
			delete(c.spaces, w.id)
			c.lru.Remove(e)
		}
		e = prev
	}
}

// Forget drops a workspace's read model: the next request builds it again
// (benchmarks of the cold path; operators freeing memory).
func (c *Cache) Forget(ws string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.spaces[ws]; ok {
		delete(c.spaces, ws)
		c.lru.Remove(e)
	}
}

// Open syncs the workspace's read model with the change feed (building it
// on first use) and returns a View of it, read-locked until Close. What it
// reads counts in the request's store.Stats.
func (c *Cache) Open(ctx context.Context, ws string) (*View, error) {
	w := c.workspace(ws)
	rebuilt, err := w.sync(ctx)
	if err != nil {
		return nil, err
	}
	if rebuilt {
		c.evict(w)
	}
	w.mu.RLock()
	return &View{w: w}, nil
}

// Workspace is one workspace's read model.
type Workspace struct {
	id string
	db *store.DB

	syncMu   sync.Mutex // one sync at a time
	built    bool
	seq      int64 // the last feed entry applied
	lastSync time.Time

	mu          sync.RWMutex // guards what follows; Views hold it for reading
	gen         uint64       // bumped by every change applied
	issuers     map[int64]*model.Issuer
	offerings   map[int64]*model.Offering
	users       map[int64]*model.User
	entities    map[int64]*model.Entity
	investors   map[int64]*model.Investor
	investments map[int64]*model.Investment
	bytes       int64
	published   atomic.Int64 // bytes, for the cache's accounting

	memoMu  sync.Mutex
	memo    map[string]*memoEntry
	scratch map[string]*memoEntry
}

// size is the estimate as of the last change applied (read without the
// lock, so eviction never waits on a request).
func (w *Workspace) size() int64 { return w.published.Load() }

// sync brings the model up to the feed's present; rebuilt says whether it
// was built from scratch.
func (w *Workspace) sync(ctx context.Context) (rebuilt bool, err error) {
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	// Entries expire after store.FeedTTL; a model idle for half of it might
	// miss some without seeing a gap, so it is rebuilt instead.
	if !w.built || time.Since(w.lastSync) > store.FeedTTL/2 {
		return true, w.rebuild(ctx)
	}
	changes, err := w.db.ChangesSince(ctx, w.id, w.seq)
	if err != nil {
		return false, err
	}
	if len(changes) == 0 {
		w.lastSync = time.Now()
		return false, nil
	}
	refs := map[store.Ref]bool{}
	for i, c := range changes {
		if c.Reset || c.Seq != w.seq+int64(i)+1 {
			return true, w.rebuild(ctx)
		}
		for _, r := range c.Refs {
			refs[r] = true
		}
	}
	if len(refs) > rebuildAbove {
		return true, w.rebuild(ctx)
	}
	list := make([]store.Ref, 0, len(refs))
	for r := range refs {
		list = append(list, r)
	}
	objs, err := w.db.LoadRefs(ctx, w.id, list)
	if err != nil {
		return false, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for r := range refs {
		w.remove(r)
	}
	w.add(objs)
	w.seq = changes[len(changes)-1].Seq
	w.lastSync = time.Now()
	w.changed()
	return false, nil
}

// rebuild reads the whole workspace. The head is read first: whatever
// commits after it is applied by the next sync (reapplying an object the
// load already saw is harmless).
func (w *Workspace) rebuild(ctx context.Context) error {
	head, err := w.db.FeedHead(ctx, w.id)
	if err != nil {
		return err
	}
	objs, err := w.db.LoadWorkspace(ctx, w.id)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.issuers = map[int64]*model.Issuer{}
	w.offerings = map[int64]*model.Offering{}
	w.users = map[int64]*model.User{}
	w.entities = map[int64]*model.Entity{}
	w.investors = map[int64]*model.Investor{}
	w.investments = make(map[int64]*model.Investment, len(objs.Investments))
	w.bytes = 0
	w.add(objs)
	w.seq, w.built, w.lastSync = head, true, time.Now()
	w.changed()
	return nil
}

func (w *Workspace) changed() {
	w.gen++
	w.published.Store(w.bytes)
	w.memoMu.Lock()
	w.memo = nil
	w.scratch = nil
	w.memoMu.Unlock()
}

// remove drops the object r names (it is re-added if it still exists).
func (w *Workspace) remove(r store.Ref) {
	switch r.Kind {
	case store.KindIssuer:
		if _, ok := w.issuers[r.ID]; ok {
			delete(w.issuers, r.ID)
			w.bytes -= bytesIssuer
		}
	case store.KindOffering:
		if _, ok := w.offerings[r.ID]; ok {
			delete(w.offerings, r.ID)
			w.bytes -= bytesOffering
		}
	case store.KindUser:
		if _, ok := w.users[r.ID]; ok {
			delete(w.users, r.ID)
			w.bytes -= bytesUser
		}
	case store.KindEntity:
		if _, ok := w.entities[r.ID]; ok {
			delete(w.entities, r.ID)
			w.bytes -= bytesEntity
		}
	case store.KindInvestor:
		if _, ok := w.investors[r.ID]; ok {
			delete(w.investors, r.ID)
			w.bytes -= bytesInvestor
		}
	case store.KindInvestment:
		if _, ok := w.investments[r.ID]; ok {
			delete(w.investments, r.ID)
			w.bytes -= bytesInvestment
		}
	}
}

func (w *Workspace) add(o store.Objects) {
	for i := range o.Issuers {
		w.issuers[o.Issuers[i].ID] = &o.Issuers[i]
	}
	for i := range o.Offerings {
		w.offerings[o.Offerings[i].ID] = &o.Offerings[i]
	}
	for i := range o.Users {
		w.users[o.Users[i].ID] = &o.Users[i]
	}
	for i := range o.Entities {
		w.entities[o.Entities[i].ID] = &o.Entities[i]
	}
	for i := range o.Investors {
		w.investors[o.Investors[i].ID] = &o.Investors[i]
	}
	for i := range o.Investments {
		w.investments[o.Investments[i].ID] = &o.Investments[i]
	}
	w.bytes += int64(len(o.Issuers))*bytesIssuer + int64(len(o.Offerings))*bytesOffering +
		int64(len(o.Users))*bytesUser + int64(len(o.Entities))*bytesEntity +
		int64(len(o.Investors))*bytesInvestor + int64(len(o.Investments))*bytesInvestment
}

// View is a consistent, read-locked state of one workspace's read model
// for one request. Close it when the response is rendered.
type View struct {
	w      *Workspace
	closed bool
}

// Close releases the view.
func (v *View) Close() {
	if !v.closed {
		v.closed = true
		v.w.mu.RUnlock()
	}
}

// Workspace is the view's workspace id.
func (v *View) Workspace() string { return v.w.id }

// Seq is the last change feed entry the view reflects.
func (v *View) Seq() int64 { return v.w.seq }

// Memo returns the value cached under key, building it first if this
// state of the workspace has none. Values live until the next change is
// applied; build must derive only from the view.
func (v *View) Memo(key string, build func() any) any {
	return v.w.memoized(&v.w.memo, maxMemo, key, build)
}

// Scratch is Memo for values keyed by what a client sends (one per filter
// condition, one per search): a separate, larger space, so a client
// sending many different filters evicts only other scratch values, never
// the rows and orderings every request of the workspace needs.
func (v *View) Scratch(key string, build func() any) any {
	return v.w.memoized(&v.w.scratch, maxScratch, key, build)
}

func (w *Workspace) memoized(m *map[string]*memoEntry, limit int, key string, build func() any) any {
	w.memoMu.Lock()
	e, ok := (*m)[key]
	if !ok {
		if *m == nil || len(*m) >= limit {
			*m = map[string]*memoEntry{} // many keys at once: start over
		}
		e = &memoEntry{}
		(*m)[key] = e
	}
	w.memoMu.Unlock()
	// Built outside the lock: a build may itself use the memo (rows built
	// from the investments list), and requests wanting other keys need
	// not wait.
	e.once.Do(func() { e.v = build() })
	return e.v
}

type memoEntry struct {
	once sync.Once
	v    any
}

// maxMemo bounds the derived values cached per workspace; maxScratch the
// per-condition ones (a bitset of one bit per row: 12.5 KB at 100k rows,
// so at most about 13 MB per workspace of that size).
const (
	maxMemo    = 256
	maxScratch = 1024
)

// Offering returns an offering, or nil.
func (v *View) Offering(id int64) *model.Offering { return v.w.offerings[id] }

// Issuer returns an issuer, or nil.
func (v *View) Issuer(id int64) *model.Issuer { return v.w.issuers[id] }

// User returns a user, or nil.
func (v *View) User(id int64) *model.User { return v.w.users[id] }

// Entity returns an entity, or nil.
func (v *View) Entity(id int64) *model.Entity { return v.w.entities[id] }

// Investor returns an investor, or nil.
func (v *View) Investor(id int64) *model.Investor { return v.w.investors[id] }

// Investment returns an investment, or nil.
func (v *View) Investment(id int64) *model.Investment { return v.w.investments[id] }

// Graph returns the investor with its user and entities (Investor nil when
// the investor does not exist).
func (v *View) Graph(investor int64) model.InvestorGraph {
	inv := v.w.investors[investor]
	if inv == nil {
		return model.InvestorGraph{}
	}
	g := model.InvestorGraph{Investor: inv, User: v.w.users[inv.User]}
	if inv.Entity != nil {
		g.Entity = v.w.entities[*inv.Entity]
	}
	if inv.IndividualEntity != nil {
		g.IndividualEntity = v.w.entities[*inv.IndividualEntity]
	}
	return g
}

func sortedIDs[T any](m map[int64]T) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// Investments lists every investment in id order (memoized).
func (v *View) Investments() []*model.Investment {
	return v.Memo("readmodel.investments", func() any {
		out := make([]*model.Investment, 0, len(v.w.investments))
		for _, id := range sortedIDs(v.w.investments) {
			out = append(out, v.w.investments[id])
		}
		return out
	}).([]*model.Investment)
}

// Investors lists every investor in id order (memoized).
func (v *View) Investors() []*model.Investor {
	return v.Memo("readmodel.investors", func() any {
		out := make([]*model.Investor, 0, len(v.w.investors))
		for _, id := range sortedIDs(v.w.investors) {
			out = append(out, v.w.investors[id])
		}
		return out
	}).([]*model.Investor)
}

// Offerings lists every offering in id order (memoized).
func (v *View) Offerings() []*model.Offering {
	return v.Memo("readmodel.offerings", func() any {
		out := make([]*model.Offering, 0, len(v.w.offerings))
		for _, id := range sortedIDs(v.w.offerings) {
			out = append(out, v.w.offerings[id])
		}
		return out
	}).([]*model.Offering)
}

// Users lists every user in id order (memoized).
func (v *View) Users() []*model.User {
	return v.Memo("readmodel.users", func() any {
		out := make([]*model.User, 0, len(v.w.users))
		for _, id := range sortedIDs(v.w.users) {
			out = append(out, v.w.users[id])
		}
		return out
	}).([]*model.User)
}

// links are the (investor, offering) and (investor, issuer) pairs with an
// investment: what an offering- or issuer-scoped key may see of investors
// (the store's link items, derived here from the investments).
type links struct {
	offering map[[2]int64]bool
	issuer   map[[2]int64]bool
}

func (v *View) links() *links {
	return v.Memo("readmodel.links", func() any {
		l := &links{offering: map[[2]int64]bool{}, issuer: map[[2]int64]bool{}}
		for _, inv := range v.w.investments {
			l.offering[[2]int64{inv.Investor, inv.Offering}] = true
			l.issuer[[2]int64{inv.Investor, inv.Issuer}] = true
		}
		return l
	}).(*links)
}

// InvestorInScope reports whether the investor has an investment in the
// offering (offering != 0) or in an offering of the issuer (issuer != 0);
// with neither, whether it exists.
func (v *View) InvestorInScope(investor, offering, issuer int64) bool {
	switch {
	case offering != 0:
		return v.links().offering[[2]int64{investor, offering}]
	case issuer != 0:
		return v.links().issuer[[2]int64{investor, issuer}]
	}
	return v.w.investors[investor] != nil
}
