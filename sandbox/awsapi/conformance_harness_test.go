package awsapi

import (
	"encoding/json"
	"testing"
	"time"
)

func TestFieldMatcherPredicates(t *testing.T) {
	t.Parallel()
	now := float64(time.Now().Unix())
	tests := []struct {
		name    string
		want    string
		got     any
		present bool
		ok      bool
	}{
		{"literal equal", `"a"`, "a", true, true},
		{"literal differs", `"a"`, "b", true, false},
		{"literal on absent field", `"a"`, nil, false, false},
		{"number equal", `20`, 20.0, true, true},
		{"present", `{"present": true}`, "x", true, true},
		{"present on absent field", `{"present": true}`, nil, false, false},
		{"absent", `{"absent": true}`, nil, false, true},
		{"absent on present field", `{"absent": true}`, "x", true, false},
		{"matches", `{"matches": "^a.c$"}`, "abc", true, true},
		{"matches a number", `{"matches": "1"}`, 1.0, true, false},
		{"epoch timestamp", `{"timestamp": true}`, now, true, true},
		{"RFC 3339 timestamp", `{"timestamp": true}`, time.Now().UTC().Format(time.RFC3339), true, true},
		{"old timestamp", `{"timestamp": true}`, now - 3*24*3600, true, false},
		{"len of list", `{"len": 2}`, []any{"a", "b"}, true, true},
		{"len of map", `{"len": 1}`, map[string]any{"k": "v"}, true, true},
		{"len differs", `{"len": 3}`, []any{"a"}, true, false},
		{"contains object", `{"contains": {"Key": "k"}}`, []any{map[string]any{"Key": "k"}}, true, true},
		{"set in any order", `{"set": ["b", "a"]}`, []any{"a", "b"}, true, true},
		{"set with an extra element", `{"set": ["a"]}`, []any{"a", "b"}, true, false},
		{"equals an object", `{"equals": {"a": 1}}`, map[string]any{"a": 1.0}, true, true},
		{"not", `{"not": {"equals": "a"}}`, "b", true, true},
		{"not on a match", `{"not": {"equals": "a"}}`, "a", true, false},
		{"all predicates must hold", `{"matches": "^a", "not": {"equals": "ab"}}`, "ab", true, false},
		{"object with other keys is a literal", `{"Key": "k"}`, map[string]any{"Key": "k"}, true, true},
	}
	run := &sequenceRun{tokens: map[string]string{}, saved: map[string]callResult{}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := run.matcherOf(json.RawMessage(tt.want))
			requireNoError(t, err)
			if ok, expected := m.match(tt.got, tt.present); ok != tt.ok {
				t.Errorf("match(%v) = %v (want %s), expected %v", tt.got, ok, expected, tt.ok)
			}
		})
	}
}

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	run := &sequenceRun{
		target: conformanceTarget{account: "111122223333", region: "eu-west-2"},
		prefix: "conf-abc",
		tokens: map[string]string{},
		saved: map[string]callResult{
			"create": {Output: map[string]any{"ARN": "arn:aws:secretsmanager:eu-west-2:111122223333:secret:conf-abc/db-Ab12Cd"}},
		},
	}
	tests := []struct{ in, want string }{
		{"${prefix}/db", "conf-abc/db"},
		{"${region}:${account}", "eu-west-2:111122223333"},
		{"${create.ARN|partial}", "arn:aws:secretsmanager:eu-west-2:111122223333:secret:conf-abc/db"},
		{"${create.ARN|name}", "conf-abc/db-Ab12Cd"},
		{"${fill:3}", "xxx"},
	}
	for _, tt := range tests {
		got, err := run.resolveString(tt.in)
		requireNoError(t, err)
		if got != tt.want {
			t.Errorf("resolve %q = %q, want %q", tt.in, got, tt.want)
		}
	}
	first, _ := run.resolveString("${token:v1}")
	again, _ := run.resolveString("${token:v1}")
	if first != again || len(first) != 36 {
		t.Errorf("token placeholder = %q then %q, want one UUID", first, again)
	}
	if _, err := run.resolveString("${missing.ARN}"); err == nil {
		t.Errorf("a reference to a call that never ran resolved")
	}
}

func TestCLIResultParsing(t *testing.T) {
	t.Parallel()
	statusLine := `2026-12-04 20:55:19,786 - MainThread - urllib3.connectionpool - DEBUG - http://127.0.0.1:5123 "POST / HTTP/1.1" 400 102` + "\n"
	errorLine := "\nAn error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.\n"
	tests := []struct {
		name string
		run  cliRun
		want callResult
	}{
		{"success", cliRun{Stdout: `{"Name": "a"}`, Stderr: `"POST / HTTP/1.1" 200 10`}, callResult{Status: 200, Output: map[string]any{"Name": "a"}}},
		{"success without output", cliRun{Stderr: `"POST / HTTP/1.1" 200 2`}, callResult{Status: 200, Output: map[string]any{}}},
		{"service error", cliRun{ExitCode: 255, Stderr: statusLine + errorLine},
			callResult{Status: 400, Error: "ResourceNotFoundException", Message: "Secrets Manager can't find the specified secret."}},
		{"service error with another exit code", cliRun{ExitCode: 254, Stderr: statusLine + errorLine},
			callResult{Status: 400, ClientError: "exit code 254 for service error ResourceNotFoundException, want 255"}},
		{"client error", cliRun{ExitCode: 252, Stderr: "Parameter validation failed:\nInvalid length for parameter Name"},
			callResult{ClientError: "exit code 252: Invalid length for parameter Name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := cliResult("GetSecretValue", tt.run)
			if compactJSON(got) != compactJSON(tt.want) {
				t.Errorf("cliResult = %s, want %s", compactJSON(got), compactJSON(tt.want))
			}
		})
	}
}

func TestKebabCase(t *testing.T) {
	t.Parallel()
	for op, want := range map[string]string{
		"GetSecretValue":       "get-secret-value",
		"ListSecretVersionIds": "list-secret-version-ids",
		"GetCallerIdentity":    "get-caller-identity",
	} {
		if got := kebabCase(op); got != want {
			t.Errorf("kebabCase(%s) = %s, want %s", op, got, want)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "SecretList.${prefix}/del.Tags", true},
		{"SecretList.*.Tags", "SecretList.${prefix}/del.Tags", true},
		{"create/[45]", "create/5", true},
		{"create/[45]", "create/6", false},
		{"Versions.*.KmsKeyIds", "Versions.x.VersionId", false},
		{"result", "result.x", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}
