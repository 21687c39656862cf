package awsapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/secretslab/workshop/internal/keys"
)

// The conformance suite runs call sequences written as data, in
// testdata/conformance/*.json, through three official clients: the Go SDK,
// boto3 and the aws CLI. Each call names an operation, its input in the API's
// PascalCase JSON shape, and what the response must contain.
//
// Strings in inputs, expectations and field paths may hold placeholders:
//
//	${prefix}          a name prefix unique to the run
//	${region}          the region the clients use
//	${account}         the account id the endpoint puts in ARNs
//	${token:NAME}      a random UUID, the same for every use of NAME in a run
//	${fill:N}          N characters, for size limits
//	${ID.PATH}         the field PATH of the output of the call with id ID
//	${ID.PATH|partial} that value without its last 7 characters, which turns
//	                   a secret's ARN into a partial ARN
//	${ID.PATH|name}    the part of an ARN after ":secret:", a name with the
//	                   random suffix
//
// An expectation for an output field is either a literal JSON value, which
// must be equal, or an object of predicates that must all hold:
//
//	{"present": true}  the field exists
//	{"absent": true}   the field does not exist
//	{"matches": RE}    the field is a string that matches the regexp
//	{"timestamp": true} the field is a time within a day of now, as epoch
//	                   seconds or an RFC 3339 string
//	{"len": N}         the field is a list, map or string of length N
//	{"contains": V}    the field is a list with an element equal to V
//	{"set": [V...]}    the field is a list with the same elements in any order
//	{"equals": V}      the field equals V, which may be an object
//	{"not": M}         the predicate object M does not hold

// conformanceSpec is one file of call sequences.
type conformanceSpec struct {
	// Service is the default service of the calls.
	Service   string         `json:"service"`
	Sequences []specSequence `json:"sequences"`
}

// specSequence is a list of calls that run in order. Sequences share no
// names, so the sequences of a file can run at the same time against one
// endpoint.
type specSequence struct {
	Name  string     `json:"name"`
	Note  string     `json:"note"`
	Calls []specCall `json:"calls"`
}

// specCall is one call of a sequence.
type specCall struct {
	// ID names the call so later calls can use its output; it defaults to
	// the call's 1-based position.
	ID      string `json:"id"`
	Service string `json:"service"`
	Op      string `json:"op"`
	// Credentials are "" for the sandbox learner's key, "unknown" for a key
	// the endpoint never issued, "bad-signature" for the learner's key id
	// with a wrong secret, or an object {"id": ..., "secret": ...}.
	Credentials json.RawMessage `json:"credentials"`
	Input       json.RawMessage `json:"input"`
	Expect      specExpect      `json:"expect"`
	// Skip maps a client name (go, boto3, cli) to why that client cannot
	// send this call, such as a value below a minimum that the client
	// itself rejects.
	Skip map[string]string `json:"skip"`
	// Note describes what the call shows.
	Note string `json:"note"`
}

type specExpect struct {
	Status int    `json:"status"`
	Error  string `json:"error"`
	// Output maps field paths, with "." between segments and list indexes
	// as numbers, to expectations.
	Output map[string]json.RawMessage `json:"output"`
}

// callResult is what a client got back from one call, in the same form for
// every client: timestamps as epoch seconds (or RFC 3339 strings where the
// client gives no number), blobs as base64 strings.
type callResult struct {
	Status  int            `json:"status"`
	Error   string         `json:"error,omitempty"`
	Message string         `json:"message,omitempty"`
	Output  map[string]any `json:"output,omitempty"`
	// ClientError is set when the client failed without a response from
	// the endpoint, for example in its own parameter validation.
	ClientError string `json:"client_error,omitempty"`
}

// resolvedCall is a call with its placeholders filled in.
type resolvedCall struct {
	Service string
	Op      string
	Input   map[string]any
	Key     SeedKey
}

// conformanceDriver sends calls through one client.
type conformanceDriver interface {
	name() string
	call(t *testing.T, c resolvedCall) callResult
}

// conformanceTarget is the endpoint a sequence runs against.
type conformanceTarget struct {
	url     string
	account string
	region  string
	learner SeedKey
}

// recordedCall is one call's result, kept for comparison between targets.
type recordedCall struct {
	spec   specCall
	result callResult
}

func loadSpec(t testing.TB, name string) *conformanceSpec {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "conformance", name))
	if err != nil {
		t.Fatalf("read conformance spec: %v", err)
	}
	var spec conformanceSpec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		t.Fatalf("decode conformance spec %s: %v", name, err)
	}
	for _, seq := range spec.Sequences {
		for i := range seq.Calls {
			c := &seq.Calls[i]
			if c.ID == "" {
				c.ID = strconv.Itoa(i + 1)
			}
			if c.Service == "" {
				c.Service = spec.Service
			}
		}
	}
	return &spec
}

// sequenceRun holds the state of one run of a sequence: the placeholder
// values and every call's result so far.
type sequenceRun struct {
	target  conformanceTarget
	prefix  string
	tokens  map[string]string
	unknown SeedKey
	wrong   SeedKey
	saved   map[string]callResult
	results []recordedCall
	// aliases maps generated version ids to stable names for comparison.
	aliases map[string]string
}

func newSequenceRun(t testing.TB, target conformanceTarget) *sequenceRun {
	return &sequenceRun{
		target:  target,
		prefix:  "conf-" + strings.ToLower(newARNSuffix()),
		tokens:  map[string]string{},
		unknown: newKey(t),
		wrong:   SeedKey{ID: target.learner.ID, Secret: newKey(t).Secret},
		saved:   map[string]callResult{},
	}
}

// runSequence sends every call of seq through d. With check set it checks
// each result against the call's expectations; either way the returned run
// holds the results.
func runSequence(t *testing.T, seq specSequence, d conformanceDriver, target conformanceTarget, check bool) *sequenceRun {
	t.Helper()
	run := newSequenceRun(t, target)
	for _, c := range seq.Calls {
		if reason, ok := c.Skip[d.name()]; ok {
			t.Logf("call %s %s: skipped for %s: %s", c.ID, c.Op, d.name(), reason)
			continue
		}
		res := run.send(t, d, c)
		run.saved[c.ID] = res
		run.results = append(run.results, recordedCall{spec: c, result: res})
		if check {
			for _, problem := range run.verify(c, res) {
				t.Errorf("call %s %s: %s", c.ID, c.Op, problem)
			}
		}
	}
	return run
}

// send resolves a call's placeholders and sends it. A call whose input
// refers to an output that an earlier call did not produce is not sent.
func (r *sequenceRun) send(t *testing.T, d conformanceDriver, c specCall) callResult {
	t.Helper()
	var input map[string]any
	if len(c.Input) > 0 {
		if err := json.Unmarshal(c.Input, &input); err != nil {
			t.Fatalf("call %s: decode input: %v", c.ID, err)
		}
	}
	resolved, err := r.resolveValue(input)
	if err != nil {
		return callResult{ClientError: "input not sent: " + err.Error()}
	}
	input, _ = resolved.(map[string]any)
	if input == nil {
		input = map[string]any{}
	}
	key, err := r.credentials(c.Credentials)
	if err != nil {
		return callResult{ClientError: "input not sent: " + err.Error()}
	}
	return d.call(t, resolvedCall{Service: c.Service, Op: c.Op, Input: input, Key: key})
}

func (r *sequenceRun) credentials(raw json.RawMessage) (SeedKey, error) {
	if len(raw) == 0 {
		return r.target.learner, nil
	}
	var kind string
	if json.Unmarshal(raw, &kind) == nil {
		switch kind {
		case "unknown":
			return r.unknown, nil
		case "bad-signature":
			return r.wrong, nil
		}
		return SeedKey{}, fmt.Errorf("unknown credentials %q", kind)
	}
	var pair struct{ ID, Secret string }
	if err := json.Unmarshal(raw, &pair); err != nil {
		return SeedKey{}, fmt.Errorf("decode credentials: %w", err)
	}
	id, err := r.resolveString(pair.ID)
	if err != nil {
		return SeedKey{}, err
	}
	secret, err := r.resolveString(pair.Secret)
	return SeedKey{ID: id, Secret: secret}, err
}

var placeholderPattern = regexp.MustCompile(`\$\{([^}]+)\}`)

// resolveValue fills in the placeholders of every string in a decoded JSON
// value.
func (r *sequenceRun) resolveValue(v any) (any, error) {
	switch v := v.(type) {
	case string:
		return r.resolveString(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			y, err := r.resolveValue(x)
			if err != nil {
				return nil, err
			}
			out[i] = y
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			y, err := r.resolveValue(x)
			if err != nil {
				return nil, err
			}
			out[k] = y
		}
		return out, nil
	}
	return v, nil
}

func (r *sequenceRun) resolveString(s string) (string, error) {
	var firstErr error
	out := placeholderPattern.ReplaceAllStringFunc(s, func(m string) string {
		v, err := r.placeholder(m[2 : len(m)-1])
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return v
	})
	return out, firstErr
}

func (r *sequenceRun) placeholder(name string) (string, error) {
	switch {
	case name == "prefix":
		return r.prefix, nil
	case name == "region":
		return r.target.region, nil
	case name == "account":
		return r.target.account, nil
	case strings.HasPrefix(name, "token:"):
		tok, ok := r.tokens[name]
		if !ok {
			tok = newUUID()
			r.tokens[name] = tok
		}
		return tok, nil
	case strings.HasPrefix(name, "fill:"):
		n, err := strconv.Atoi(strings.TrimPrefix(name, "fill:"))
		if err != nil {
			return "", fmt.Errorf("invalid placeholder %q: %w", name, err)
		}
		return strings.Repeat("x", n), nil
	}
	return r.savedValue(name)
}

// savedValue returns "ID.PATH" or "ID.PATH|FILTER" from an earlier output.
func (r *sequenceRun) savedValue(name string) (string, error) {
	ref, filter, _ := strings.Cut(name, "|")
	id, path, ok := strings.Cut(ref, ".")
	res, found := r.saved[id]
	if !ok || !found {
		return "", fmt.Errorf("placeholder ${%s} names no earlier call", name)
	}
	v, found := lookupPath(res.Output, path)
	s, isString := v.(string)
	if !found || !isString {
		return "", fmt.Errorf("placeholder ${%s}: call %s returned no string at %s", name, id, path)
	}
	switch filter {
	case "":
		return s, nil
	case "partial":
		return s[:max(0, len(s)-7)], nil
	case "name":
		_, after, _ := strings.Cut(s, ":secret:")
		return after, nil
	}
	return "", fmt.Errorf("placeholder ${%s}: unknown filter %q", name, filter)
}

// lookupPath finds a field in a decoded JSON value by a path of map keys and
// list indexes separated by ".".
func lookupPath(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for seg := range strings.SplitSeq(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// verify returns what is wrong with a call's result.
func (r *sequenceRun) verify(c specCall, res callResult) []string {
	if res.ClientError != "" {
		return []string{"client failed: " + res.ClientError}
	}
	var problems []string
	want := c.Expect
	if want.Status == 0 {
		want.Status = 200
	}
	if res.Status != want.Status {
		problems = append(problems, fmt.Sprintf("HTTP status = %d, want %d", res.Status, want.Status))
	}
	if res.Error != want.Error {
		problems = append(problems, fmt.Sprintf("error code = %q (%s), want %q", res.Error, res.Message, want.Error))
	}
	for _, path := range slices.Sorted(maps.Keys(want.Output)) {
		if p := r.verifyField(res.Output, path, want.Output[path]); p != "" {
			problems = append(problems, p)
		}
	}
	return problems
}

func (r *sequenceRun) verifyField(output map[string]any, rawPath string, rawWant json.RawMessage) string {
	path, err := r.resolveString(rawPath)
	if err != nil {
		return fmt.Sprintf("field %s: %v", rawPath, err)
	}
	m, err := r.matcherOf(rawWant)
	if err != nil {
		return fmt.Sprintf("field %s: %v", rawPath, err)
	}
	got, present := lookupPath(output, path)
	if ok, expected := m.match(got, present); !ok {
		return fmt.Sprintf("field %s = %s, want %s", rawPath, showValue(path, got, present), expected)
	}
	return ""
}

// fieldMatcher is a resolved expectation for one output field.
type fieldMatcher map[string]any

var predicateNames = []string{"present", "absent", "matches", "timestamp", "len", "contains", "set", "equals", "not"}

// matcherOf decodes an expectation: a predicate object, or a literal that
// the field must equal.
func (r *sequenceRun) matcherOf(raw json.RawMessage) (fieldMatcher, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("decode expectation: %w", err)
	}
	resolved, err := r.resolveValue(v)
	if err != nil {
		return nil, err
	}
	return toMatcher(resolved), nil
}

func isPredicateObject(obj map[string]any) bool {
	for k := range obj {
		if !slices.Contains(predicateNames, k) {
			return false
		}
	}
	return true
}

func toMatcher(v any) fieldMatcher {
	obj, ok := v.(map[string]any)
	if ok && len(obj) > 0 && isPredicateObject(obj) {
		return obj
	}
	return fieldMatcher{"equals": v}
}

// match reports whether a field satisfies every predicate, and otherwise
// describes the expectation that failed.
func (m fieldMatcher) match(got any, present bool) (bool, string) {
	for _, name := range slices.Sorted(maps.Keys(m)) {
		if !matchPredicate(name, m[name], got, present) {
			return false, predicateText(name, m[name])
		}
	}
	return true, ""
}

func matchPredicate(name string, arg, got any, present bool) bool {
	switch name {
	case "absent":
		return !present
	case "not":
		ok, _ := toMatcher(arg).match(got, present)
		return !ok
	}
	if !present {
		return false
	}
	switch name {
	case "present":
		return true
	case "matches":
		s, ok := got.(string)
		return ok && regexp.MustCompile(fmt.Sprint(arg)).MatchString(s)
	case "timestamp":
		return isRecentTimestamp(got)
	case "len":
		return lengthOf(got) == int(toFloat(arg))
	case "contains":
		list, _ := got.([]any)
		return slices.ContainsFunc(list, func(x any) bool { return jsonEqual(x, arg) })
	case "set":
		return sameElements(got, arg)
	}
	return jsonEqual(got, arg)
}

// predicateText describes a predicate for a failure message.
func predicateText(name string, arg any) string {
	switch name {
	case "absent", "present":
		return name
	case "not":
		return "not " + compactJSON(arg)
	case "matches":
		return "a string matching " + fmt.Sprint(arg)
	case "timestamp":
		return "a timestamp within a day of now"
	case "len":
		return fmt.Sprintf("length %v", arg)
	case "contains":
		return "a list containing " + compactJSON(arg)
	case "set":
		return "the elements " + compactJSON(arg) + " in any order"
	}
	return compactJSON(arg)
}

func isRecentTimestamp(v any) bool {
	var t time.Time
	switch x := v.(type) {
	case float64:
		t = time.UnixMilli(int64(x * 1000))
	case string:
		parsed, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			return false
		}
		t = parsed
	default:
		return false
	}
	return time.Since(t).Abs() < 25*time.Hour
}

func lengthOf(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case map[string]any:
		return len(x)
	case string:
		return len(x)
	}
	return -1
}

func toFloat(v any) float64 {
	f, _ := v.(float64)
	return f
}

func sameElements(got, want any) bool {
	g, ok1 := got.([]any)
	w, ok2 := want.([]any)
	if !ok1 || !ok2 || len(g) != len(w) {
		return false
	}
	sortJSON := func(xs []any) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = compactJSON(x)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(sortJSON(g), sortJSON(w))
}

func jsonEqual(a, b any) bool {
	return reflect.DeepEqual(a, b)
}

func compactJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

// sensitiveFieldPattern matches the output fields whose values are secrets.
var sensitiveFieldPattern = regexp.MustCompile(`SecretString|SecretBinary|SecretAccessKey|RandomPassword`)

// showValue renders a field for a failure message, with secret values
// redacted and long values cut.
func showValue(path string, v any, present bool) string {
	if !present {
		return "absent"
	}
	return truncate(compactJSON(redactValue(v, sensitiveFieldPattern.MatchString(path))), 200)
}

// redactValue replaces every string that is, or sits under, a sensitive
// field with its redacted form.
func redactValue(v any, sensitive bool) any {
	switch x := v.(type) {
	case string:
		if sensitive {
			return keys.Redact(x)
		}
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactValue(e, sensitive)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = redactValue(e, sensitive || sensitiveFieldPattern.MatchString(k))
		}
		return out
	}
	return v
}

// target returns the env's endpoint as a conformance target.
func (e *testEnv) target() conformanceTarget {
	return conformanceTarget{url: e.url, account: testAccount, region: testRegion, learner: e.learner}
}

// requireBoto3 skips a test when python3 with boto3 is not installed.
func requireBoto3(t *testing.T) {
	t.Helper()
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skipf("skipping boto3: python3 with boto3 is not installed: %v", err)
	}
}

// requireCLIv1 skips a test under -short, and when the aws CLI on PATH is
// missing or is not version 1, whose exit codes and blob handling the CLI
// driver expects. It returns the CLI to run.
func requireCLIv1(t *testing.T) cliProgram {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping the aws CLI in short mode: it is slow to start")
	}
	cli, err := findCLI()
	if err != nil {
		t.Skipf("skipping the aws CLI: it is not installed: %v", err)
	}
	out, err := exec.Command(cli.program, "--version").CombinedOutput()
	if err != nil {
		t.Skipf("skipping the aws CLI: %s --version failed: %v", cli.program, err)
	}
	if !strings.HasPrefix(string(out), "aws-cli/1.") {
		t.Skipf("skipping the aws CLI: want version 1, found %s", strings.TrimSpace(string(out)))
	}
	return cli
}

// conformanceClient is one official client the suite runs through.
type conformanceClient struct {
	name string
	// setup skips the test when the client is not usable, and otherwise
	// returns a function that starts a driver for one sequence.
	setup func(t *testing.T) func(t *testing.T, target conformanceTarget) conformanceDriver
}

var conformanceClients = []conformanceClient{
	{"go", func(t *testing.T) func(*testing.T, conformanceTarget) conformanceDriver {
		return func(t *testing.T, target conformanceTarget) conformanceDriver {
			return newSDKDriver(target.url, target.region)
		}
	}},
	{"boto3", func(t *testing.T) func(*testing.T, conformanceTarget) conformanceDriver {
		requireBoto3(t)
		return func(t *testing.T, target conformanceTarget) conformanceDriver {
			return newBoto3Driver(t, target)
		}
	}},
	{"cli", func(t *testing.T) func(*testing.T, conformanceTarget) conformanceDriver {
		cli := requireCLIv1(t)
		return func(t *testing.T, target conformanceTarget) conformanceDriver {
			return newCLIDriver(t, cli, target)
		}
	}},
}

// conformanceFiles are the spec files under testdata/conformance.
var conformanceFiles = []string{"secretsmanager.json", "iam_sts_s3.json"}

// TestConformance runs every sequence through every client. Each client gets
// its own endpoint, and the sequences run at the same time against it.
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, client := range conformanceClients {
		t.Run(client.name, func(t *testing.T) {
			t.Parallel()
			start := client.setup(t)
			env := newTestEnv(t)
			for _, file := range conformanceFiles {
				spec := loadSpec(t, file)
				for _, seq := range spec.Sequences {
					t.Run(strings.TrimSuffix(file, ".json")+"/"+seq.Name, func(t *testing.T) {
						t.Parallel()
						runSequence(t, seq, start(t, env.target()), env.target(), true)
					})
				}
			}
		})
	}
}
