package bus

import (
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// RunNATSServer starts an embedded NATS server on a random port, so that
// the tests need no server on the machine.
func RunNATSServer(tb testing.TB) *server.Server {
	tb.Helper()
	return runNATSServer(tb, server.RANDOM_PORT)
}

func runNATSServer(tb testing.TB, port int) *server.Server {
	tb.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, NoLog: true, NoSigs: true})
	if err != nil {
		tb.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(5 * time.Second) {
		tb.Fatal("embedded NATS server not ready")
	}
	tb.Cleanup(ns.Shutdown)
	return ns
}

// MachineNATSURL is the NATS server of the machine the tests run on:
// PARLEY_TEST_NATS_URL, by default nats://127.0.0.1:4222. A test that needs
// it is skipped when nothing answers there, or fails with CI=true.
func MachineNATSURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("PARLEY_TEST_NATS_URL")
	if url == "" {
		url = "nats://127.0.0.1:4222"
	}
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "nats://"), 2*time.Second)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("a NATS server is required at %s with CI=true: %v", url, err)
		}
		tb.Skipf("no NATS server at %s: %v", url, err)
	}
	c.Close()
	return url
}

// MustOpenNATS connects a NATS bus (one node) and closes it at the end.
func MustOpenNATS(tb testing.TB, url string) *NATS {
	tb.Helper()
	n, err := NewNATS(url, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { n.Close() })
	return n
}

func TestNATS_TwoNodes(t *testing.T) {
	url := RunNATSServer(t).ClientURL()
	a, b := MustOpenNATS(t, url), MustOpenNATS(t, url)
	onA, onB := a.Subscribe(OrgTopic(2), 8), b.Subscribe(OrgTopic(2), 8)
	defer onA.Close()
	defer onB.Close()

	a.Publish([]string{UserTopic(1), OrgTopic(2)}, Event{Type: MessageCreated, ConversationID: 5, Change: 1})
	b.Publish([]string{OrgTopic(2)}, Event{Type: Receipt, ConversationID: 5, Change: 2})
	for name, s := range map[string]*Subscription{"node A": onA, "node B": onB} {
		// Each node hears both events once, its own ones included (they
		// come back from the server, never also straight from Publish).
		var got []int64
		for range 2 {
			got = append(got, MustReceive(t, s).Change)
		}
		if len(got) != 2 || got[0] == got[1] {
			t.Errorf("%s: changes %v, want 1 and 2 once each", name, got)
		}
		if s.Dropped() {
			t.Errorf("%s: Dropped = true, want false", name)
		}
	}
	a.Publish([]string{OrgTopic(2)}, Event{Change: 3})
	if ev := MustReceive(t, onA); ev.Change != 3 {
		t.Errorf("node A: Change = %d, want 3 (no duplicate before it)", ev.Change)
	}
}

func TestNATS_OneServerSubscriptionPerTopic(t *testing.T) {
	n := MustOpenNATS(t, RunNATSServer(t).ClientURL())
	s1, s2 := n.Subscribe(UserTopic(1), 1), n.Subscribe(UserTopic(1), 1)
	if got := n.nc.NumSubscriptions(); got != 1 {
		t.Errorf("NATS subscriptions = %d, want 1 for two local subscribers of one topic", got)
	}
	s1.Close()
	if got := n.nc.NumSubscriptions(); got != 1 {
		t.Errorf("NATS subscriptions after one close = %d, want 1", got)
	}
	s2.Close()
	s2.Close()
	if got := n.nc.NumSubscriptions(); got != 0 {
		t.Errorf("NATS subscriptions after the last close = %d, want 0", got)
	}
	if len(n.topics) != 0 {
		t.Errorf("topics = %d, want 0", len(n.topics))
	}
}

func TestNATS_InvalidTopic(t *testing.T) {
	n := MustOpenNATS(t, RunNATSServer(t).ClientURL())
	for _, topic := range []string{"", "user.*", "user.>", "user..1", "user 1"} {
		s := n.Subscribe(topic, 1)
		if _, ok := <-s.C; ok {
			t.Errorf("Subscribe(%q): C open, want closed", topic)
		}
		if !s.Dropped() {
			t.Errorf("Subscribe(%q): Dropped = false, want true", topic)
		}
		s.Close()
	}
	if got := n.nc.NumSubscriptions(); got != 0 {
		t.Errorf("NATS subscriptions = %d, want 0", got)
	}
}

func TestNewNATS_Error(t *testing.T) {
	for name, url := range map[string]string{
		"Refused": "nats://parley:s3cret@127.0.0.1:1",
		"BadURL":  "nats://parley:s3cret@[::1",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewNATS(url, nil)
			if err == nil {
				t.Fatal("err = nil, want an error")
			}
			if msg := err.Error(); !strings.Contains(msg, "PARLEY_NATS_URL") || strings.Contains(msg, "s3cret") {
				t.Errorf("err = %q, want it to name PARLEY_NATS_URL and hide the password", msg)
			}
		})
	}
}

func TestNATS_Reconnect(t *testing.T) {
	ns := RunNATSServer(t)
	port := ns.Addr().(*net.TCPAddr).Port
	n := MustOpenNATS(t, ns.ClientURL())
	s := n.Subscribe(UserTopic(1), 8)
	defer s.Close()

	ns.Shutdown()
	runNATSServer(t, port)
	deadline := time.Now().Add(waitTimeout)
	for !n.nc.IsConnected() {
		if time.Now().After(deadline) {
			t.Fatal("not reconnected within", waitTimeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !s.Dropped() {
		t.Error("Dropped after a lost connection = false, want true (events were lost)")
	}
	n.Publish([]string{UserTopic(1)}, Event{Change: 1})
	if ev := MustReceive(t, s); ev.Change != 1 {
		t.Errorf("Change = %d, want 1 (the subscription came back)", ev.Change)
	}
}

func TestCloseAfterBusClose(t *testing.T) {
	n := MustOpenNATS(t, RunNATSServer(t).ClientURL())
	s := n.Subscribe(UserTopic(1), 1)
	n.Close()
	n.Publish([]string{UserTopic(1)}, Event{Change: 1})
	s.Close()
	if late := n.Subscribe(UserTopic(2), 1); !late.Dropped() {
		t.Error("Subscribe after Close: Dropped = false, want true")
	}
}
