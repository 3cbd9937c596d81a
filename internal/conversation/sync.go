package conversation

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// Change is one conversation that changed since a cursor, with its
// messages written since.
type Change struct {
	Conversation parley.Conversation `json:"conversation"`
	Messages     []parley.Message    `json:"messages"`
}

// SyncResult answers a sync.
type SyncResult struct {
	Changes []Change `json:"changes"`
	Cursor  string   `json:"cursor"`
	HasMore bool     `json:"has_more"`
}

// maxSyncMessages bounds the messages returned per conversation; a client
// that gets this many pages through /messages for the rest.
const maxSyncMessages = 500

// Sync returns every conversation visible to the principal that changed
// since the cursor, with its new messages. Without a cursor it returns no
// changes and the current cursor.
func (s *Service) Sync(ctx context.Context, p *identity.Principal, cursor string, limit int) (SyncResult, error) {
	res := SyncResult{Changes: []Change{}}
	if p.Host {
		return res, nil
	}
	q := s.db.Reader(ctx)
	now, err := store.CurrentChange(q)
	if err != nil {
		return res, err
	}
	if cursor == "" {
		res.Cursor = formatSyncCursor(0, now, 0)
		return res, nil
	}
	base, change, afterID, ok := parseSyncCursor(cursor)
	if !ok {
		return res, parley.Invalid(parley.FieldError{Field: "cursor", Message: "is not a cursor sync returned"})
	}
	limit = Limit(limit)
	rows, err := store.ChangedConversations(q, p.Viewer(), change, afterID, limit+1)
	if err != nil {
		return res, err
	}
	if len(rows) > limit {
		rows, res.HasMore = rows[:limit], true
	}
	convs, err := s.renderRows(q, p, rows)
	if err != nil {
		return res, err
	}
	maxSeen := change
	for i, r := range rows {
		ms, err := store.MessagesChangedAfter(q, r.ID, base, maxSyncMessages)
		if err != nil {
			return res, err
		}
		msgs, err := s.renderMessages(q, ms)
		if err != nil {
			return res, err
		}
		res.Changes = append(res.Changes, Change{Conversation: convs[i], Messages: msgs})
		maxSeen = max(maxSeen, r.ChangeSeq)
	}
	switch {
	case res.HasMore:
		last := rows[len(rows)-1]
		res.Cursor = formatSyncCursor(base, last.ChangeSeq, last.ID)
	default:
		// Everything up to the counter read before the query was committed
		// and visible to it, and so was everything up to the highest change
		// the query returned (commits happen in change order).
		res.Cursor = formatSyncCursor(0, max(now, maxSeen), 0)
	}
	return res, nil
}

// A sync cursor is "<change>" between syncs, or "<base>.<change>.<id>" in
// the middle of a paged sync: base is the cursor the client started from,
// whose messages the later pages still owe.
func formatSyncCursor(base, change, id int64) string {
	if id == 0 {
		return strconv.FormatInt(change, 10)
	}
	return fmt.Sprintf("%d.%d.%d", base, change, id)
}

func parseSyncCursor(s string) (base, change, id int64, ok bool) {
	parts := strings.Split(s, ".")
	nums := make([]int64, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, 0, false
		}
		nums[i] = n
	}
	switch len(nums) {
	case 1:
		return nums[0], nums[0], 0, true
	case 3:
		return nums[0], nums[1], nums[2], nums[2] > 0 && nums[0] <= nums[1]
	}
	return 0, 0, 0, false
}
