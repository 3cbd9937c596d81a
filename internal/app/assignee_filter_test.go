package app_test

import (
	"slices"
	"testing"
)

// TestAssigneeFilter: the list's assignee filter takes a member's id, "me"
// and "none" (nobody assigned), and an unknown member lists nothing.
func TestAssigneeFilter(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		chat := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1",
			"message": msg("a-1", "Is the drill in stock?")})["conversation"].(map[string]any)["id"].(string)
		ticket := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77",
			"subject": "Broken chuck", "message": msg("a-2", "The chuck is broken.")})["conversation"].(map[string]any)["id"].(string)
		e.must(200, "PATCH", "/api/v1/conversations/"+chat, w.owner, map[string]any{"assignee": "manager"})

		ids := func(query, token string) []string {
			t.Helper()
			var out []string
			for _, it := range e.must(200, "GET", "/api/v1/conversations?"+query, token, nil)["items"].([]any) {
				out = append(out, it.(map[string]any)["id"].(string))
			}
			slices.Sort(out)
			return out
		}
		for _, c := range []struct {
			name, query, token string
			want               []string
		}{
			{"Any", "side=seller", w.owner, []string{chat, ticket}},
			{"Member", "assignee=manager", w.owner, []string{chat}},
			{"Me", "assignee=me", w.manager, []string{chat}},
			{"MeNothing", "assignee=me", w.owner, nil},
			{"None", "assignee=none", w.owner, []string{ticket}},
			{"NoneWithStatus", "assignee=none&status=open&kind=ticket", w.manager, []string{ticket}},
			{"UnknownMember", "assignee=nobody-here", w.owner, nil},
		} {
			want := slices.Clone(c.want)
			slices.Sort(want)
			if got := ids(c.query, c.token); !slices.Equal(got, want) {
				t.Errorf("%s: GET ?%s = %v, want %v", c.name, c.query, got, want)
			}
		}
		// Unassigning puts the chat back under "none".
		e.must(200, "PATCH", "/api/v1/conversations/"+chat, w.owner, map[string]any{"assignee": ""})
		want := []string{chat, ticket}
		slices.Sort(want)
		if got := ids("assignee=none", w.owner); !slices.Equal(got, want) {
			t.Errorf("after unassigning: ?assignee=none = %v, want %v", got, want)
		}
	})
}
