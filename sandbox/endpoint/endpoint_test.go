package endpoint

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/secretslab/workshop/internal/keys"
	"github.com/secretslab/workshop/sandbox/awsapi"
)

// serveArg makes the test binary run Serve instead of the tests, so that
// Ensure can start it as a real background process.
const serveArg = "serve-endpoint-for-test"

func TestMain(m *testing.M) {
	if len(os.Args) == 4 && os.Args[1] == serveArg {
		os.Exit(serveForTest(os.Args[2], os.Args[3]))
	}
	os.Exit(m.Run())
}

func serveForTest(dir, port string) int {
	fmt.Fprintf(os.Stderr, "test endpoint process %d starting\n", os.Getpid())
	p, err := strconv.Atoi(port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := Serve(ctx, ServeOptions{Dir: dir, Port: p, Logger: logger}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// seedDir seeds a sandbox aws/ folder and returns it.
func seedDir(t *testing.T, sandboxID string) string {
	t.Helper()
	dir := t.TempDir()
	pair, err := keys.NewPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := awsapi.SeedOptions{
		SandboxID: sandboxID, AccountID: "123456789012", Region: "us-east-1",
		Users: []awsapi.SeedUser{{Name: "learner", Admin: true, Keys: []awsapi.SeedKey{{ID: pair.ID, Secret: pair.Secret}}}},
	}
	if err := awsapi.Seed(filepath.Join(dir, StateFile), opts, time.Now()); err != nil {
		t.Fatal(err)
	}
	return dir
}

func ensureOptions(t *testing.T, dir string, port int, sandboxID string) EnsureOptions {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return EnsureOptions{Dir: dir, Port: port, SandboxID: sandboxID, Command: []string{exe, serveArg, dir, strconv.Itoa(port)}}
}

func freePort(t *testing.T) int {
	t.Helper()
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func TestEnsureStartsReusesAndStops(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a background process")
	}
	t.Parallel()
	ctx := context.Background()
	dir := seedDir(t, "sbx-one")
	opts := ensureOptions(t, dir, freePort(t), "sbx-one")
	t.Cleanup(func() { Stop(ctx, dir) })

	url, err := Ensure(ctx, opts)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	if url != URL(opts.Port) {
		t.Errorf("url = %s, want %s", url, URL(opts.Port))
	}
	if id, err := Health(ctx, url); err != nil || id != "sbx-one" {
		t.Fatalf("Health = %q, %v; want sbx-one", id, err)
	}
	info, err := ReadInfo(dir)
	if err != nil || info.Port != opts.Port || info.PID <= 0 || info.PID == os.Getpid() {
		t.Fatalf("endpoint.json = %+v, %v; want another process on port %d", info, err, opts.Port)
	}

	if _, err := Ensure(ctx, opts); err != nil {
		t.Fatalf("second Ensure: %v", err)
	}
	if again, _ := ReadInfo(dir); again.PID != info.PID {
		t.Errorf("second Ensure started process %d, want reuse of %d", again.PID, info.PID)
	}

	if err := Stop(ctx, dir); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if alive(info.PID) {
		t.Errorf("process %d still runs after Stop", info.PID)
	}
	if _, err := ReadInfo(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("endpoint.json after Stop: %v, want not exist", err)
	}
	if _, err := Health(ctx, url); err == nil {
		t.Errorf("endpoint still answers after Stop")
	}
	if err := Stop(ctx, dir); err != nil {
		t.Errorf("Stop when not running: %v", err)
	}
}

func TestEnsureConcurrentStartsOneProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a background process")
	}
	t.Parallel()
	ctx := context.Background()
	dir := seedDir(t, "sbx-two")
	opts := ensureOptions(t, dir, freePort(t), "sbx-two")
	t.Cleanup(func() { Stop(ctx, dir) })

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { _, errs[i] = Ensure(ctx, opts) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("Ensure: %v", err)
		}
	}
	log, err := os.ReadFile(filepath.Join(dir, LogFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(log), "test endpoint process"); n != 1 {
		t.Errorf("started %d processes, want 1; log:\n%s", n, log)
	}
}

func TestEnsurePortInUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name   string
		listen func(t *testing.T) int
	}{
		{"silent listener", func(t *testing.T) int {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ln.Close() })
			return ln.Addr().(*net.TCPAddr).Port
		}},
		{"other web server", func(t *testing.T) int {
			srv := httptest.NewServer(http.NotFoundHandler())
			t.Cleanup(srv.Close)
			return srv.Listener.Addr().(*net.TCPAddr).Port
		}},
		{"other sandbox endpoint", func(t *testing.T) int {
			srv, err := awsapi.NewServer(awsapi.Options{StatePath: filepath.Join(seedDir(t, "sbx-other"), StateFile)})
			if err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			return hs.Listener.Addr().(*net.TCPAddr).Port
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			port := tt.listen(t)
			dir := seedDir(t, "sbx-mine")
			_, err := Ensure(ctx, ensureOptions(t, dir, port, "sbx-mine"))
			if !errors.Is(err, ErrPortInUse) {
				t.Fatalf("Ensure = %v, want ErrPortInUse", err)
			}
			if !strings.Contains(err.Error(), "127.0.0.1:"+strconv.Itoa(port)) || !strings.Contains(err.Error(), "stop that program") {
				t.Errorf("message %q does not name the address and say to stop the other program", err)
			}
			if _, err := os.Stat(filepath.Join(dir, LogFile)); err == nil {
				t.Errorf("Ensure started a process although the port was taken")
			}
		})
	}
}

func TestServeWritesAndRemovesInfo(t *testing.T) {
	t.Parallel()
	dir := seedDir(t, "sbx-inproc")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ServeOptions{Dir: dir}) }()

	var info Info
	deadline := time.Now().Add(5 * time.Second)
	for {
		var err error
		if info, err = ReadInfo(dir); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("endpoint.json never appeared: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if info.PID != os.Getpid() || info.Port == 0 || info.Started.IsZero() {
		t.Errorf("endpoint.json = %+v", info)
	}
	if id, err := Health(context.Background(), URL(info.Port)); err != nil || id != "sbx-inproc" {
		t.Errorf("Health = %q, %v", id, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := ReadInfo(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("endpoint.json after exit: %v, want not exist", err)
	}
}

func TestServeReportsPortInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = Serve(context.Background(), ServeOptions{Dir: seedDir(t, "sbx-busy"), Port: ln.Addr().(*net.TCPAddr).Port})
	if !errors.Is(err, ErrPortInUse) {
		t.Errorf("Serve = %v, want ErrPortInUse", err)
	}
}

func TestEnsureRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, opts := range []EnsureOptions{
		{Port: 5000, SandboxID: "s", Command: []string{"x"}},
		{Dir: "d", Port: 0, SandboxID: "s", Command: []string{"x"}},
		{Dir: "d", Port: 5000, Command: []string{"x"}},
		{Dir: "d", Port: 5000, SandboxID: "s"},
	} {
		if _, err := Ensure(context.Background(), opts); err == nil {
			t.Errorf("Ensure(%+v) succeeded", opts)
		}
	}
}

func TestEnsureReportsExitedProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a background process")
	}
	t.Parallel()
	dir := t.TempDir()
	opts := ensureOptions(t, dir, freePort(t), "sbx-none")
	_, err := Ensure(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "exited") || !strings.Contains(err.Error(), LogFile) {
		t.Errorf("Ensure without state = %v, want an exit error that points to the log", err)
	}
}
