package awsapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// DefaultMaxBodyBytes is the largest request body a Server reads when
// Options.MaxBodyBytes is zero. Secrets Manager values are at most 65,536
// bytes, so 1 MiB leaves room for base64 and JSON overhead.
const DefaultMaxBodyBytes = 1 << 20

// HealthPath is the unsigned path that reports whether the endpoint runs and
// which sandbox it serves.
const HealthPath = "/_workshop/health"

// Options configures a Server.
type Options struct {
	// StatePath is the state file written by Seed. It must exist.
	StatePath string
	// LogPath is the JSON Lines request log, created if missing. Empty
	// disables the log.
	LogPath string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives the server's own diagnostics; nil discards them.
	Logger *slog.Logger
	// MaxBodyBytes bounds request bodies; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// Server is the local AWS endpoint. It is safe for concurrent use. Requests
// verify their signatures in parallel and are then served one at a time
// under a mutex. Each request that changes the state is saved to the state
// file before its response is sent.
type Server struct {
	statePath string
	now       func() time.Time
	logger    *slog.Logger
	maxBody   int64
	reqlog    *requestLog
	signer    *v4.Signer
	// writeState saves the state; tests replace it to simulate a full disk.
	writeState func(path string, st *stateData) error

	mu sync.Mutex
	st *stateData
}

// NewServer loads the state file and opens the request log.
func NewServer(opts Options) (*Server, error) {
	if opts.StatePath == "" {
		return nil, errors.New("create AWS endpoint: missing state path")
	}
	st, err := readStateData(opts.StatePath)
	if err != nil {
		return nil, fmt.Errorf("create AWS endpoint: %w", err)
	}
	reqlog, err := openRequestLog(opts.LogPath)
	if err != nil {
		return nil, fmt.Errorf("create AWS endpoint: %w", err)
	}
	s := &Server{statePath: opts.StatePath, now: opts.Now, logger: opts.Logger, maxBody: opts.MaxBodyBytes, reqlog: reqlog, signer: v4.NewSigner(), writeState: writeStateData, st: st}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	return s, nil
}

// Close closes the request log.
func (s *Server) Close() error {
	return s.reqlog.close()
}

// SandboxID returns the id of the sandbox whose state the server serves.
func (s *Server) SandboxID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.SandboxID
}

// call is one request being served.
type call struct {
	ctx       context.Context
	w         http.ResponseWriter
	r         *http.Request
	now       time.Time
	requestID string
	hostID    string

	svc     *service
	op      string
	body    []byte
	form    url.Values
	formErr error

	accessKeyID string
	key         *keyRecord
	user        *userRecord
	// changed is set by a handler that modified the state.
	changed bool

	written   bool
	status    int
	errorCode string
}

// ServeHTTP serves one request of any of the four services.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == HealthPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		s.serveHealth(w)
		return
	}
	c := &call{ctx: r.Context(), w: w, r: r, now: s.now().UTC(), requestID: newUUID(), svc: s3Service}
	defer s.logCall(c)
	defer s.recoverPanic(c)
	s.serve(c)
}

func (s *Server) serveHealth(w http.ResponseWriter) {
	body, _ := json.Marshal(map[string]string{"status": "ok", "sandbox_id": s.SandboxID()})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(append(body, '\n')) //nolint:errcheck // the client went away; nothing to do
}

func (s *Server) serve(c *call) {
	body, readErr := readBody(c.w, c.r, s.maxBody)
	c.body = body
	c.svc = detectService(c.r, body)
	if c.svc == s3Service {
		c.requestID, c.hostID = newS3RequestID(), newS3HostID()
	}
	if readErr != nil {
		c.writeError(bodyError(c.svc, readErr, s.maxBody))
		return
	}
	c.op = c.svc.operationName(c)

	a, secret, prob := s.authenticate(c)
	if prob != nil {
		c.writeError(c.svc.authError(prob, c))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prob := s.bindCaller(c, a, secret); prob != nil {
		c.writeError(c.svc.authError(prob, c))
		return
	}
	result, apiErr := s.dispatch(c)
	if c.changed {
		if err := s.save(); err != nil {
			s.logger.Error("save AWS state failed", "request_id", c.requestID, "operation", c.op, "error", err)
			result, apiErr = nil, internalError(c.svc)
		}
	}
	if apiErr != nil {
		c.writeError(apiErr)
		return
	}
	c.writeResult(result)
}

// dispatch finds the operation's handler, checks that the caller may call
// it, and runs it.
func (s *Server) dispatch(c *call) (any, *apiError) {
	h, apiErr := c.svc.handler(c)
	if apiErr != nil {
		return nil, apiErr
	}
	if apiErr := s.authorize(c); apiErr != nil {
		return nil, apiErr
	}
	s.purgeDeletedSecrets(c)
	return h(s, c)
}

// save writes the state file. When that fails the in-memory state is
// reloaded from the file, so memory never runs ahead of the disk.
func (s *Server) save() error {
	err := s.writeState(s.statePath, s.st)
	if err == nil {
		return nil
	}
	if st, reloadErr := readStateData(s.statePath); reloadErr == nil {
		s.st = st
	}
	return err
}

func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return nil, err
	}
	return body, nil
}

func bodyError(svc *service, err error, limit int64) *apiError {
	var tooLarge *http.MaxBytesError
	if !errors.As(err, &tooLarge) {
		return newError(http.StatusBadRequest, "IncompleteBody", "The request body could not be read.")
	}
	if svc.kind == protocolREST {
		return newError(http.StatusBadRequest, "MaxMessageLengthExceeded", "Your request was too big.")
	}
	return newError(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The request body is larger than %d bytes.", limit)
}

func (s *Server) recoverPanic(c *call) {
	v := recover()
	if v == nil {
		return
	}
	s.logger.Error("AWS request handler panicked", "request_id", c.requestID, "service", c.svc.name, "operation", c.op, "panic", fmt.Sprint(v))
	if !c.written {
		c.writeError(internalError(c.svc))
	}
}

// maxUserAgent bounds the user agent kept in the request log.
const maxUserAgent = 256

func truncateUserAgent(ua string) string {
	if len(ua) > maxUserAgent {
		return ua[:maxUserAgent]
	}
	return ua
}

func (s *Server) logCall(c *call) {
	entry := LogEntry{
		Time:        c.now,
		Service:     c.svc.name,
		Operation:   c.op,
		AccessKeyID: c.accessKeyID,
		Status:      c.status,
		ErrorCode:   c.errorCode,
		RequestID:   c.requestID,
		UserAgent:   truncateUserAgent(c.r.UserAgent()),
	}
	if c.user != nil {
		entry.User = c.user.Name
	}
	if err := s.reqlog.write(entry); err != nil {
		s.logger.Error("write AWS request log failed", "request_id", c.requestID, "error", err)
	}
	s.logger.Debug("AWS request", "service", entry.Service, "operation", entry.Operation, "status", entry.Status, "error_code", entry.ErrorCode, "request_id", entry.RequestID)
}
