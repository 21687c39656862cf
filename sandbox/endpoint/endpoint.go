package endpoint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/secretslab/workshop/internal/atomicfile"
	"github.com/secretslab/workshop/sandbox/awsapi"
)

// Files in the sandbox's aws/ folder.
const (
	StateFile      = "state.json"
	RequestLogFile = "requests.jsonl"
	InfoFile       = "endpoint.json"
	LogFile        = "endpoint.log"
	lockFile       = "endpoint.lock"
)

var (
	// ErrPortInUse is returned when the endpoint's port is held by a program
	// other than this sandbox's endpoint.
	ErrPortInUse = errors.New("port in use")
	// ErrNotEndpoint is returned by Health when the server on the port
	// responds but is not a workshop endpoint.
	ErrNotEndpoint = errors.New("not a workshop endpoint")
)

// Info is the content of endpoint.json: the running endpoint process.
type Info struct {
	PID     int       `json:"pid"`
	Port    int       `json:"port"`
	Started time.Time `json:"started"`
}

// ServeOptions configures Serve.
type ServeOptions struct {
	// Dir is the sandbox's aws/ folder, which holds state.json.
	Dir string
	// Port is the loopback port to listen on; zero picks a free one.
	Port int
	// Logger receives the endpoint's diagnostics; nil discards them.
	Logger *slog.Logger
}

// URL returns the endpoint URL for a loopback port.
func URL(port int) string {
	return "http://" + hostPort(port)
}

func hostPort(port int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// Serve serves the endpoint on 127.0.0.1 until ctx is cancelled. Once it
// listens it writes endpoint.json atomically, and it removes the file again
// on a clean exit.
func Serve(ctx context.Context, opts ServeOptions) error {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv, err := awsapi.NewServer(awsapi.Options{
		StatePath: filepath.Join(opts.Dir, StateFile),
		LogPath:   filepath.Join(opts.Dir, RequestLogFile),
		Logger:    logger,
	})
	if err != nil {
		return fmt.Errorf("serve AWS endpoint: %w", err)
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", hostPort(opts.Port))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("serve AWS endpoint: %w", portInUse(opts.Port))
		}
		return fmt.Errorf("serve AWS endpoint on %s: %w", hostPort(opts.Port), err)
	}
	info := Info{PID: os.Getpid(), Port: ln.Addr().(*net.TCPAddr).Port, Started: time.Now().UTC()}
	if err := writeInfo(opts.Dir, info); err != nil {
		ln.Close()
		return fmt.Errorf("serve AWS endpoint: %w", err)
	}
	defer removeInfo(opts.Dir, info.PID)
	logger.Info("AWS endpoint listening", "addr", ln.Addr().String(), "sandbox_id", srv.SandboxID(), "pid", info.PID)
	return run(ctx, ln, srv, logger)
}

func run(ctx context.Context, ln net.Listener, handler http.Handler, logger *slog.Logger) error {
	hs := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve AWS endpoint: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		logger.Warn("AWS endpoint shutdown did not finish cleanly", "error", err)
	}
	logger.Info("AWS endpoint stopped")
	return nil
}

func portInUse(port int) error {
	return fmt.Errorf("%w: %s is held by another program; stop that program, or give the sandbox another port, and try again", ErrPortInUse, hostPort(port))
}

func writeInfo(dir string, info Info) error {
	data, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("encode %s: %w", InfoFile, err)
	}
	return atomicfile.WriteFile(filepath.Join(dir, InfoFile), append(data, '\n'), 0o600)
}

// ReadInfo reads endpoint.json in dir. It returns an error wrapping
// fs.ErrNotExist when no endpoint was started or it exited cleanly.
func ReadInfo(dir string) (Info, error) {
	data, err := os.ReadFile(filepath.Join(dir, InfoFile))
	if err != nil {
		return Info{}, fmt.Errorf("read endpoint info: %w", err)
	}
	var info Info
	if err := json.Unmarshal(data, &info); err != nil {
		return Info{}, fmt.Errorf("read endpoint info %s: %w", filepath.Join(dir, InfoFile), err)
	}
	return info, nil
}

// removeInfo removes endpoint.json if it still describes process pid, so a
// process never removes the file of another one.
func removeInfo(dir string, pid int) {
	if info, err := ReadInfo(dir); err == nil && info.PID == pid {
		os.Remove(filepath.Join(dir, InfoFile)) //nolint:errcheck // a leftover file is detected as stale later
	}
}

// Health requests the health path of the endpoint at url and returns the id
// of the sandbox it serves. A server that responds but is not a workshop
// endpoint gives an error wrapping ErrNotEndpoint. When nothing responds,
// the error is the connection error.
func Health(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+awsapi.HealthPath, nil)
	if err != nil {
		return "", fmt.Errorf("check endpoint health at %s: %w", url, err)
	}
	resp, err := healthClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("check endpoint health at %s: %w", url, err)
	}
	defer resp.Body.Close()
	var body struct {
		Status    string `json:"status"`
		SandboxID string `json:"sandbox_id"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &body) != nil || body.Status != "ok" || body.SandboxID == "" {
		return "", fmt.Errorf("check endpoint health at %s: %w (HTTP %d)", url, ErrNotEndpoint, resp.StatusCode)
	}
	return body.SandboxID, nil
}

// healthClient talks to loopback only, so it ignores proxy settings.
var healthClient = &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}

// FreePort returns a loopback port that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// portFree reports whether nothing listens on the loopback port.
func portFree(port int) bool {
	ln, err := net.Listen("tcp", hostPort(port))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist)
}
