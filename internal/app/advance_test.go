package app_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
)

// TestAdvanceMatchesDatabase checks conversation.Advance, which the hub uses
// to send conversation.updated after a message without a query, against
// the conversation read from the database, for every party, through a run
// of messages from both sides, reads, a reopening and a manual unread.
func TestAdvanceMatchesDatabase(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		viewers := map[string]string{"buyer": w.buyer, "owner": w.owner, "manager": w.manager}
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("adv-0", "hello")})
		id := st["conversation"].(map[string]any)["id"].(string)
		read := func(token string) parley.Conversation {
			t.Helper()
			var c parley.Conversation
			if err := json.Unmarshal(e.call("GET", "/api/v1/conversations/"+id, token, nil).Body, &c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		views := map[string]parley.Conversation{}
		for v, tok := range viewers {
			views[v] = read(tok)
		}
		type step struct {
			who    string // the author of a message, or of the action
			action func() *parley.Message
		}
		n := 0
		send := func(who string) func() *parley.Message {
			return func() *parley.Message {
				n++
				r := e.call("POST", "/api/v1/conversations/"+id+"/messages", viewers[who], msg(fmt.Sprintf("adv-%d", n), "message "+fmt.Sprint(n)))
				if r.Status != 201 {
					t.Fatalf("send as %s = %d %s", who, r.Status, r.Body)
				}
				var m parley.Message
				json.Unmarshal(r.Body, &m)
				return &m
			}
		}
		act := func(method, path string, token string, body any, status int) func() *parley.Message {
			return func() *parley.Message {
				e.must(status, method, path, token, body)
				return nil
			}
		}
		steps := []step{
			{"buyer", send("buyer")},
			{"owner", send("owner")},
			{"manager", send("manager")},
			{"owner", act("POST", "/api/v1/conversations/"+id+"/read", w.owner, map[string]any{"seq": 4}, 204)},
			{"buyer", send("buyer")},
			{"buyer", send("buyer")},
			{"owner", act("PATCH", "/api/v1/conversations/"+id, w.owner, map[string]any{"status": "solved"}, 200)},
			{"buyer", send("buyer")}, // reopens
			{"manager", act("PATCH", "/api/v1/conversations/"+id, w.manager, map[string]any{"unread": true}, 200)},
			{"owner", send("owner")},
			{"buyer", send("buyer")},
		}
		derived := 0
		for i, s := range steps {
			m := s.action()
			for v, tok := range viewers {
				now := read(tok)
				if m != nil {
					got, ok := conversation.Advance(views[v], *m, v)
					switch {
					case views[v].MarkedUnread:
						if ok {
							t.Errorf("step %d (%s), viewer %s: Advance of a conversation marked unread = ok, want a read", i, s.who, v)
						}
					case !ok:
						t.Errorf("step %d (%s), viewer %s: Advance not ok", i, s.who, v)
					default:
						derived++
						if g, w := asJSON(t, got), asJSON(t, now); !reflect.DeepEqual(g, w) {
							t.Errorf("step %d (%s), viewer %s:\nAdvance  %v\ndatabase %v", i, s.who, v, g, w)
						}
					}
				}
				views[v] = now
			}
		}
		if derived < 20 {
			t.Errorf("only %d views derived", derived)
		}
	})
}

func asJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	return m
}
