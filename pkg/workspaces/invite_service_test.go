package workspaces_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/workspaces"
)

// TestInvitationService drives seed 004's invitation rules without HTTP,
// on DynamoDB Local: a MEMBER may not invite an ADMIN, a member of the
// workspace and a second pending invitation are field errors on email, an
// e-mail that cannot be sent takes the invitation back (so the retry is
// not a duplicate), and the status tells whether the invitee has an
// identity.
func TestInvitationService(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	owner := sessiontest.Member(w.wsA.ID, "user_owner_a", store.RoleOwner)
	member := sessiontest.Member(w.wsA.ID, "user_member_a", store.RoleMember)
	admin, _ := auth.GroupOfRole(store.RoleAdmin)
	base := url.URL{Scheme: "https", Host: "api.tranche.test", Path: "/prod"}
	email := fmt.Sprintf("svc-%d@example.com", time.Now().UnixNano())

	var ae *apierr.Error
	if _, err := workspaces.NewInvitations(w.db, mailtest.Sender(t)).Invite(ctx, member, email, admin, base); !errors.As(err, &ae) || ae.Kind != apierr.Forbidden {
		t.Fatalf("a MEMBER invites an ADMIN: %v, want 403", err)
	}
	if _, err := workspaces.NewInvitations(w.db, mailtest.Sender(t)).Invite(ctx, owner, "member-a@example.com", admin, base); !errors.As(err, &ae) || len(ae.Fields["email"]) == 0 {
		t.Fatalf("inviting a member: %v, want a field error on email", err)
	}

	// The mail fails: the invitation is taken back, so the retry is not a
	// duplicate.
	if _, err := workspaces.NewInvitations(w.db, mailtest.Failing{}).Invite(ctx, owner, email, admin, base); err == nil || errors.As(err, &ae) {
		t.Fatalf("invite with a failing mailer: %v, want the mailer's error", err)
	}
	svc := workspaces.NewInvitations(w.db, mailtest.Sender(t))
	inv, err := svc.Invite(ctx, owner, email, admin, base)
	if err != nil {
		t.Fatalf("retry after the failed mail: %v", err)
	}
	mails := mailtest.To(t, email)
	if len(mails) != 1 || !strings.Contains(mails[0].Body.Text, "https://api.tranche.test/prod/invitations/"+inv.ID+"/accept/") {
		t.Fatalf("mails to the invitee: %+v", mails)
	}
	if _, err := svc.Invite(ctx, owner, strings.ToUpper(email), admin, base); !errors.As(err, &ae) || len(ae.Fields["email"]) == 0 {
		t.Fatalf("a second pending invitation: %v, want a field error on email", err)
	}

	st, err := svc.Status(ctx, owner, inv.ID)
	if err != nil || st.Existing || st.Invitation.Status != store.InvitationPending || st.Workspace.ID != w.wsA.ID {
		t.Fatalf("status: %+v, %v", st, err)
	}
	if _, err := svc.Status(ctx, sessiontest.Member(w.wsB.ID, "user_owner_b", store.RoleOwner), inv.ID); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("another workspace reads the invitation: %v, want not found", err)
	}
	if _, err := w.db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: "user_svc_invitee", Email: email}); err != nil {
		t.Fatal(err)
	}
	if st, err := svc.Status(ctx, owner, inv.ID); err != nil || !st.Existing {
		t.Fatalf("status once the invitee signed up: %+v, %v", st, err)
	}
}
