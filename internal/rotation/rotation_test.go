package rotation

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestRotateFull(t *testing.T) {
	t.Parallel()
	env, _ := newTestEnv(t, 0)
	res, out, err := env.rotate(t, Options{UserName: appUser})
	if err != nil {
		t.Fatalf("Rotate: %v\n%s", err, out)
	}

	current, previous := env.stageValue(t, StageCurrent), env.stageValue(t, StagePrevious)
	if current.ID != res.NewKeyID || current.ID == env.app.ID {
		t.Errorf("AWSCURRENT holds %s, want the new key %s", current.ID, res.NewKeyID)
	}
	if previous.ID != env.app.ID || previous.Secret != env.app.Secret {
		t.Errorf("AWSPREVIOUS holds %s, want the old pair", previous.ID)
	}
	if pending := env.stageValue(t, StagePending); pending.ID != "" {
		t.Errorf("AWSPENDING still holds %s", pending.ID)
	}
	status := env.appKeys(t)
	if status[current.ID] != iamtypes.StatusTypeActive {
		t.Errorf("new key status = %q, want Active", status[current.ID])
	}
	if status[env.app.ID] != iamtypes.StatusTypeInactive {
		t.Errorf("old key status = %q, want Inactive", status[env.app.ID])
	}
	if got := env.boto3CurrentKeyID(t); got != current.ID {
		t.Errorf("boto3 get_secret_value returned key %s, want %s", got, current.ID)
	}
}

func TestRotateResult(t *testing.T) {
	t.Parallel()
	env, _ := newTestEnv(t, 0)
	before := env.stages(t)
	res, out, err := env.rotate(t, Options{UserName: appUser})
	if err != nil {
		t.Fatalf("Rotate: %v\n%s", err, out)
	}
	if res.OldKeyID != env.app.ID || res.UserName != appUser || res.Resumed || res.OldKeyDeleted || !res.OldKeyDeactivated {
		t.Errorf("result = %+v", res)
	}
	if _, ok := before[res.OldVersionID]; !ok {
		t.Errorf("OldVersionID %s is not the version the secret had before", res.OldVersionID)
	}
	after := env.stages(t)
	if strings.Join(after[res.NewVersionID], ",") != StageCurrent {
		t.Errorf("new version %s has stages %v, want only AWSCURRENT", res.NewVersionID, after[res.NewVersionID])
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(res.NewVersionID) {
		t.Errorf("new version id %q is not a version 4 UUID", res.NewVersionID)
	}
}

func TestRotateOutputRedacted(t *testing.T) {
	t.Parallel()
	env, _ := newTestEnv(t, 0)
	res, out, err := env.rotate(t, Options{UserName: appUser})
	if err != nil {
		t.Fatalf("Rotate: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	steps := []string{"createSecret: ", "setSecret: ", "testSecret: ", "finishSecret: "}
	if len(lines) != len(steps) {
		t.Fatalf("output has %d lines, want one per step:\n%s", len(lines), out)
	}
	for i, step := range steps {
		if !strings.HasPrefix(lines[i], step) {
			t.Errorf("line %d = %q, want it to start with %q", i+1, lines[i], step)
		}
	}
	current := env.stageValue(t, StageCurrent)
	for name, value := range map[string]string{
		"old key id": env.app.ID, "old secret": env.app.Secret, "new key id": res.NewKeyID, "new secret": current.Secret,
	} {
		if strings.Contains(out, value) {
			t.Errorf("output contains the %s", name)
		}
	}
}

func TestRotateDeleteOld(t *testing.T) {
	t.Parallel()
	env, _ := newTestEnv(t, 0)
	res, out, err := env.rotate(t, Options{UserName: appUser, DeleteOld: true})
	if err != nil {
		t.Fatalf("Rotate: %v\n%s", err, out)
	}
	status := env.appKeys(t)
	if _, ok := status[env.app.ID]; ok {
		t.Errorf("old key still exists with status %s", status[env.app.ID])
	}
	if len(status) != 1 || status[res.NewKeyID] != iamtypes.StatusTypeActive {
		t.Errorf("keys = %v, want only the new key, active", status)
	}
	if !res.OldKeyDeleted {
		t.Error("result does not report the old key deleted")
	}
	if previous := env.stageValue(t, StagePrevious); previous.ID != env.app.ID {
		t.Errorf("AWSPREVIOUS holds %s, want the old key", previous.ID)
	}
}

func TestRotateRemovesInactiveSecondKey(t *testing.T) {
	t.Parallel()
	env, extra := newTestEnv(t, 1)
	env.setStatus(t, extra[0].ID, iamtypes.StatusTypeInactive)
	res, out, err := env.rotate(t, Options{UserName: appUser})
	if err != nil {
		t.Fatalf("Rotate: %v\n%s", err, out)
	}
	if res.RemovedKeyID != extra[0].ID {
		t.Errorf("removed key = %s, want the inactive second key", res.RemovedKeyID)
	}
	status := env.appKeys(t)
	if _, ok := status[extra[0].ID]; ok {
		t.Error("the inactive second key still exists")
	}
	if status[res.NewKeyID] != iamtypes.StatusTypeActive || status[env.app.ID] != iamtypes.StatusTypeInactive {
		t.Errorf("keys = %v, want the new key active and the old one inactive", status)
	}
}

func TestRotateStopsAtActiveSecondKey(t *testing.T) {
	t.Parallel()
	env, extra := newTestEnv(t, 1)
	before := env.stages(t)
	_, out, err := env.rotate(t, Options{UserName: appUser})
	if !errors.Is(err, ErrActiveKey) {
		t.Fatalf("Rotate error = %v, want ErrActiveKey\n%s", err, out)
	}
	for _, want := range []string{appUser, "update-access-key", "--status Inactive", secretName, extra[0].ID[:4] + "…"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), extra[0].ID) {
		t.Error("error contains the full id of the active key")
	}
	status := env.appKeys(t)
	if len(status) != 2 || status[extra[0].ID] != iamtypes.StatusTypeActive || status[env.app.ID] != iamtypes.StatusTypeActive {
		t.Errorf("keys = %v, want both keys unchanged and active", status)
	}
	if after := env.stages(t); len(after) != len(before) {
		t.Errorf("secret versions = %v, want them unchanged (%v)", after, before)
	}
}

func TestRotateResumesAfterFailedFinish(t *testing.T) {
	t.Parallel()
	env, _ := newTestEnv(t, 0)
	env.failAfter("UpdateSecretVersionStage", 0, 1)
	_, out, err := env.rotate(t, Options{UserName: appUser})
	if err == nil {
		t.Fatalf("Rotate succeeded through an injected failure\n%s", out)
	}
	pending := env.stageValue(t, StagePending)
	if pending.ID == "" {
		t.Fatal("no AWSPENDING version after a failure in finishSecret")
	}
	if current := env.stageValue(t, StageCurrent); current.ID != env.app.ID {
		t.Fatalf("AWSCURRENT moved to %s before finishSecret completed", current.ID)
	}

	res, out, err := env.rotate(t, Options{UserName: appUser})
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	if !res.Resumed || res.NewKeyID != pending.ID {
		t.Errorf("rerun result = %+v, want it to resume with the pending key", res)
	}
	if !strings.Contains(out, "continuing with pending version") {
		t.Errorf("rerun output does not say it resumed:\n%s", out)
	}
	status := env.appKeys(t)
	if len(status) != 2 || status[pending.ID] != iamtypes.StatusTypeActive || status[env.app.ID] != iamtypes.StatusTypeInactive {
		t.Errorf("keys = %v, want the pending key active and the old key inactive, and no third key", status)
	}
	if current := env.stageValue(t, StageCurrent); current.ID != pending.ID {
		t.Errorf("AWSCURRENT holds %s, want the pending key", current.ID)
	}
}

func TestRotateResumesAfterCurrentMoved(t *testing.T) {
	t.Parallel()
	env, _ := newTestEnv(t, 0)
	// The first UpdateSecretVersionStage (AWSCURRENT) passes, the second
	// (removing AWSPENDING) fails.
	env.failAfter("UpdateSecretVersionStage", 1, 1)
	_, out, err := env.rotate(t, Options{UserName: appUser})
	if err == nil {
		t.Fatalf("Rotate succeeded through an injected failure\n%s", out)
	}
	res, out, err := env.rotate(t, Options{UserName: appUser})
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	if res.OldKeyID != env.app.ID || !res.Resumed {
		t.Errorf("rerun result = %+v, want it to resume and retire the first key", res)
	}
	if pending := env.stageValue(t, StagePending); pending.ID != "" {
		t.Error("AWSPENDING still set after the rerun")
	}
	if previous := env.stageValue(t, StagePrevious); previous.ID != env.app.ID {
		t.Errorf("AWSPREVIOUS holds %s, want the old key", previous.ID)
	}
	if status := env.appKeys(t); status[env.app.ID] != iamtypes.StatusTypeInactive || len(status) != 2 {
		t.Errorf("keys = %v, want the old key inactive and no third key", status)
	}
}

func TestRotateDeletesUnstoredKey(t *testing.T) {
	t.Parallel()
	env, _ := newTestEnv(t, 0)
	env.failAfter("PutSecretValue", 0, 1)
	_, out, err := env.rotate(t, Options{UserName: appUser})
	if err == nil || !strings.Contains(err.Error(), "was deleted again") {
		t.Fatalf("Rotate error = %v, want the failed store and the new key deleted\n%s", err, out)
	}
	if status := env.appKeys(t); len(status) != 1 {
		t.Errorf("keys = %v, want only the old key", status)
	}
	if _, out, err := env.rotate(t, Options{UserName: appUser}); err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
}

func TestRotateStartsOverWhenPendingKeyIsGone(t *testing.T) {
	t.Parallel()
	env, _ := newTestEnv(t, 0)
	env.failAfter("UpdateSecretVersionStage", 0, 1)
	if _, out, err := env.rotate(t, Options{UserName: appUser}); err == nil {
		t.Fatalf("Rotate succeeded through an injected failure\n%s", out)
	}
	stale := env.stageValue(t, StagePending)
	env.deleteKey(t, stale.ID)

	res, out, err := env.rotate(t, Options{UserName: appUser})
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	if res.Resumed || res.NewKeyID == stale.ID {
		t.Errorf("rerun result = %+v, want a new key instead of the deleted pending one", res)
	}
	if !strings.Contains(out, "starting over") {
		t.Errorf("rerun output does not say it started over:\n%s", out)
	}
	if current := env.stageValue(t, StageCurrent); current.ID != res.NewKeyID {
		t.Errorf("AWSCURRENT holds %s, want %s", current.ID, res.NewKeyID)
	}
}

func TestRotateRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		value func(env *testEnv) string
		user  string
		want  error
	}{
		{"value not JSON", func(*testEnv) string { return "not json" }, appUser, ErrInvalidValue},
		{"value lacks the secret", func(env *testEnv) string { return `{"` + MemberAccessKeyID + `":"` + env.app.ID + `"}` }, appUser, ErrInvalidValue},
		{"UserName member disagrees", func(env *testEnv) string {
			return `{"` + MemberAccessKeyID + `":"` + env.app.ID + `","` + MemberSecretAccessKey + `":"` + env.app.Secret + `","UserName":"someone-else"}`
		}, appUser, ErrWrongUser},
		{"key of another user", func(env *testEnv) string { return pairJSON(env.admin) }, appUser, ErrWrongUser},
		{"no user at all", func(env *testEnv) string { return pairJSON(env.app) }, "", ErrInvalidOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, _ := newTestEnv(t, 0)
			env.putCurrent(t, tt.value(env))
			_, out, err := env.rotate(t, Options{UserName: tt.user})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Rotate error = %v, want %v\n%s", err, tt.want, out)
			}
			if len(env.appKeys(t)) != 1 {
				t.Error("a rejected rotation changed the app user's keys")
			}
		})
	}
}

func TestRotateUserFromSecret(t *testing.T) {
	t.Parallel()
	env, _ := newTestEnv(t, 0)
	env.putCurrent(t, `{"UserName":"`+appUser+`","`+MemberAccessKeyID+`":"`+env.app.ID+`","`+MemberSecretAccessKey+`":"`+env.app.Secret+`","Note":{"kept":true}}`)
	res, out, err := env.rotate(t, Options{})
	if err != nil {
		t.Fatalf("Rotate: %v\n%s", err, out)
	}
	if res.UserName != appUser {
		t.Errorf("user = %q, want %q", res.UserName, appUser)
	}
	current := env.stageValue(t, StageCurrent)
	if current.UserName != appUser || string(current.members["Note"]) != `{"kept":true}` {
		t.Errorf("new value lost members: UserName=%q Note=%s", current.UserName, current.members["Note"])
	}
}

func TestNewTokenIsRandom(t *testing.T) {
	t.Parallel()
	a, err := newToken(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := newToken(nil)
	if err != nil {
		t.Fatal(err)
	}
	if a == b || len(a) != 36 {
		t.Errorf("tokens %q and %q: want two different 36-character UUIDs", a, b)
	}
}
