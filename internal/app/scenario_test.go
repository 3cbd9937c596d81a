package app_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// TestNewUserPath walks the foundation's "done when" path on both
// databases: host sync, JWT sign-in, a chat from a product page, the
// seller's manager answering, receipts, block and unblock, a ticket on a
// completed order, attachments and search.
func TestNewUserPath(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()

		// The buyer opens a chat from a product page.
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1",
			"page_url": "https://shop.example/p1", "message": msg("b-1", "Is the drill in stock?")})
		conv := st["conversation"].(map[string]any)
		id := conv["id"].(string)
		if got := conv["seller"].(map[string]any)["id"]; got != "acme" {
			t.Errorf("seller = %v, want acme", got)
		}
		if got := conv["context"].(map[string]any)["product"]; got != "p1" {
			t.Errorf("context.product = %v, want p1", got)
		}
		// Starting again from the same page appends to the open conversation.
		again := e.must(200, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1",
			"page_url": "https://shop.example/p1?ref=2", "message": msg("b-2", "And the battery?")})
		if got := again["conversation"].(map[string]any)["id"]; got != id {
			t.Fatalf("second start opened %v, want the same conversation %v", got, id)
		}
		if got := num(again["message"].(map[string]any)["seq"]); got != 2 {
			t.Errorf("appended seq = %d, want 2", got)
		}

		// The seller's manager sees it unread.
		list := e.must(200, "GET", "/api/v1/conversations?unread=true&side=seller", w.manager, nil)
		items := list["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("manager's unread list has %d items, want 1", len(items))
		}
		mc := items[0].(map[string]any)
		if num(mc["unread_count"]) != 2 || num(mc["their_read_seq"]) != 2 {
			t.Errorf("manager sees unread_count=%v their_read_seq=%v, want 2 and 2", mc["unread_count"], mc["their_read_seq"])
		}
		// ... and answers: sending moves the seller side's pointers.
		ans := e.must(201, "POST", "/api/v1/conversations/"+id+"/messages", w.manager, msg("m-1", "Yes, 12 in stock."))
		if num(ans["seq"]) != 3 || ans["author"].(map[string]any)["organization"].(map[string]any)["id"] != "acme" {
			t.Errorf("answer = %v, want seq 3 written as acme", ans)
		}
		// A retry returns the original, a reuse for other text conflicts.
		retry := e.must(200, "POST", "/api/v1/conversations/"+id+"/messages", w.manager, msg("m-1", "Yes, 12 in stock."))
		if retry["id"] != ans["id"] {
			t.Errorf("retry id = %v, want %v", retry["id"], ans["id"])
		}
		if r := e.call("POST", "/api/v1/conversations/"+id+"/messages", w.manager, msg("m-1", "other text")); r.Status != 409 || r.code() != "conflict" {
			t.Errorf("client_id reuse = %d %s, want 409 conflict", r.Status, r.Body)
		}
		// The buyer has one unread; the seller side read everything before.
		bc := e.must(200, "GET", "/api/v1/conversations/"+id, w.buyer, nil)
		if num(bc["unread_count"]) != 1 || num(bc["their_read_seq"]) != 3 {
			t.Errorf("buyer sees unread_count=%v their_read_seq=%v, want 1 and 3", bc["unread_count"], bc["their_read_seq"])
		}
		// The buyer reads: the seller sees ✓✓ (their_read_seq = 3).
		e.must(204, "POST", "/api/v1/conversations/"+id+"/read", w.buyer, map[string]any{"seq": 3})
		oc := e.must(200, "GET", "/api/v1/conversations/"+id, w.owner, nil)
		if num(oc["their_read_seq"]) != 3 || num(oc["their_delivered_seq"]) != 3 {
			t.Errorf("owner sees their_read_seq=%v delivered=%v, want 3", oc["their_read_seq"], oc["their_delivered_seq"])
		}
		// Pointers never move back.
		e.must(204, "POST", "/api/v1/conversations/"+id+"/read", w.buyer, map[string]any{"seq": 1})
		if bc := e.must(200, "GET", "/api/v1/conversations/"+id, w.buyer, nil); num(bc["my_read_seq"]) != 3 {
			t.Errorf("my_read_seq after reading 1 = %v, want 3", bc["my_read_seq"])
		}

		// The seller blocks the buyer: nobody can write, it moves to Blocked.
		blk := e.must(201, "POST", "/api/v1/blocks", w.manager, map[string]any{"user": "buyer"})
		e.must(200, "POST", "/api/v1/blocks", w.owner, map[string]any{"user": "buyer"})
		if r := e.call("POST", "/api/v1/conversations/"+id+"/messages", w.buyer, msg("b-3", "hello?")); r.Status != 403 || r.code() != "blocked" {
			t.Errorf("buyer writing while blocked = %d %s, want 403 blocked", r.Status, r.Body)
		}
		if n := len(e.must(200, "GET", "/api/v1/conversations?view=blocked", w.owner, nil)["items"].([]any)); n != 1 {
			t.Errorf("owner's blocked view has %d, want 1", n)
		}
		if n := len(e.must(200, "GET", "/api/v1/conversations", w.owner, nil)["items"].([]any)); n != 0 {
			t.Errorf("owner's active view has %d, want 0", n)
		}
		if r := e.call("POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "seller": "acme", "message": msg("b-4", "hi")}); r.Code() != "blocked" {
			t.Errorf("starting while blocked = %d %s, want blocked", r.Status, r.Body)
		}
		e.must(204, "DELETE", "/api/v1/blocks/"+blk["id"].(string), w.owner, nil)
		e.must(201, "POST", "/api/v1/conversations/"+id+"/messages", w.buyer, msg("b-3", "hello?"))

		// A ticket on the buyer's completed order.
		tk := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77",
			"message": msg("t-1", "The drill arrived scratched")})
		tid := tk["conversation"].(map[string]any)["id"].(string)
		if r := e.call("POST", "/api/v1/conversations", w.stranger, map[string]any{"kind": "ticket", "order": "ORD-77",
			"message": msg("t-x", "mine?")}); r.Status != 404 {
			t.Errorf("ticket on someone else's order = %d, want 404", r.Status)
		}

		// Attachments: the buyer uploads a picture and sends it.
		att := e.upload(w.buyer, "scratch.png", pngBytes())
		if att["content_type"] != "image/png" {
			t.Errorf("content_type = %v, want image/png", att["content_type"])
		}
		sent := e.must(201, "POST", "/api/v1/conversations/"+tid+"/messages", w.buyer,
			map[string]any{"client_id": "t-2", "body": "", "attachments": []string{att["id"].(string)}})
		if files := sent["attachments"].([]any); len(files) != 1 {
			t.Fatalf("message attachments = %v, want 1", files)
		}
		path := "/api/v1/attachments/" + att["id"].(string)
		if r := e.call("GET", path, w.owner, nil); r.Status != 200 || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("owner GET attachment = %d nosniff=%q", r.Status, r.Header.Get("X-Content-Type-Options"))
		}
		if r := e.call("GET", path, w.stranger, nil); r.Status != 404 {
			t.Errorf("stranger GET attachment = %d, want 404", r.Status)
		}

		// Search finds the ticket by order id and the chat by a word.
		if got := ids(e.must(200, "GET", "/api/v1/conversations?q=ORD-77", w.owner, nil)); len(got) != 1 || got[0] != tid {
			t.Errorf("search ORD-77 = %v, want [%s]", got, tid)
		}
		if got := ids(e.must(200, "GET", "/api/v1/conversations?q=stock", w.buyer, nil)); len(got) != 1 || got[0] != id {
			t.Errorf("search stock = %v, want [%s]", got, id)
		}
		if got := ids(e.must(200, "GET", "/api/v1/conversations?q=scratch", w.owner, nil)); len(got) != 1 || got[0] != tid {
			t.Errorf("search scratch (prefix of scratched) = %v, want [%s]", got, tid)
		}
		if got := ids(e.must(200, "GET", "/api/v1/conversations?q=stock", w.stranger, nil)); len(got) != 0 {
			t.Errorf("stranger's search = %v, want nothing", got)
		}

		// Completing the ticket closes it; it refuses further messages.
		done := e.must(200, "PATCH", "/api/v1/conversations/"+tid, w.buyer, map[string]any{"status": "closed"})
		if done["closed_reason"] != "completed" {
			t.Errorf("closed_reason = %v, want completed", done["closed_reason"])
		}
		if r := e.call("POST", "/api/v1/conversations/"+tid+"/messages", w.owner, msg("o-9", "one more")); r.Status != 409 {
			t.Errorf("writing to a closed ticket = %d, want 409", r.Status)
		}

		// Only the owner got the "new conversation" mail, and it was sent
		// through the outbox after commit.
		e.waitMail(t, "owner@example.com", "New conversation")
		for _, m := range e.mails(t) {
			for _, to := range m.To {
				if to == "manager@example.com" && strings.HasPrefix(m.Subject, "New conversation") {
					t.Errorf("the sales manager got %q", m.Subject)
				}
			}
		}
	})
}

func (r resp) Code() string { return r.code() }

func ids(list map[string]any) []string {
	var out []string
	for _, it := range list["items"].([]any) {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

func pngBytes() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	return b.Bytes()
}

func (e *env) upload(token, name string, data []byte) map[string]any {
	e.t.Helper()
	r := e.uploadRaw(token, name, data)
	if r.Status != 201 {
		e.t.Fatalf("upload = %d %s", r.Status, r.Body)
	}
	return r.json(e.t)
}

func (e *env) uploadRaw(token, name string, data []byte) resp {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/attachments", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: out}
}

func (e *env) mails(t *testing.T) []store.DevMail {
	ms, err := store.DevMails(e.app.DB.Reader(context.Background()), store.AllMarketplaces, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func (e *env) waitMail(t *testing.T, to, subjectPrefix string) store.DevMail {
	t.Helper()
	deadline := time.Now().Add(patience)
	for time.Now().Before(deadline) {
		for _, m := range e.mails(t) {
			for _, addr := range m.To {
				if addr == to && strings.HasPrefix(m.Subject, subjectPrefix) {
					return m
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no mail to %s starting %q", to, subjectPrefix)
	return store.DevMail{}
}
