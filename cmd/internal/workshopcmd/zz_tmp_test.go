package workshopcmd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/secretslab/workshop/internal/secretscan"
	"github.com/secretslab/workshop/sandbox"
	"github.com/secretslab/workshop/sandbox/githost"
)

func TestTmpHookTiming(t *testing.T) {
	d := os.Getenv("HOOK_DIR")
	if d == "" {
		t.Skip()
	}
	repo := d + "/synthetic-hook/hooked.git"
	out, _ := exec.Command("git", "--git-dir", repo, "rev-parse", "main~1", "main").Output()
	ids := strings.Fields(string(out))
	for i := 0; i < 3; i++ {
		t0 := time.Now()
		sb, err := sandbox.Open(d + "/sandbox")
		if err != nil {
			t.Fatal(err)
		}
		values, err := sb.IssuedValues()
		if err != nil {
			t.Fatal(err)
		}
		t1 := time.Now()
		sc, err := secretscan.New(secretscan.Options{Known: values})
		if err != nil {
			t.Fatal(err)
		}
		t2 := time.Now()
		os.Chdir(repo)
		var rep bytes.Buffer
		_, err = githost.PreReceive(context.Background(), githost.PreReceiveOptions{RepoDir: repo, Updates: strings.NewReader(ids[0] + " " + ids[1] + " refs/heads/main\n"), Report: &rep, Scanner: sc, Now: time.Now, Actor: "x"})
		if err != nil {
			t.Fatal(err)
		}
		t3 := time.Now()
		fmt.Println("sandbox", t1.Sub(t0), "new", t2.Sub(t1), "prereceive", t3.Sub(t2))
	}
}
