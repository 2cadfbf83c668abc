// Package store is Tranche's one DynamoDB table, through guregu/dynamo.
//
// # Key design
//
// Every key attribute is a string. <ws> is the workspace (tenant) id; every
// item's partition key starts with WS#<ws>, so no key a request builds can
// reach another tenant's items. Integer ids are zero-padded to 12 digits in
// sort keys (pad(id)) so that key order is id order.
//
//	item                     PK                              SK                GSIs
//	workspace                WS#<ws>                         META
//	id counter               WS#<ws>                         COUNTER#<kind>    attribute n
//	API key                  WS#<ws>                         KEY#<sha256 hex>  GSI1 WS#<ws>#KEYS / <created>#<key id>
//	issuer                   WS#<ws>#ISSUER                  pad(id)
//	offering                 WS#<ws>#OFFERING                pad(id)           GSI1 WS#<ws>#ISSUER#<issuer>#OFFERING / pad(id)
//	investment               WS#<ws>#INVESTMENT              pad(id)           GSI1 WS#<ws>#OFFERING#<o>#INVESTMENT / pad(id)
//	                                                                           GSI2 WS#<ws>#INVESTOR#<i>#INVESTMENT / pad(id)
//	                                                                           GSI3 WS#<ws>#STATUS#<status> / pad(offering)#pad(id)
//	                                                                           GSI4 WS#<ws>#REF#<reference_id> / pad(id)
//	investor                 WS#<ws>#INVESTOR                pad(id)           GSI1 WS#<ws>#USER#<u>#INVESTOR / pad(id)
//	investor in offering     WS#<ws>#OFFERING#<o>#INVESTOR   pad(investor)
//	investor of issuer       WS#<ws>#ISSUER#<i>#INVESTOR     pad(investor)     + the investor's issuer-level counters (scopeagg.go)
//	entity                   WS#<ws>#ENTITY                  pad(id)
//	user                     WS#<ws>#USER                    pad(id)           GSI1 WS#<ws>#ISSUERUSER / pad(id) (issuer users only: sparse)
//	user e-mail (unique)     WS#<ws>#USEREMAIL#<lower email> UNIQUE            attribute id
//	offering totals          WS#<ws>#OFFERINGAGG             pad(offering)     committed/received/invested _amount _count _investors, nonaccredited_investors
//	issuer totals            WS#<ws>#SCOPEAGG                ISSUER#pad(i)     committed/received/invested _amount _count _investors (scopeagg.go)
//	workspace totals         WS#<ws>#SCOPEAGG                WORKSPACE         the same
//	investor in workspace    WS#<ws>#INVESTORCOUNT           pad(investor)     the investor's workspace-level counters: committed, received, invested, v
//	investment activity      WS#<ws>#OFFERING#<o>#ACTIVITY   <UTC time>#<created|received|invested>#pad(id)   attribute id (dayindex.go)
//	  (investor in offering, above, also holds the investor's counters: committed, received, invested, committed_amount, non_accredited, v)
//	ledger                   WS#<ws>#LEDGER                  CEILING#<reg>#ISSUER#pad(i) | REGCF#<person>   days (UTC date → price sold), v (ledger.go)
//	audit record             WS#<ws>#AUDIT#<KIND>#<id>       <at>#<seq>        kind INVESTMENT|OFFERING; action, from, to, actor, at
//	idempotency record       WS#<ws>#IDEMPOTENCY#<caller>    <Idempotency-Key> fingerprint, done, status, body; ttl (24 h)
//
// # Access patterns
//
//   - API key → principal: GetItem WS#<ws> / KEY#<hash> (the key names its workspace).
//   - one offering, investment, investor, entity, user: GetItem by PK + pad(id).
//   - offerings of a workspace: Query WS#<ws>#OFFERING; of an issuer: Query GSI1.
//   - investments of a workspace: Query WS#<ws>#INVESTMENT; of an offering: GSI1;
//     of an investor: GSI2; by status (optionally within an offering,
//     begins_with pad(o)): GSI3; by reference_id: GSI4.
//   - investors of a workspace: Query WS#<ws>#INVESTOR; of a user: GSI1; of an
//     offering or issuer (what an offering- or issuer-scoped key may see):
//     Query the link partition, then BatchGet.
//   - the issuer's users (/api/users/): Query GSI1 WS#<ws>#ISSUERUSER.
//   - user by e-mail: GetItem on the uniqueness item.
//
// # Identities, workspaces, memberships, invitations, trades (identity*.go, trades.go)
//
//	item                      PK                                  SK                   GSIs / attributes
//	workspace (company)       WS#<ws>                             META                 id=<ws>, company_id (int), member_count
//	membership                WS#<ws>                             MEMBER#<clerk user>  GSI1 IDENTITY#<clerk user>#MEMBERSHIP / <ws>
//	invitation                WS#<ws>                             INVITATION#<uuid>    GSI1 INVITEE#<lower email> / <ws>#<uuid> (pending only: sparse)
//	pending invitation (uniq) WS#<ws>#INVITEEMAIL#<lower email>   UNIQUE               id
//	identity (Clerk user)     IDENTITY#<clerk user>               META                 id (int), uuid, settings, active_ws
//	identity e-mail (lookup)  IDENTITY#EMAIL#<lower email>        UNIQUE               clerk_id
//	trade                     IDENTITY#<clerk user>#TRADE         TRADE#<trade_id>
//	Clerk organisation lookup CLERKORG#<org id>                   WORKSPACE            ws
//	global id counter         GLOBAL                              COUNTER#<kind>       n (workspace, identity, membership, trade)
//	webhook receipt           WEBHOOK#<svix-id>                   RECEIPT              ttl
//
// The exception to "every partition key starts with WS#": a Clerk user is a
// global identity that belongs to no tenant (one person, many workspaces),
// so the identity, its e-mail lookup, its own trades and per-user settings
// are keyed IDENTITY#; what ties a user to a tenant (membership,
// invitation) lives in the workspace's partition. Clerk organisation ids,
// global counters and Svix receipts are lookups that precede knowing the
// tenant. No request reaches another tenant's WS# items through them: a
// workspace is read only after the caller's membership in it is read.
//
//   - session → identity: GetItem IDENTITY#<sub>; active workspace: token's
//     org via CLERKORG#<org>, or identity.active_ws; membership: GetItem
//     WS#<ws> / MEMBER#<sub> (consistent); role → auth group permissions.
//   - the caller's workspaces: Query GSI1 IDENTITY#<sub>#MEMBERSHIP, then
//     BatchGet WS#<ws>/META; a workspace's users: Query WS#<ws> begins_with
//     MEMBER#, then BatchGet IDENTITY#…/META.
//   - invitation: GetItem WS#<ws> / INVITATION#<uuid>; an invitee's pending
//     invitations at sign-in: Query GSI1 INVITEE#<email>.
//   - membership + member_count, invitation + uniqueness item, acceptance
//     (membership, count, invitation status, uniqueness removal), identity
//     with its e-mail lookup, workspace with its CLERKORG lookup: one
//     transaction each.
//   - a webhook delivery: conditional Put of WEBHOOK#<svix-id> (replay →
//     condition fails → acknowledged, not applied); deleted if applying fails.
//
// Access patterns of the seed 000 write side (issue 5):
//
//   - offering running totals: BatchGet WS#<ws>#OFFERINGAGG / pad(o) —
//     InvestingStore.OfferingAggregates.
//   - the summary without filters: the scope's totals, one GetItem —
//     WS#<ws>#OFFERINGAGG / pad(o) for an offering key, WS#<ws>#SCOPEAGG /
//     ISSUER#pad(i) for an issuer key, WS#<ws>#SCOPEAGG / WORKSPACE
//     otherwise (InvestingStore.ScopeAggregate); distinct investors
//     across offerings are maintained there on write, so nothing per
//     investor is read.
//   - the summary's *_today lines: per offering in scope, Query
//     WS#<ws>#OFFERING#<o>#ACTIVITY BETWEEN today's local midnight and the
//     next, as UTC instants; then one BatchGet of the investments named —
//     InvestingStore.InvestmentsActiveIn. Status and the times are read
//     from the investments, so only the writes that set a time touch the
//     index.
//   - an investor's counters in an offering: GetItem on the link item.
//   - an offering's investments in one status (escrow close, refunds): GSI3
//     begins_with pad(o)#.
//   - the rolling-12-month units of a sale (the issuer's ceiling, the Reg CF
//     person): GetItem WS#<ws>#LEDGER / <ledger key> (ledger.go).
//   - an object's audit trail: Query WS#<ws>#AUDIT#<KIND>#<id>.
//   - a POST's first answer: GetItem WS#<ws>#IDEMPOTENCY#<caller> / key.
//
// # Profiles, seed 002 (profiles.go, ratelimit.go; issue 13)
//
//	item                  PK                         SK                    GSIs / attributes
//	profile               WS#<ws>#PROFILE            pad(id)               GSI1 WS#<ws>#USER#<u>#PROFILE / pad(id); tin {last4, ct, dek, kek}, version
//	profile id counter    WS#<ws>                    COUNTER#profile       n
//	W-9 document job      WS#<ws>#DOCJOB             W9#pad(profile)       input (model.W9Input JSON, TIN masked), version, status, enqueued_at;
//	                                                                       while pending: GSI1 DOCJOBS#PENDING / <enqueued_at RFC3339Nano>#<ws>#pad(profile)
//	W-9 state             WS#<ws>#DOCUMENT           W9#pad(profile)       model.W9State (written by the documents worker)
//	bank account (active) WS#<ws>#BANKACCOUNT        pad(profile)          account_type, routing_number, account_number {last4, ct, dek, kek}, seq
//	profile audit record  WS#<ws>#AUDIT#PROFILE#<id> <at>#<seq>            create, update, link_bank_account, replace_bank_account (masked)
//	token bucket          WS#<ws>#RATELIMIT          <actor>#<group>       tokens, at (Unix ns), ttl
//
// DOCJOBS#PENDING is the one partition key outside a tenant's WS#
// prefix here, and only in GSI1: the documents worker finds every
// workspace's pending jobs with one Query of it (never a Scan), and its
// sort key carries ids and a time, no tenant data. A job stops being
// pending by losing its GSI1 keys, so the index holds only work to do.
//
//   - one profile: GetItem; a user's profiles: Query GSI1; a workspace's:
//     Query WS#<ws>#PROFILE; the session's own user: GetItem on the e-mail
//     uniqueness item.
//   - create: one transaction of the profile (attribute_not_exists), the
//     job (Put: one per profile, a newer version overwrites), an audit
//     record, and with user_id null the user and its e-mail uniqueness
//     item; or a ConditionCheck that the named user exists.
//   - update: the profile (condition version = read), the job, an audit
//     record.
//   - bank account: one transaction of a ConditionCheck on the profile,
//     the account (attribute_not_exists, or seq = the replaced one's) and
//     an audit record naming both accounts masked.
//   - rate limit: GetItem (consistent) of the caller's bucket, then Put
//     with the condition that its at did not move (or it did not exist);
//     a lost race re-reads. ttl drops buckets once they would be full.
//
// # Scheduled work (schedule.go)
//
//	item                      PK                        SK                             attributes
//	scheduler index entry     SCHEDULE#OFFERINGS        <ws>#pad(offering)             ws, offering, active
//	send record               WS#<ws>#SENT#<offering>   <kind>#<period>#<subject>      status pending|sent|failed|dead, token,
//	                                                                                   lease_until, attempts, last_run, recipient,
//	                                                                                   investment, final, message_id; ttl
//	                                                                                   dead only: mail, dead_at,
//	                                                                                   GSI1 SENDS#DEAD / <ws>#pad(o)#<key> (sparse)
//
// The reminders and summaries functions run hourly for every workspace;
// they are not requests and carry no tenant. SCHEDULE#OFFERINGS is their
// index of work: one global partition naming (workspace, offering) pairs
// and whether any reminder or summary setting is on — keys and a flag, no
// tenant data. It is written with every offering write (in
// CreateOffering's and UpdateOffering's transaction, and by PutMissing
// after an import), and read once per run with a Query (filter active), so
// the functions never Scan. One partition is enough: it is written only
// when an offering changes and read twice an hour. Everything read after
// it is keyed WS#<ws>… like any request's reads.
//
//   - offerings with scheduled work: Query SCHEDULE#OFFERINGS (filter
//     active = true), then BatchGet WS#<ws>#OFFERING per workspace.
//   - reminder candidates: GSI3 WS#<ws>#STATUS#started / not_received,
//     begins_with pad(o)#.
//   - what was already sent for an offering: Query WS#<ws>#SENT#<o>,
//     begins_with <kind># (consistent).
//   - one send: conditional Put of the send record (attribute_not_exists)
//     BEFORE SES, then an Update to sent (or failed) conditioned on the
//     claim's token; a failed record, or a pending one whose lease ran out
//     (the run died between the record and SES), is claimed again by a
//     conditional Update. See package schedule for the reasoning.
//   - per-status counts of an offering for the summaries: COUNT Query of
//     GSI3 per status.
//   - a send whose attempts are used up: Update to dead with the message
//     it could not send and GSI1 keys SENDS#DEAD, so the operators' tool
//     lists every workspace's dead sends with one Query of GSI1
//     (ScheduleStore.DeadSends) and retries one by its key
//     (ScheduleStore.ReviveSend removes the GSI1 keys). The partition is global like SCHEDULE#OFFERINGS and, like
//     it, read by operators only, never by a request.
//
// # Writes
//
// Every write of an investment is one TransactWriteItems: the investment
// (Put, condition version = the version read, or attribute_not_exists on
// create), the investor-in-offering link with the investor's counters
// (Update, condition v = read), the offering totals (Update ADD; on create
// with the condition committed_amount <= maximum_amount_raised − amount,
// and for 506(b) nonaccredited_investors < 35 when this investor is the
// new one), the investor's issuer- and workspace-level counters (Update,
// condition v = read; the issuer level is the investor-of-issuer link,
// written on every create) and the issuer's and workspace's totals
// (Update ADD), on create a ConditionCheck that the offering's version did
// not move, and one audit record per step. So concurrent investments
// never over-raise: each condition is checked against the committed total
// at commit time, and racing transactions are retried. Investor counts
// move only on 0↔1 transitions of the investor's counters. The workspace
// totals item is in every investment write of the workspace: concurrent
// writes of one workspace conflict on it and are retried (run), and one
// item's write throughput (about 1,000 WCU/s, a transactional write costs
// 2) bounds a workspace's investment writes to a few hundred per second. Offerings, investors (+ entities) and users are Put with a
// version condition; a user's e-mail uniqueness item moves in the same
// transaction as the user. RebuildAggregates recomputes an offering's
// totals and counters from its investments (GSI1); PutMissing runs it for
// every imported offering, then RebuildScopeAggregates, which recomputes
// the issuer and workspace counters and totals from every offering's
// totals and link partition (and rewrites only counters that differ).
// PutMissing finds what the table already holds with a keys-only Query of
// each partition the import writes many items to (BatchGet for the rest,
// and for a partition much larger than the import's share of it), writes
// the rest in 25-item BatchWriteItems, and rebuilds offerings side by
// side, each with at most importWorkers requests in flight (bulk.go).
//
// The activity index (dayindex.go) is keyed by the UTC instant of each
// event time of an investment (created_at, received_at, invested_at), not
// by a local calendar date: "today" in an offering's default_timezone is
// the range [local midnight, next local midnight) of instants, so one
// key design serves every zone, DST days and zones off the hour, and a
// PATCH of default_timezone needs no rebuild (a date-keyed index would
// have to move every past entry by the shift, outside the PATCH's
// transaction). Its entries are Put in the transaction that sets the time
// (CreateInvestment; UpdateInvestment for receive, invest and any change
// of a time, which also Deletes the entry the time moved from), and by
// PutMissing for imported investments (idempotent puts of missing items).
// RebuildActivity re-puts an offering's entries from its investments, for
// tables written before the index existed. The per-offering partition
// adds no hot spot the aggregate item does not already have: every
// investment write updates that one item.
//
// # Lists (feed.go, snapshot.go)
//
// Lists, values and summaries do not query per request: they select from
// package readmodel's in-memory copy of the workspace, built once per
// process by LoadWorkspace (parallel consistent range Queries of each
// kind's partition, split by id) and kept fresh by the change feed:
//
//		feed head     WS#<ws>#CHANGES    HEAD             seq
//		feed entry    WS#<ws>#CHANGES    E#<seq, 16 digits>  refs (kind:id, or reset); ttl 7 days
//
//	  - every transaction writing an offering, investment, investor, entity
//	    or user advances the head (condition seq = N) and puts entry N+1
//	    naming what it wrote (txn.changed); an import appends a reset entry.
//	  - a request's sync: one consistent Query WS#<ws>#CHANGES BETWEEN
//	    E#<seq+1> and the last entry key (reads nothing when nothing
//	    changed), then consistent BatchGets of the objects named (LoadRefs).
//
// # Aggregates and the core (store.go)
//
// The table is one, its storage is split by aggregate: one exported type
// per aggregate, each struct{ *core } with the methods of its items, and
// an unexported core with only what they all share.
//
//	type              items                                                       files
//	core              the table; write transactions (txn: tagged conditions,      writes.go, store.go, and the core's
//	                  change feed entry, retried conflicts), Retry, versionCond,  methods in workspace.go (id counters),
//	                  the write errors; id counters; point, batch and query       identity.go (nextGlobal), seed000.go
//	                  reads; the batch writer; the feed head and append           (getOne, batchGet), query.go (queryAll),
//	                                                                              bulk.go (putAll), feed.go (FeedHead)
//	IdentityStore     identities + e-mail lookups, workspaces + Clerk org         identity*.go, workspace.go
//	                  lookups + operator names, memberships, seed 004
//	                  invitations, webhook receipts
//	APIKeyStore       API keys                                                    apikeys.go
//	OfferingStore     offerings, issuers                                          write_offerings.go, seed000.go, query.go
//	InvestingStore    investments, offering/issuer/workspace totals, holdings     write_investments.go, write_totals.go,
//	                  and investor links, ledgers, activity index                 scopeagg.go, ledger.go, dayindex.go, limits.go
//	InvestorStore     investors, entities; which investors a scope sees           write_investors.go, seed000.go, query.go
//	UserStore         users (seed 000 and 001: one record), e-mail uniqueness,    write_users.go, users001.go
//	                  seed 001 user invitations, login tokens
//	GroupStore        user groups, members, leads, shell invitations              usergroups.go
//	FormStore         forms, implementations                                      forms.go
//	ProfileStore      profiles, bank accounts                                     profiles.go
//	DocumentStore     W-9 jobs and states                                         documents.go
//	TradeStore        trades                                                      trades.go
//	ScheduleStore     the scheduled functions' index, send records                schedule.go
//	IdempotencyStore  Idempotency-Key records (httpapi.Idempotent's storage)      idempotency.go
//	AuditStore        audit trail reads (each write appends its own records)      audit.go
//	RateLimitStore    token buckets                                               ratelimit.go
//	MailKeyStore      unsubscribe-link keys                                       unsubscribe.go
//	ImportStore       an import's bulk writes                                     bulk.go
//	ReadModelStore    the change feed's reads, workspace and ref loads            feed.go, snapshot.go
//
// What one transaction writes together is one aggregate: a sale moves the
// investment, three levels of totals, the holdings, the ledgers and the
// activity index at once, so investing is one type. The workspace item is
// the identity aggregate's, not the API keys': its member_count moves in
// the membership and invitation transactions and its organisation lookup
// in its create.
//
// DB embeds the core and every aggregate, so each aggregate's methods are
// promoted to it and callers and tests that hold a *DB are unchanged. It
// stays the composition root (New builds it; app.Deps carries it) and the
// read side's handle: package readmodel, the lists and exports read
// across aggregates. Services of the write side take *DB in their
// constructors but keep only the aggregates they use, so a service's
// fields say what it may touch. The types are named <Aggregate>Store
// because DB has methods named Workspaces, Forms, Trades, Members, ...:
// an embedded field with such a name would hide the promoted method.
//
// Inside this package one aggregate never calls another's methods
// through promotion (each method's receiver is its own type): it converts
// to the other type, InvestingStore(db).RebuildAggregates(...). Where a
// transaction of one aggregate must join an item of another, the join is
// one of these, and deliberate:
//
//   - a ConditionCheck that a user exists (UserStore.checkUser) in group,
//     investor and profile writes; a profile created without a user
//     creates the user record and its e-mail item in its transaction.
//   - a sale's ConditionCheck on the offering's version; an offering's
//     create puts its zero totals item (InvestingStore's) and every
//     offering write its ScheduleStore index entry (schedulePut).
//   - a shell invitation's acceptance takes over its group
//     (GroupStore.shellTakeover in IdentityStore.AcceptInvitations). The
//     invitation item and its pending-e-mail uniqueness item are shared by
//     seed 004 invitations (IdentityStore), seed 001 user invitations
//     (UserStore) and shell invitations (GroupStore), one kind of item
//     with more fields each; IdentityStore accepts and deletes them.
//   - reads: a ledger rebuild reads offerings and investors, the scope
//     totals' rebuild issuers, InvestorGraphs users, and the investor
//     visibility reads the links InvestingStore writes.
//   - an import writes every kind of item, then has InvestingStore,
//     ScheduleStore and ReadModelStore rebuild what they derive.
//
// writes.go is the transaction core; each aggregate's writes have a
// file: write_offerings.go, write_investments.go (with write_totals.go,
// the running totals and holdings one investment write moves),
// write_investors.go, write_users.go; audit.go the audit trails;
// idempotency.go the Idempotency-Key records (httpapi.Idempotent is their
// HTTP side).
//
// # User groups (usergroups.go, seed 001)
//
//	group         WS#<ws>#UGROUP                  <id, 12 digits>
//	member        WS#<ws>#UGROUP#<id>#MEMBER      <user, 12 digits>   GSI1 WS#<ws>#USER#<user>#UGROUP / <id>
//	lead          WS#<ws>#UGLEAD#<lead uuid>      UNIQUE              id (one group per lead; by-lead lookup)
//
// Group lists are not in the read model: a list request is one Query of
// the workspace's group partition, a members list one Query of the
// group's. A group and its members are one transaction; membership
// changes bump the group's version so a versioned group Put never loses
// them. A shell invitation is a seed 004 invitation with shell_group and
// shell_user; AcceptInvitations adds the takeover to its transaction.
//
// A request path never scans. Items read are counted per request (see
// Stats) so the X-Tranche-Plan header shows what a list cost, the sync and
// any cold build included.
//
// # W-9 documents (documents.go, issue 13)
//
//		document job  WS#<ws>#DOCJOB    W9#pad(profile)  input (model.W9Input JSON, TIN masked), version, status, enqueued_at
//		                                                 GSI1 DOCJOBS#PENDING / <enqueued_at RFC 3339 nano>#<ws>#pad(profile) (pending only: sparse)
//		W-9 state     WS#<ws>#DOCUMENT  W9#pad(profile)  model.W9State: version, share_uuid, object_key, sha256, generated_at, signature
//
//	  - the worker's sweep: one Query of GSI1 DOCJOBS#PENDING, oldest first.
//	    This is the one partition key that does not start with WS#: it
//	    exists only in the index, only while a job is pending, and carries
//	    ids (workspace, profile, version), no tenant data; no route reads it.
//	  - a job or state by profile: GetItem. The state is written only by a
//	    newer version (condition on version and share_uuid), the job marked
//	    done only if still the version rendered, the signature only once and
//	    only for the hash shown.
package store
