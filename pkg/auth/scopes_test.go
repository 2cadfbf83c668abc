package auth

import (
	"errors"
	"testing"
)

func TestScopes(t *testing.T) {
	if err := CheckScopes([]string{ScopeAccountsRead, ScopeAccountsWrite}); err != nil {
		t.Fatal(err)
	}
	if err := CheckScopes([]string{"accounts.admin"}); !errors.Is(err, ErrUnknownScope) {
		t.Fatalf("unknown scope: %v", err)
	}
	cases := []struct {
		have []string
		want string
		ok   bool
	}{
		{nil, ScopeAccountsRead, false},
		{[]string{ScopeAccountsRead}, ScopeAccountsRead, true},
		{[]string{ScopeAccountsRead}, ScopeAccountsWrite, false},
		{[]string{ScopeAccountsWrite}, ScopeAccountsRead, true},
		{[]string{ScopeAccountsWrite}, ScopeAccountsWrite, true},
	}
	for _, c := range cases {
		p := &Principal{KeyID: "k", Scopes: c.have}
		if p.HasScope(c.want) != c.ok {
			t.Errorf("%v has %s: want %v", c.have, c.want, c.ok)
		}
	}
}
