package githost

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secretslab/workshop/internal/secretscan"
)

func TestParseRawDiff(t *testing.T) {
	t.Parallel()
	const (
		a    = "1111111111111111111111111111111111111111"
		b    = "2222222222222222222222222222222222222222"
		c    = "3333333333333333333333333333333333333333"
		null = "0000000000000000000000000000000000000000"
	)
	out := ":100644 100644 " + a + " " + b + " M\x00app.py\x00" +
		":000000 100644 " + null + " " + c + " A\x00new.py\x00" +
		":100644 000000 " + a + " " + null + " D\x00gone.py\x00" +
		":100644 100644 " + a + " " + b + " R087\x00old.py\x00renamed.py\x00" +
		":000000 160000 " + null + " " + c + " A\x00vendor/lib\x00" +
		"::100644 100644 100644 " + a + " " + b + " " + c + " MM\x00merged.py\x00" +
		"::000000 000000 100644 " + null + " " + null + " " + c + " AA\x00evil.py\x00"
	got, err := parseRawDiff(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []change{
		{path: "app.py", blob: b, mode: "100644", parents: []string{a}},
		{path: "new.py", blob: c, mode: "100644", newPath: true},
		{path: "renamed.py", blob: b, mode: "100644", newPath: true, parents: []string{a}},
		{path: "merged.py", blob: c, mode: "100644", parents: []string{a, b}},
		{path: "evil.py", blob: c, mode: "100644", newPath: true},
	}
	if len(got) != len(want) {
		t.Fatalf("parseRawDiff = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].path != want[i].path || got[i].blob != want[i].blob || got[i].newPath != want[i].newPath ||
			strings.Join(got[i].parents, ",") != strings.Join(want[i].parents, ",") {
			t.Errorf("change %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := parseRawDiff(":100644 " + a + " M\x00x\x00"); err == nil {
		t.Error("parseRawDiff accepted a header without enough fields")
	}
}

func TestParseUpdates(t *testing.T) {
	t.Parallel()
	old := strings.Repeat("0", 40)
	newID := strings.Repeat("ab", 20)
	got, err := parseUpdates(strings.NewReader(old + " " + newID + " refs/heads/main\n\n" + newID + " " + old + " refs/heads/gone\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != (RefUpdate{Old: old, New: newID, Ref: "refs/heads/main"}) || !isNullID(got[1].New) {
		t.Errorf("parseUpdates = %+v", got)
	}
	_, err = parseUpdates(strings.NewReader("not an update\n"))
	if err == nil || !strings.Contains(err.Error(), `"not an update"`) {
		t.Errorf("error = %v, want one naming the invalid line", err)
	}
}

func TestInstallHookQuotesArguments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"it's", "two words", "$HOME", "`id`", `back\slash`}
	echo, err := exec.LookPath("echo")
	if err != nil {
		t.Skip("no echo binary")
	}
	if err := InstallHook(dir, append([]string{echo}, args...)); err != nil {
		t.Fatal(err)
	}
	hook := filepath.Join(dir, "hooks", "pre-receive")
	info, err := os.Stat(hook)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm()&0o111 == 0 {
		t.Errorf("hook mode %v is not executable", info.Mode())
	}
	out, err := exec.Command(hook).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(string(out)), strings.Join(args, " "); got != want {
		t.Errorf("hook passed %q, want %q", got, want)
	}
}

func TestForkAndCreateBareRefuseExistingFolder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	upstream := filepath.Join(dir, "upstream.git")
	if err := CreateBare(ctx, upstream); err != nil {
		t.Fatal(err)
	}
	if err := CreateBare(ctx, upstream); !errors.Is(err, ErrRepoExists) {
		t.Errorf("second CreateBare error = %v, want ErrRepoExists", err)
	}
	fork := filepath.Join(dir, "fork.git")
	opts := ForkOptions{UpstreamDir: upstream, ForkDir: fork, HookCommand: []string{"true"}}
	if err := Fork(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(fork, ProtectionDir)); err != nil {
		t.Errorf("fork has no %s folder: %v", ProtectionDir, err)
	}
	if err := Fork(ctx, opts); !errors.Is(err, ErrRepoExists) || !strings.Contains(err.Error(), fork) {
		t.Errorf("second Fork error = %v, want ErrRepoExists naming %s", err, fork)
	}
	opts.ForkDir = filepath.Join(dir, "other.git")
	opts.HookCommand = nil
	if err := Fork(ctx, opts); err == nil {
		t.Error("Fork without a hook command succeeded")
	}
}

func TestReadEventsFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	events, err := ReadEvents(dir)
	if err != nil || events != nil {
		t.Errorf("ReadEvents of a fork without events = %v, %v; want none", events, err)
	}
	ev := Event{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Actor: "learner", Blocked: true}
	if err := appendEvent(dir, ev); err != nil {
		t.Fatal(err)
	}
	if err := appendEvent(dir, ev); err != nil {
		t.Fatal(err)
	}
	events, err = ReadEvents(dir)
	if err != nil || len(events) != 2 || !events[1].Time.Equal(ev.Time) || !events[1].Blocked {
		t.Errorf("ReadEvents = %+v, %v; want the two events", events, err)
	}

	path := filepath.Join(dir, ProtectionDir, EventsFile)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{broken\n")
	f.Close()
	if _, err := ReadEvents(dir); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("error = %v, want one naming line 3", err)
	}
}

func TestPreReceiveValidatesOptions(t *testing.T) {
	t.Parallel()
	_, err := PreReceive(context.Background(), PreReceiveOptions{RepoDir: t.TempDir()})
	if err == nil {
		t.Fatal("PreReceive without options succeeded")
	}
	for _, name := range []string{"Updates", "Report", "Scanner", "Now"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name the missing %s", err, name)
		}
	}

	scanner, err := secretscan.New(secretscan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = PreReceive(context.Background(), PreReceiveOptions{
		RepoDir: t.TempDir(),
		Updates: strings.NewReader("abc def refs/heads/main\n"),
		Report:  &bytes.Buffer{},
		Scanner: scanner,
		Now:     time.Now,
	})
	if err == nil || !strings.Contains(err.Error(), "invalid ref update") {
		t.Errorf("error = %v, want an invalid ref update", err)
	}
}
