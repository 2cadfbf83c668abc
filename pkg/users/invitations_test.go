package users

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
	"github.com/tranche-dev/tranche/pkg/store"
)

func apiErr(t *testing.T, err error, kind apierr.Kind, field string) {
	t.Helper()
	var ae *apierr.Error
	if !errors.As(err, &ae) || ae.Kind != kind || (field != "" && len(ae.Fields[field]) == 0) {
		t.Fatalf("err = %v, want kind %d on %q", err, kind, field)
	}
}

// TestInvitationsService drives seed 001's invitation rules without HTTP,
// on DynamoDB Local with the SES emulator: who may invite an ADMIN, no
// invitation of a member, a failed e-mail takes the invitation back, the
// resend limits on the service's clock, and a login token is spent once,
// only in its workspace.
func TestInvitationsService(t *testing.T) {
	w := newWorld001(t, Exporter{Inline: DefaultInline}, time.Minute)
	ctx := context.Background()
	base := url.URL{Scheme: "https", Host: "api.tranche.test"}
	owner, memberA := sessiontest.Member(w.wsA.ID, "owner_a", store.RoleOwner), sessiontest.Member(w.wsA.ID, "member_a", store.RoleMember)
	admin, _ := auth.GroupOfRole(store.RoleAdmin)
	svc := NewInvitations(w.db, mailtest.Sender(t), time.Minute)
	clock := time.Now()
	svc.now = func() time.Time { return clock }

	addr := "svc-" + w.suffix + "@example.com"
	_, err := svc.Invite(ctx, memberA, &Invitee{Email: addr, Type: TypeInternal, Group: admin}, base)
	apiErr(t, err, apierr.Forbidden, "")
	_, err = svc.Invite(ctx, owner, &Invitee{Email: "member_a@example.com", Type: TypeInternal, Group: admin}, base)
	apiErr(t, err, apierr.Invalid, "email")

	failing := NewInvitations(w.db, mailtest.Failing{}, time.Minute)
	if _, err := failing.Invite(ctx, owner, &Invitee{Email: addr, Type: TypeUser}, base); err == nil || errors.As(err, new(*apierr.Error)) {
		t.Fatalf("invite with a failing mailer: %v, want the mailer's error", err)
	}
	inv, err := svc.Invite(ctx, owner, &Invitee{Email: addr, Type: TypeUser, FirstName: "Sam"}, base)
	if err != nil {
		t.Fatalf("retry after the failed mail: %v", err)
	}
	if ms := sentTo(t, addr); len(ms) != 1 || !strings.Contains(ms[0].Body.Text, "https://api.tranche.test/invitations/"+inv.ID+"/accept/") {
		t.Fatalf("mails: %+v", ms)
	}
	_, err = svc.Invite(ctx, owner, &Invitee{Email: strings.ToUpper(addr), Type: TypeUser}, base)
	apiErr(t, err, apierr.Invalid, "email")

	// Resends: within the gap 429; after it, sent; past MaxSends 429.
	_, err = svc.Resend(ctx, owner, inv.ID, base)
	apiErr(t, err, apierr.Throttled, "")
	for n := 2; n <= MaxSends; n++ {
		clock = clock.Add(time.Minute + time.Second)
		again, err := svc.Resend(ctx, owner, inv.ID, base)
		if err != nil || again.SentCount != n {
			t.Fatalf("resend %d: %+v, %v", n, again, err)
		}
	}
	clock = clock.Add(time.Hour)
	_, err = svc.Resend(ctx, owner, inv.ID, base)
	apiErr(t, err, apierr.Throttled, "")
	if n := len(sentTo(t, addr)); n != MaxSends {
		t.Fatalf("%d e-mails, want %d", n, MaxSends)
	}

	// Login tokens: a user outside the group is refused; a token is spent
	// once, and never from another workspace.
	grp := w.group(w.investor)
	_, err = svc.MintLoginToken(ctx, owner, w.plain, grp)
	apiErr(t, err, apierr.Invalid, "user")
	tok, err := svc.MintLoginToken(ctx, owner, w.investor, grp)
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Exchange(ctx, sessiontest.Member(w.wsB.ID, "owner_b", store.RoleOwner), tok.Token)
	apiErr(t, err, apierr.Invalid, "token")
	x, err := svc.Exchange(ctx, owner, tok.Token)
	if err != nil || x.User.ID != w.investor || x.Group != grp || x.ImpersonatedBy == "" {
		t.Fatalf("exchange: %+v, %v", x, err)
	}
	_, err = svc.Exchange(ctx, owner, tok.Token)
	apiErr(t, err, apierr.Invalid, "token")
}
