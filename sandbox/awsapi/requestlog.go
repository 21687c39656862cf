package awsapi

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"
)

// LogEntry is one line of the request log. It never contains a secret value,
// a secret access key or a request body.
type LogEntry struct {
	Time        time.Time `json:"time"`
	Service     string    `json:"service"`
	Operation   string    `json:"operation"`
	AccessKeyID string    `json:"access_key_id,omitempty"`
	// User is the IAM user who signed the request, when the signature was
	// valid.
	User      string `json:"user,omitempty"`
	Status    int    `json:"status"`
	ErrorCode string `json:"error_code,omitempty"`
	RequestID string `json:"request_id"`
	// UserAgent is the client's User-Agent header, cut to 256 bytes, which
	// tells the sample app's boto3 requests from the workshop's own checks.
	UserAgent string `json:"user_agent,omitempty"`
}

// requestLog appends entries to a JSON Lines file.
type requestLog struct {
	mu   sync.Mutex
	file *os.File
}

func openRequestLog(path string) (*requestLog, error) {
	if path == "" {
		return &requestLog{}, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open request log: %w", err)
	}
	return &requestLog{file: f}, nil
}

// write appends one entry. Each entry is a single write call on a file
// opened with O_APPEND, so concurrent lines never interleave.
func (l *requestLog) write(e LogEntry) error {
	if l.file == nil {
		return nil
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode request log entry: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.file.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("write request log: %w", err)
	}
	return nil
}

func (l *requestLog) close() error {
	if l.file == nil {
		return nil
	}
	return l.file.Close()
}

// ReadRequestLog reads every entry of the request log at path. A missing
// file holds no entries. A line that is not valid JSON, such as one cut
// short by a crash, is skipped.
func ReadRequestLog(path string) ([]LogEntry, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read request log: %w", err)
	}
	defer f.Close()

	var entries []LogEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		var e LogEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			entries = append(entries, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read request log %s: %w", path, err)
	}
	return entries, nil
}
