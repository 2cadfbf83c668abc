package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

const eventFile = "../../events/user-groups-list.json"

// TestSampleEvent feeds events/user-groups-list.json, with a real session
// token in place of ${SESSION_TOKEN}, through the function's handler and
// the proxy adapter, as lambda.Start does: 401 without the token, the
// workspace's groups (ordered by member count) with it.
func TestSampleEvent(t *testing.T) {
	b, err := os.ReadFile(eventFile)
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Headers["authorization"] != "Bearer ${SESSION_TOKEN}" {
		t.Fatalf("authorization placeholder: %q", ev.Headers["authorization"])
	}
	ep := storetest.Endpoint(t)
	db := storetest.New(t)
	sess := sessiontest.New(t)
	ctx := context.Background()
	ws, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: "Sample", Type: "active", Country: "US", ClerkOrgID: "org_sample"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: "user_sample", Email: "sample@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutMembership(ctx, ws.ID, "user_sample", store.RoleOwner, ""); err != nil {
		t.Fatal(err)
	}
	var users []int64
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		u := &model.User{Email: e, DateJoined: model.NewTime(time.Now()), IsActive: true}
		if err := db.CreateUser(ctx, ws.ID, u); err != nil {
			t.Fatal(err)
		}
		users = append(users, u.ID)
	}
	now := model.NewTime(time.Now())
	small := &store.UserGroup{Name: "Small", LeadUser: &users[0], LeadUUID: model.UserUUID(ws.ID, users[0]), CreatedAt: now, UpdatedAt: now}
	if err := db.CreateUserGroup(ctx, ws.ID, small, []store.UserGroupMember{{User: users[0], Role: "admin", JoinedAt: now}}); err != nil {
		t.Fatal(err)
	}
	big := &store.UserGroup{Name: "Big", LeadUser: &users[1], LeadUUID: model.UserUUID(ws.ID, users[1]), CreatedAt: now, UpdatedAt: now}
	if err := db.CreateUserGroup(ctx, ws.ID, big, []store.UserGroupMember{{User: users[1], Role: "admin", JoinedAt: now}, {User: users[2], Role: "member", JoinedAt: now}}); err != nil {
		t.Fatal(err)
	}

	env := map[string]string{
		"TABLE_NAME": db.Name(), "AWS_ENDPOINT_URL": ep, "LOG_LEVEL": "error",
		"CLERK_JWKS_URL": sess.JWKSURL, "CLERK_ISSUER": sessiontest.Issuer,
	}
	h, err := run(ctx, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	proxy := httpadapter.NewV2(h).ProxyWithContext
	anon := ev
	anon.Headers = map[string]string{}
	for k, v := range ev.Headers {
		if k != "authorization" {
			anon.Headers[k] = v
		}
	}
	if resp, err := proxy(ctx, anon); err != nil || resp.StatusCode != 401 {
		t.Fatalf("without a token: %v %+v", err, resp)
	}
	ev.Headers["authorization"] = strings.ReplaceAll(ev.Headers["authorization"], "${SESSION_TOKEN}", sess.Token(t, "user_sample", ""))
	resp, err := proxy(ctx, ev)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %+v", err, resp)
	}
	var page struct {
		Count   int
		Results []model.UserGroupView
	}
	if err := json.Unmarshal([]byte(resp.Body), &page); err != nil {
		t.Fatal(err)
	}
	if page.Count != 2 || page.Results[0].Name != "Big" || page.Results[0].MemberCount != 2 {
		t.Fatalf("groups: %s", resp.Body)
	}
}

func TestStartUpWithoutClerk(t *testing.T) {
	env := map[string]string{"TABLE_NAME": "t", "AWS_ENDPOINT_URL": "http://localhost:1"}
	if _, err := run(context.Background(), func(k string) string { return env[k] }); err == nil {
		t.Fatal("started without CLERK_JWKS_URL")
	}
}
