// Package schedule is the work of Tranche's two scheduled functions,
// reminders and summaries. EventBridge Scheduler invokes each hourly with
// an EventBridge-shaped event whose time is the run's clock ("now").
//
// # What is sent
//
// Both visit the offerings of store.ScheduledOfferings (the scheduler's
// index: no Scan) and act per offering, with its settings and its
// default_timezone.
//
// Reminders (opened offerings), to the investor's user e-mail, unless the
// investor has receive_emails off:
//   - investment reminder: an investment still "started" gets reminder n
//     in the n-th window of investment_email_reminder_period days after its
//     created_at, [created + n·period, created + (n+1)·period), for n = 1 …
//     investment_email_reminder_max_sent. A window missed entirely (no run
//     succeeded in it) is skipped rather than sent late, so an investor
//     never gets two reminders at once and never more than max_sent.
//   - wire reminder: the same over wire_email_reminder_period / _max_sent
//     for a wire investment (requested_payment_method or payment_method
//     "wire") not yet received (received_at unset, status started or
//     not_received).
//   - one reminder per investment per run: a wire investment still
//     started that is in a window of both rules gets the wire reminder
//     only (the more specific: it says what is missing and how to send it).
//
// Summaries (opened and paused offerings), to the offering's recipients
// (comma-separated; see recipients for the fallbacks):
//   - no period summary covers only time before the offering opened
//     (opened_at, else created_at): a new offering's first summary is of
//     the day, or week, it opened in.
//   - daily (daily_summary_emails): the previous local day, due from 08:00
//     in default_timezone. It goes out in the 08:00 run; a later run the
//     same local day only catches up a send that failed or was missed.
//   - weekly (weekly_summary_emails): the previous ISO week (Monday to
//     Sunday, local), due from Monday 08:00, caught up within the week.
//   - per-investment summary (per_investment_summary_emails) and the
//     high-value "investment started" alert (email_investment_started_high_value,
//     amount ≥ email_investment_started_threshold): investments created
//     since the last run. The look-back is LookBack, not one hour, so a
//     run that failed or was skipped is caught up; the send records keep
//     each one to one e-mail per recipient. The seed has no recipients
//     setting of the high-value alert's own, so it goes to the standing
//     summary recipients (daily_summary_recipients, then contact_email),
//     not to per_investment_summary_recipients.
//   - user_sent_max_monitoring (user_sent_max_monitoring_emails): when the
//     last reminder an offering allows (max_sent) has gone to an investor,
//     or is dead (it never went out: all the more reason to follow up),
//     one alert per investment and reminder kind.
//
// # What an e-mail looks like
//
// Every e-mail is rendered from templates (render.go, templates/): text
// and HTML parts, one template per kind inside a layout with the
// offering's branding (logo, accent colours). Investor-facing mail
// (reminders) comes from `"<email_sender_name>" <MAIL_FROM>` with Reply-To
// support_email, greets the investor by the best name known (investing
// entity, own entity, then user), says "This is the last reminder" before
// the signature, and, when the runner has an unsubscribe URL, links to it
// and carries List-Unsubscribe with one-click POST. Issuer-facing mail
// (summaries, alerts) comes from and is signed by Tranche, not by the
// issuer to itself. Amounts are currency ($75,000.00) from the decimal,
// never a float; no tax id, bank or account number is ever shown.
//
// # Exactly once per period per recipient
//
// Every e-mail has a send record, WS#<ws>#SENT#<offering> /
// <kind>#<period>#<subject> (store.Send), written BEFORE SES is called:
//
//  1. claim: a conditional Put (attribute_not_exists) with status
//     pending, a random token and a lease (Lease). Only one run can
//     create it; a second run in the same period finds it and sends
//     nothing.
//  2. send through SES.
//  3. on success an Update to sent, conditioned on the token; on an SES
//     error an Update to failed (same condition).
//
// A record is claimed again (conditional Update, token replaced) only when
// it is failed — SES said no, so nothing went out — or pending with its
// lease run out: the run that wrote it died between the record and SES (a
// crash, a timeout), and the lease is longer than the function's 5-minute
// timeout, so that run is surely gone. A sent record is never claimed
// again, so a completed send is never repeated; a crash before SES is
// retried by the next hourly run.
//
// # Nothing lost
//
// Attempts count per run, not per invocation: a claim by the run whose
// clock last claimed the record (Lambda's retries of a failed run, which
// carry the same scheduled time) uses no attempt; a later run uses one.
// After store.MaxSendAttempts runs (five hours of SES outage) a send that
// still fails is recorded dead, with the rendered message it could not
// send, logged at error level with its key (WORKSPACE/OFFERING/KIND#…),
// and counted in the run's DeadSends metric (metrics.go: CloudWatch
// Embedded Metric Format on stdout), which the stack alarms on. A pending
// record whose last attempt died is recorded dead the same way. `tranche
// mail failed` lists dead records (GSI1 SENDS#DEAD), and `tranche mail
// retry KEY|--all` sends the stored message once (Runner.Retry: the same
// claim, so retries never duplicate). A dead last reminder still raises
// the user_sent_max_monitoring alert.
//
// The one window this cannot close is a crash after SES accepted the
// message and before the record says sent: SES v2 has no idempotency key,
// so the system cannot know whether the e-mail left. That record is
// retried when its lease runs out, which may duplicate that one e-mail.
// The window is a single DynamoDB write, which is retried a few times
// with a context detached from the invocation's deadline, to keep it
// narrow. Preferring a possible duplicate over a lost reminder is the
// design's choice (DESIGN.md: a crash between the two is retried).
//
// Records carry a TTL past the end of their period (reminders: past the
// last window; summaries: weeks), so the partition stays small and an
// expired record can no longer be due.
package schedule
