package githost

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/secretslab/workshop/internal/secretscan"
)

func TestTmpHistory(t *testing.T) {
	repo := os.Getenv("HIST_REPO")
	if repo == "" {
		t.Skip()
	}
	sc, _ := secretscan.New(secretscan.Options{})
	start := time.Now()
	res, err := ScanHistory(context.Background(), HistoryOptions{RepoDir: repo, Scanner: sc})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("commits", res.Commits, "blobs", res.Blobs, "findings", len(res.Findings), time.Since(start))
}
