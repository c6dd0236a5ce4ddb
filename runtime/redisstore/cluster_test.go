package redisstore_test

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/auth/storetest"
	"github.com/specgate/specgate/runtime/redisstore"
)

// redisCluster is a 3-master Redis Cluster (no replicas) of the test's own on free
// loopback ports, each node in a temp dir, stopped when the test ends.
type redisCluster struct {
	addrs []string
	cmds  []*exec.Cmd
}

func startCluster(t *testing.T) *redisCluster {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	cli, err2 := exec.LookPath("redis-cli")
	if err != nil || err2 != nil {
		if os.Getenv("SPECGATE_REQUIRE_REDIS") != "" {
			t.Fatalf("redis-server/redis-cli not found and SPECGATE_REQUIRE_REDIS is set: %v %v", err, err2)
		}
		t.Skip("redis-server not installed; set SPECGATE_REQUIRE_REDIS to make this a failure")
	}
	c := &redisCluster{}
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		_, port, _ := net.SplitHostPort(addr)
		dir := t.TempDir()
		cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--cluster-enabled", "yes",
			"--cluster-config-file", dir+"/nodes.conf", "--cluster-node-timeout", "2000",
			// Without it the whole cluster refuses writes once one master is down.
			"--cluster-require-full-coverage", "no",
			"--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		c.addrs, c.cmds = append(c.addrs, addr), append(c.cmds, cmd)
	}
	t.Cleanup(func() {
		for _, cmd := range c.cmds {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	for _, a := range c.addrs {
		waitPing(t, redis.NewClient(&redis.Options{Addr: a, MaxRetries: -1}))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, cli, append(append([]string{"--cluster", "create"}, c.addrs...), "--cluster-replicas", "0", "--cluster-yes")...).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	// Bounded wait until every node agrees the cluster is up.
	deadline := time.Now().Add(20 * time.Second)
	for _, a := range c.addrs {
		n := redis.NewClient(&redis.Options{Addr: a})
		for {
			info, err := n.ClusterInfo(t.Context()).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cluster not ok on %s: %v %s", a, err, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
		n.Close()
	}
	return c
}

func waitPing(t *testing.T, c *redis.Client) {
	t.Helper()
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(t.Context()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not answer PING")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *redisCluster) client(t *testing.T) *redis.ClusterClient {
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.addrs, ContextTimeoutEnabled: true})
	t.Cleanup(func() { cc.Close() })
	return cc
}

// owner returns the index of the master serving key's slot.
func (c *redisCluster) owner(t *testing.T, cc *redis.ClusterClient, key string) int {
	t.Helper()
	slot, err := cc.ClusterKeySlot(t.Context(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	slots, err := cc.ClusterSlots(t.Context()).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range slots {
		if int64(s.Start) <= slot && slot <= int64(s.End) {
			for i, a := range c.addrs {
				if s.Nodes[0].Addr == a {
					return i
				}
			}
		}
	}
	t.Fatalf("no master owns slot %d", slot)
	return -1
}

// TestStoreCluster runs the store suite on a 3-master Redis Cluster with a
// hash-tagged prefix per subtest, so every key of a subtest shares one slot and
// the subtests spread over the masters.
func TestStoreCluster(t *testing.T) {
	c := startCluster(t)
	cc := c.client(t)
	storetest.Run(t, func(*testing.T) auth.RefreshStore {
		return redisstore.New(cc, redisstore.Options{KeyPrefix: "{" + uniquePrefix() + "}:", Timeout: behaviourTimeout})
	})
}

// TestStoreClusterMasterLoss rotates sessions under three prefixes, one per master,
// and kills one master midway. What docs promise: sessions on the lost master fail
// closed (errors, so 503; never a pass) until it is back (without persistence or a
// replica they are gone: sign in again); sessions on the other masters keep
// rotating, and none is lost, before and after the cluster marks the master
// failed (cluster-node-timeout 2s; the rounds span longer, with
// cluster-require-full-coverage no, as the package docs ask for).
func TestStoreClusterMasterLoss(t *testing.T) {
	c := startCluster(t)
	cc := c.client(t)
	// One prefix per master: pick hash tags until each master owns one.
	prefixes := make([]string, 3)
	for i, found := 0, 0; found < 3; i++ {
		p := "{m" + strconv.Itoa(i) + "}:"
		if o := c.owner(t, cc, p+"rt:x"); prefixes[o] == "" {
			prefixes[o] = p
			found++
		}
	}
	type sess struct {
		s   *redisstore.Store
		cur auth.TokenHash
	}
	now := time.Now()
	var ss []*sess
	for _, p := range prefixes {
		s := redisstore.New(cc, redisstore.Options{KeyPrefix: p, Timeout: 300 * time.Millisecond})
		h := storetest.Hash(t)
		if err := s.Issue(t.Context(), h, auth.RefreshSession{Family: "f", Subject: "alice", ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		ss = append(ss, &sess{s: s, cur: h})
	}
	rotate := func(x *sess) error {
		next := storetest.Hash(t)
		_, err := x.s.Rotate(t.Context(), x.cur, next, time.Now(), time.Second, now.Add(time.Hour))
		if err == nil {
			x.cur = next
		}
		return err
	}
	for range 20 {
		for _, x := range ss {
			if err := rotate(x); err != nil {
				t.Fatal(err)
			}
		}
	}
	const lost = 0
	_ = c.cmds[lost].Process.Kill()
	_ = c.cmds[lost].Wait()
	for round := range 40 {
		time.Sleep(100 * time.Millisecond) // spread the rounds past the node timeout
		for i, x := range ss {
			err := rotate(x)
			switch {
			case i == lost && err == nil:
				t.Fatalf("round %d: rotation on the killed master succeeded", round)
			case i == lost && (errors.Is(err, auth.ErrRefreshUnknown) || errors.Is(err, auth.ErrRefreshReused)):
				t.Fatalf("round %d: the lost master's session got a verdict (%v), want a store error (503)", round, err)
			case i != lost && err != nil:
				t.Fatalf("round %d: session on a surviving master: %v", round, err)
			}
		}
	}
}
