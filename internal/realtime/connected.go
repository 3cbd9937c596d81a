package realtime

import (
	"context"

	"github.com/parleyhq/parley/internal/store"
)

// Connected reports which of the users have an open socket on any node
// now: this node's from memory (so a socket that just opened or closed
// counts at once), the other nodes' from the presence table. Web Push
// asks it, to notify only those who would not see the event live.
func (pr *Presence) Connected(ctx context.Context, userIDs []int64) (map[int64]bool, error) {
	out, err := store.ConnectedElsewhere(pr.db.Reader(ctx), userIDs, pr.node, pr.db.Now().Add(-presenceExpiry))
	if err != nil {
		return nil, err
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	for _, id := range userIDs {
		if u := pr.users[id]; u != nil && u.sockets > 0 {
			out[id] = true
		}
	}
	return out, nil
}
