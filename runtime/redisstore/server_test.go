package redisstore_test

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is a redis-server of the test's own on a free loopback port, without
// persistence, that the test can kill and restart on the same port.
type redisServer struct {
	t    testing.TB
	bin  string
	Addr string

	mu  sync.Mutex
	cmd *exec.Cmd
	log *bytes.Buffer
}

// startRedis starts a redis-server and stops it when the test ends. When the binary
// is missing it fails the test if SPECGATE_REQUIRE_REDIS is set (CI), else skips.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("SPECGATE_REQUIRE_REDIS") != "" {
			t.Fatalf("redis-server not found and SPECGATE_REQUIRE_REDIS is set: %v", err)
		}
		t.Skip("redis-server not installed (apt-get install redis-server); set SPECGATE_REQUIRE_REDIS to make this a failure")
	}
	s := &redisServer{t: t, bin: bin}
	// A free port can be taken between our probe and redis binding it: retry.
	for attempt := 0; ; attempt++ {
		s.Addr = freeAddr(t)
		err := s.start()
		if err == nil {
			break
		}
		if attempt == 4 {
			t.Fatalf("start redis-server: %v", err)
		}
	}
	t.Cleanup(s.Kill)
	return s
}

// freeAddr returns a loopback address with a port nobody listens on right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs redis-server on s.Addr and waits until it answers PING.
func (s *redisServer) start() error {
	_, port, _ := net.SplitHostPort(s.Addr)
	cmd := exec.Command(s.bin,
		"--bind", "127.0.0.1", "--port", port,
		"--save", "", "--appendonly", "no",
		"--dir", s.t.TempDir(), "--loglevel", "warning")
	log := new(bytes.Buffer)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case err := <-exited:
			return &startError{err: err, log: log.String()}
		default:
		}
		if c.Ping(s.t.Context()).Err() == nil {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return &startError{err: os.ErrDeadlineExceeded, log: log.String()}
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.mu.Lock()
	s.cmd, s.log = cmd, log
	s.mu.Unlock()
	// Reap the process when it dies, whoever kills it.
	go func() { <-exited; s.mu.Lock(); s.cmd = nil; s.mu.Unlock() }()
	return nil
}

// startError says why redis-server did not come up, with its log.
type startError struct {
	err error
	log string
}

func (e *startError) Error() string { return e.err.Error() + "\n" + e.log }

// Kill stops the server at once (SIGKILL), as a crash would. Killing a stopped server
// does nothing.
func (s *redisServer) Kill() {
	s.mu.Lock()
	cmd := s.cmd
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill() // SIGKILL also ends a paused process
	// Wait until the reaper saw it die, so the port is free for Restart.
	for {
		s.mu.Lock()
		gone := s.cmd == nil
		s.mu.Unlock()
		if gone {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Pause freezes the server (SIGSTOP): connections stay open but nothing answers, as
// with an overloaded or partitioned Redis. Resume undoes it.
func (s *redisServer) Pause() { s.signal(syscall.SIGSTOP) }

// Resume lets a paused server run again (SIGCONT).
func (s *redisServer) Resume() { s.signal(syscall.SIGCONT) }

func (s *redisServer) signal(sig os.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(sig)
	}
}

// Restart starts a fresh, empty server on the same port after Kill.
func (s *redisServer) Restart() {
	s.t.Helper()
	var err error
	for range 50 { // the old socket may linger a moment
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("restart redis-server on %s: %v", s.Addr, err)
}

// Client returns a go-redis client for the server, closed when the test ends.
func (s *redisServer) Client(t testing.TB) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, ContextTimeoutEnabled: true})
	t.Cleanup(func() { c.Close() })
	return c
}
