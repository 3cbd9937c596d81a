package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/bus"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// Presence timing: a node refreshes its rows every presenceRefresh; a row
// not refreshed for presenceExpiry (its node died) no longer counts.
const (
	presenceRefresh = 20 * time.Second
	presenceExpiry  = 60 * time.Second
)

// Presence keeps who is connected: per node in memory (sockets per user),
// and across nodes in the presence table, which availability reads.
type Presence struct {
	db   *store.DB
	bus  bus.Bus
	log  *slog.Logger
	node string

	mu    sync.Mutex
	users map[int64]*userPresence
	// changes are recorded in order by one goroutine, so that a socket's
	// open and close never wait for the database.
	changes chan presenceChange
}

type presenceChange struct {
	p      *identity.Principal
	status string
}

type userPresence struct {
	p       *identity.Principal
	sockets int
	status  string
}

// NewPresence returns the presence of this node.
func NewPresence(db *store.DB, b bus.Bus, log *slog.Logger) *Presence {
	host, _ := os.Hostname()
	rnd := make([]byte, 4)
	rand.Read(rnd)
	if log == nil {
		log = slog.Default()
	}
	pr := &Presence{db: db, bus: b, log: log, node: host + "-" + hex.EncodeToString(rnd), users: map[int64]*userPresence{},
		changes: make(chan presenceChange, 4096)}
	go pr.record()
	return pr
}

// record writes status changes in order.
func (pr *Presence) record() {
	for c := range pr.changes {
		pr.write(c.p, c.status)
	}
}

// connected counts a new socket of the user; the first one makes them online.
func (pr *Presence) connected(p *identity.Principal) {
	pr.mu.Lock()
	u := pr.users[p.User.ID]
	if u == nil {
		u = &userPresence{p: p}
		pr.users[p.User.ID] = u
	}
	u.sockets++
	first := u.sockets == 1
	if first {
		u.status = store.PresenceOnline
	}
	pr.mu.Unlock()
	if first {
		pr.set(p, store.PresenceOnline)
	}
}

// disconnected counts a closed socket; the last one makes them offline here.
func (pr *Presence) disconnected(p *identity.Principal) {
	pr.mu.Lock()
	u := pr.users[p.User.ID]
	last := false
	if u != nil {
		u.sockets--
		if last = u.sockets <= 0; last {
			delete(pr.users, p.User.ID)
		}
	}
	pr.mu.Unlock()
	if last {
		pr.set(p, store.PresenceOffline)
	}
}

// setStatus is the client saying it is away or back.
func (pr *Presence) setStatus(p *identity.Principal, status string) {
	pr.mu.Lock()
	u := pr.users[p.User.ID]
	changed := u != nil && u.status != status
	if changed {
		u.status = status
	}
	pr.mu.Unlock()
	if changed {
		pr.set(p, status)
	}
}

// set queues a status change; when the queue is full the change is dropped
// and the next refresh sets the row right.
func (pr *Presence) set(p *identity.Principal, status string) {
	select {
	case pr.changes <- presenceChange{p: p, status: status}:
	default:
	}
}

// write records the status and tells the user's colleagues and own devices.
func (pr *Presence) write(p *identity.Principal, status string) {
	err := pr.db.Write(context.Background(), func(tx *store.Tx) error {
		if status == store.PresenceOffline {
			return store.ClearPresence(tx, p.User.ID, pr.node)
		}
		return store.SetPresence(tx, p.User.ID, pr.node, status)
	})
	if err != nil {
		pr.log.Warn("presence", "err", err)
	}
	topics := []string{bus.UserTopic(p.User.ID)}
	for _, o := range p.SellerOrgs() {
		topics = append(topics, bus.OrgTopic(o.ID))
	}
	pr.bus.Publish(topics, bus.Event{Type: bus.Presence, UserID: p.User.ID, UserExternalID: p.User.ExternalID, Status: status})
}

// refresh keeps this node's rows alive.
func (pr *Presence) refresh(ctx context.Context) {
	pr.mu.Lock()
	ids := make([]int64, 0, len(pr.users))
	for id := range pr.users {
		ids = append(ids, id)
	}
	pr.mu.Unlock()
	err := pr.db.Write(ctx, func(tx *store.Tx) error { return store.RefreshPresence(tx, pr.node, ids) })
	if err != nil && !errors.Is(err, context.Canceled) {
		pr.log.Warn("presence refresh", "err", err)
	}
}

// Availability is a seller's (or a product's agents') availability.
type Availability struct {
	Status string `json:"status"` // online, away or offline
	Online int    `json:"online"` // agents online
	Away   int    `json:"away"`   // agents away
	// ChatEnabled is the seller company's chat switch: a host hides its
	// "chat with the seller" buttons while it is off.
	ChatEnabled bool `json:"chat_enabled"`
}

// OrganizationAvailability tells whether anyone of a seller company is there.
func (pr *Presence) OrganizationAvailability(ctx context.Context, marketplaceID int64, orgExternalID string) (Availability, error) {
	q := pr.db.Reader(ctx)
	org, err := store.OrganizationByExternalID(q, marketplaceID, orgExternalID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && org.Kind != parley.OrgSeller) {
		return Availability{}, parley.NotFound("organization")
	} else if err != nil {
		return Availability{}, err
	}
	members, err := store.OrgMembers(q, org.ID)
	if err != nil {
		return Availability{}, err
	}
	ids := make([]int64, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	a, err := pr.availability(q, ids)
	a.ChatEnabled = org.ChatEnabled
	return a, err
}

// ProductAvailability is the availability of a product's agents, or of its
// seller's members when it names none.
func (pr *Presence) ProductAvailability(ctx context.Context, marketplaceID int64, productExternalID string) (Availability, error) {
	q := pr.db.Reader(ctx)
	prod, err := store.ProductByExternalID(q, marketplaceID, productExternalID)
	if errors.Is(err, store.ErrNotFound) {
		return Availability{}, parley.NotFound("product")
	} else if err != nil {
		return Availability{}, err
	}
	var ids []int64
	for _, a := range prod.Agents {
		if u, err := store.UserByExternalID(q, marketplaceID, a); err == nil {
			ids = append(ids, u.ID)
		}
	}
	if len(ids) == 0 {
		return pr.OrganizationAvailability(ctx, marketplaceID, prod.Seller)
	}
	org, err := store.OrganizationByExternalID(q, marketplaceID, prod.Seller)
	if err != nil {
		return Availability{}, err
	}
	a, err := pr.availability(q, ids)
	a.ChatEnabled = org.ChatEnabled
	return a, err
}

func (pr *Presence) availability(q store.Querier, ids []int64) (Availability, error) {
	st, err := store.PresenceOf(q, ids, pr.db.Now().Add(-presenceExpiry))
	if err != nil {
		return Availability{}, err
	}
	a := Availability{Status: store.PresenceOffline}
	for _, s := range st {
		switch s {
		case store.PresenceOnline:
			a.Online++
		case store.PresenceAway:
			a.Away++
		}
	}
	switch {
	case a.Online > 0:
		a.Status = store.PresenceOnline
	case a.Away > 0:
		a.Status = store.PresenceAway
	}
	return a, nil
}
