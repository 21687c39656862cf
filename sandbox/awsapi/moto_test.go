package awsapi

import (
	"bytes"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// motoAccount is the account id moto puts in ARNs.
const motoAccount = "123456789012"

// startMoto starts moto_server on a free loopback port and returns its URL.
// It skips the test under -short and when moto is not installed.
func startMoto(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("skipping moto in short mode: moto_server takes seconds to start")
	}
	program, err := exec.LookPath("moto_server")
	if err != nil {
		tb.Skipf("skipping the comparison with moto: moto_server is not installed: %v", err)
	}
	port := freePort(tb)
	cmd := exec.Command(program, "-H", "127.0.0.1", "-p", port)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	// A process group of its own lets the cleanup stop moto together with
	// any process the pyenv shim put in front of it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start moto_server: %v", err)
	}
	tb.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) //nolint:errcheck // the group may be gone already
		cmd.Wait()                                      //nolint:errcheck // killed on purpose
	})
	url := "http://127.0.0.1:" + port
	if err := waitHTTP(url+"/moto-api/", 30*time.Second); err != nil {
		tb.Fatalf("moto_server on port %s: %v\n%s", port, err, truncate(output.String(), 2000))
	}
	return url
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// waitHTTP polls url until it responds or the timeout passes.
func waitHTTP(url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no response after %s: %w", timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// difference is one field in which moto's result of a call differs from
// ours.
type difference struct {
	sequence string
	call     string
	op       string
	field    string
	ours     string
	moto     string
}

func (d difference) String() string {
	return fmt.Sprintf("%s/%s %s %s: ours %s, moto %s", d.sequence, d.call, d.op, d.field, d.ours, d.moto)
}

// compareRuns lists the differences between two runs of one sequence, call by
// call. The outcome of a call, its HTTP status and error code, is the field
// "result". When either side failed, only the outcome is compared;
// otherwise every output field is.
func compareRuns(seq string, ours, moto *sequenceRun) []difference {
	var diffs []difference
	ours.aliasVersions()
	moto.aliasVersions()
	for i, o := range ours.results {
		m := moto.results[i]
		add := func(field, a, b string) {
			if a != b {
				diffs = append(diffs, difference{seq, o.spec.ID, o.spec.Op, field, a, b})
			}
		}
		add("result", outcome(o.result), outcome(m.result))
		if outcome(o.result) != "200" || outcome(m.result) != "200" {
			continue
		}
		of, mf := ours.flatten(o.result.Output), moto.flatten(m.result.Output)
		for _, field := range unionKeys(of, mf) {
			add(field, renderField(of, field), renderField(mf, field))
		}
	}
	return diffs
}

// outcome renders a call's HTTP status and error code, such as "200" or
// "400 ResourceNotFoundException".
func outcome(r callResult) string {
	switch {
	case r.ClientError != "":
		return strconv.Itoa(r.Status) + " (no error code)"
	case r.Error != "":
		return strconv.Itoa(r.Status) + " " + r.Error
	}
	return strconv.Itoa(r.Status)
}

// aliasVersions names every VersionId that a call returned and that is not
// a token of the spec, such as those the SDK generates, after the first call
// that returned it. Runs that create the same versions in the same calls
// then name them alike.
func (r *sequenceRun) aliasVersions() {
	r.aliases = map[string]string{}
	for _, rec := range r.results {
		id, _ := rec.result.Output["VersionId"].(string)
		if id == "" || slices.Contains(slices.Collect(maps.Values(r.tokens)), id) || r.aliases[id] != "" {
			continue
		}
		r.aliases[id] = "<version from call " + rec.spec.ID + ">"
	}
}

func unionKeys(a, b map[string]string) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func renderField(fields map[string]string, field string) string {
	if v, ok := fields[field]; ok {
		return v
	}
	return "absent"
}

// unorderedLists are the output lists of objects whose order carries no
// meaning. Lists of strings, such as staging labels, never carry meaning in
// their order; they are compared sorted.
var unorderedLists = []string{"Tags"}

// keyedLists maps output lists of objects to the member that identifies an
// element. Such a list is compared element by element under that key, and,
// unless it is unordered, its order as one extra field, "LIST.#order".
var keyedLists = map[string]string{
	"Versions":     "VersionId",
	"SecretList":   "Name",
	"SecretValues": "Name",
	"Errors":       "SecretId",
	"Tags":         "Key",
}

// flatten turns an output into field paths and normalized values, so that
// two runs compare equal when they differ only in run-specific values. Those
// are the name prefix, the tokens, the account, the random ARN suffix,
// generated UUIDs, times, page tokens, messages and random passwords. A list
// of strings is one field.
func (r *sequenceRun) flatten(output map[string]any) map[string]string {
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		last := path[strings.LastIndex(path, ".")+1:]
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				out[path] = "{}"
			}
			for k, e := range x {
				walk(joinPath(path, r.normalize(k)), e)
			}
		case []any:
			if key, ok := keyedLists[last]; ok && len(x) > 0 {
				r.walkKeyed(path, key, x, out, walk)
				return
			}
			if len(x) == 0 || !isObjectList(x) {
				out[path] = r.normalize(compactJSON(r.sortedList(x)))
				return
			}
			for i, e := range x {
				walk(joinPath(path, strconv.Itoa(i)), e)
			}
		default:
			out[path] = r.normalizeLeaf(last, v)
		}
	}
	for k, v := range output {
		walk(k, v)
	}
	return out
}

// walkKeyed walks a list of objects by each element's key member, and
// records the order of the keys.
func (r *sequenceRun) walkKeyed(path, key string, list []any, out map[string]string, walk func(string, any)) {
	var order []string
	for _, e := range list {
		obj, _ := e.(map[string]any)
		id := r.normalize(fmt.Sprint(obj[key]))
		order = append(order, id)
		walk(joinPath(path, id), e)
	}
	if !slices.Contains(unorderedLists, path[strings.LastIndex(path, ".")+1:]) {
		out[joinPath(path, "#order")] = strings.Join(order, ", ")
	}
}

func isObjectList(list []any) bool {
	for _, e := range list {
		if _, ok := e.(map[string]any); !ok {
			return false
		}
	}
	return true
}

func joinPath(path, seg string) string {
	if path == "" {
		return seg
	}
	return path + "." + seg
}

func (r *sequenceRun) sortedList(list []any) []any {
	out := slices.Clone(list)
	slices.SortFunc(out, func(a, b any) int {
		return strings.Compare(r.normalize(compactJSON(a)), r.normalize(compactJSON(b)))
	})
	return out
}

func (r *sequenceRun) normalizeLeaf(field string, v any) string {
	switch {
	case strings.HasSuffix(field, "Date"):
		return "<time>"
	case field == "NextToken" && v != "":
		return "<page token>"
	case field == "Message":
		return "<message>"
	case field == "RandomPassword":
		return fmt.Sprintf("<%d random characters>", len(fmt.Sprint(v)))
	}
	s, ok := v.(string)
	if !ok {
		return compactJSON(v)
	}
	return strconv.Quote(r.normalize(s))
}

var (
	uuidPattern      = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	arnSuffixInValue = regexp.MustCompile(`^(arn:aws:secretsmanager:.*)-[A-Za-z0-9]{6}$`)
)

// normalize replaces the run-specific parts of a string with placeholders.
func (r *sequenceRun) normalize(s string) string {
	for name, tok := range r.tokens {
		s = strings.ReplaceAll(s, tok, "${"+name+"}")
	}
	for id, alias := range r.aliases {
		s = strings.ReplaceAll(s, id, alias)
	}
	s = uuidPattern.ReplaceAllString(s, "<uuid>")
	s = strings.ReplaceAll(s, r.prefix, "${prefix}")
	s = strings.ReplaceAll(s, ":"+r.target.account+":", ":${account}:")
	return arnSuffixInValue.ReplaceAllString(s, "$1-<suffix>")
}

// globMatch reports whether s matches pattern, in which * matches any text,
// "/" and "." included, and [...] matches one character of a set.
func globMatch(pattern, s string) bool {
	var re strings.Builder
	re.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			re.WriteString(".*")
		case '[':
			end := strings.IndexByte(pattern[i:], ']')
			if end < 0 {
				return false
			}
			re.WriteString(pattern[i : i+end+1])
			i += end
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("$")
	return regexp.MustCompile(re.String()).MatchString(s)
}

// knownDifference is an intentional difference between this endpoint and
// moto: AWS behaves as this endpoint does, or moto misses a feature.
type knownDifference struct {
	// Op is the operation.
	Op string
	// Call is a glob pattern over "sequence/id", or "" for every call of Op.
	Call string
	// Field is a glob pattern over field paths, or "result" for the HTTP
	// status and error code.
	Field string
	// Ours and Moto are the rendered values; "*" matches any.
	Ours string
	Moto string
	// Reason explains which side AWS agrees with, or why it does not matter.
	Reason string
}

func (k knownDifference) matches(d difference) bool {
	return (k.Op == "*" || k.Op == d.op) &&
		(k.Call == "" || globMatch(k.Call, d.sequence+"/"+d.call)) &&
		globMatch(k.Field, d.field) &&
		(k.Ours == "*" || k.Ours == d.ours) &&
		(k.Moto == "*" || k.Moto == d.moto)
}

// Reasons shared by several known differences.
const (
	whyNotFound404  = "moto sends these errors with HTTP 404, but AWS sends every Secrets Manager error with HTTP 400."
	whyLastAccessed = "moto does not record reads. AWS sets LastAccessedDate, at day resolution, when a value is read."
	whyDeprecated   = "moto keeps versions without labels in the map with an empty list, but AWS leaves them out."
	whyStuckMoto    = "Follows from the RotateSecret call before, because moto added a new AWSPENDING version even though the call failed."
	whyTwoCurrent   = "moto's UpdateSecret with a new value leaves AWSCURRENT on a version that also carries AWSPENDING, " +
		"so two versions hold AWSCURRENT. AWS moves the label and drops AWSPENDING."
	whyDeletedWrite = "moto changes a secret that is scheduled for deletion, but AWS rejects the call with InvalidRequestException."
	whyNoCheck      = "moto does not check this constraint of the API model, but AWS rejects the request."
	whyModelCode    = "The value breaks a length or range constraint of the API model, which AWS reports as ValidationException, " +
		"but moto uses its own code. Not confirmed against AWS for this member."
)

// knownMotoDifferences lists every difference from moto 5.2 that the
// Secrets Manager sequences show, the more specific entries first.
// docs/aws-endpoint.md carries the same table.
var knownMotoDifferences = []knownDifference{
	{Op: "*", Field: "result", Ours: "400 ResourceNotFoundException", Moto: "404 ResourceNotFoundException", Reason: whyNotFound404},
	{Op: "GetSecretValue", Field: "result", Ours: "400 InvalidRequestException", Moto: "404 InvalidRequestException", Reason: whyNotFound404},
	{Op: "GetSecretValue", Call: "lookup/*", Field: "result", Ours: "400 ValidationException", Moto: "404 ResourceNotFoundException",
		Reason: "A SecretId that is not an ARN must be a valid secret name: AWS rejects one with * as ValidationException, while moto looks it up."},

	{Op: "CreateSecret", Call: "create/1", Field: "result", Ours: "400 ValidationException", Moto: "200",
		Reason: "moto accepts names with characters other than letters, digits and /_+=.@-."},
	{Op: "CreateSecret", Call: "create/2", Field: "result", Ours: "400 ValidationException", Moto: "200",
		Reason: "moto accepts names longer than 512 characters."},
	{Op: "CreateSecret", Call: "create/3", Field: "result", Ours: "400 ValidationException", Moto: "200",
		Reason: "moto accepts an empty name. Only the Go SDK sends one; botocore rejects it."},
	{Op: "CreateSecret", Call: "create/[45]", Field: "result", Ours: "400 ValidationException", Moto: "400 InvalidParameterException",
		Reason: "A ClientRequestToken outside 32 to 64 characters. " + whyModelCode},
	{Op: "CreateSecret", Call: "create/7", Field: "result", Ours: "400 ValidationException", Moto: "200",
		Reason: "moto has no 65,536-byte limit on secret values."},
	{Op: "CreateSecret", Call: "create/8", Field: "result", Ours: "400 InvalidParameterException", Moto: "200",
		Reason: "moto accepts SecretString and SecretBinary together; AWS allows one value per version."},

	{Op: "DescribeSecret", Field: "LastAccessedDate", Ours: "<time>", Moto: "absent", Reason: whyLastAccessed},
	{Op: "DescribeSecret", Call: "rotation/*", Field: "VersionIdsToStages.*", Ours: "*", Moto: "*", Reason: whyTwoCurrent},
	{Op: "DescribeSecret", Call: "versions/23", Field: "VersionIdsToStages.*", Ours: "*", Moto: "*",
		Reason: "Follows from the UpdateSecretVersionStage calls before, which moto handled differently."},
	{Op: "DescribeSecret", Field: "VersionIdsToStages.*", Ours: "absent", Moto: "[]", Reason: whyDeprecated},

	{Op: "ListSecretVersionIds", Field: "ARN", Ours: "*", Moto: `"${prefix}/db"`, Reason: "moto returns the secret's name as its ARN."},
	{Op: "ListSecretVersionIds", Field: "NextToken", Ours: "*", Moto: `""`,
		Reason: "moto sends an empty NextToken on the last page, which breaks the model's minimum length of 1; " +
			"AWS leaves NextToken out. moto also ignores MaxResults."},
	{Op: "ListSecretVersionIds", Field: "Versions.#order", Ours: "*", Moto: "*",
		Reason: "This endpoint lists versions newest first, as AWS does; moto lists them oldest first."},
	{Op: "ListSecretVersionIds", Field: "Versions.*.KmsKeyIds", Ours: `["DefaultEncryptionKey"]`, Moto: "absent",
		Reason: "AWS names the default key DefaultEncryptionKey in each entry; moto leaves KmsKeyIds out."},
	{Op: "ListSecretVersionIds", Field: "Versions.*.LastAccessedDate", Ours: "absent", Moto: "<time>",
		Reason: "moto gives every version a LastAccessedDate; this endpoint sets it when the version is read, as AWS does."},
	{Op: "ListSecretVersionIds", Field: "Versions.*.*", Ours: "absent", Moto: "*",
		Reason: "moto lists versions without labels even without IncludeDeprecated, and ignores MaxResults."},

	{Op: "UpdateSecretVersionStage", Call: "versions/19", Field: "result", Ours: "400 InvalidParameterException", Moto: "200",
		Reason: "RemoveFromVersionId names a version that does not carry AWSCURRENT; moto moves the label anyway."},
	{Op: "UpdateSecretVersionStage", Call: "versions/20", Field: "result", Ours: "400 ResourceNotFoundException", Moto: "400 InvalidParameterException",
		Reason: "MoveToVersionId names no version. This endpoint reports it as GetSecretValue does for an unknown VersionId; " +
			"not confirmed against AWS."},
	{Op: "UpdateSecretVersionStage", Call: "versions/21", Field: "result", Ours: "200", Moto: "400 InvalidParameterException",
		Reason: "Follows from versions/19: moto had already moved AWSCURRENT."},

	{Op: "CancelRotateSecret", Call: "rotation/*", Field: "result", Ours: "200", Moto: "400 InvalidRequestException",
		Reason: "moto rejects CancelRotateSecret on a secret without a rotation function; this endpoint turns nothing off and succeeds. " +
			"Not confirmed against AWS."},
	{Op: "TagResource", Field: "result", Ours: "400 InvalidParameterException", Moto: "200",
		Reason: "Tag keys that start with aws: are reserved for AWS; moto accepts them."},
	{Op: "DescribeSecret", Field: "Tags.aws:owner.*", Ours: "absent", Moto: "*", Reason: "Follows from the TagResource difference."},
	{Op: "RotateSecret", Field: "result", Ours: "400 ValidationException", Moto: "400 InvalidParameterException",
		Reason: "AutomaticallyAfterDays outside 1 to 1000. " + whyModelCode},
	{Op: "RotateSecret", Call: "rotation/*", Field: "result", Ours: "400 AccessDeniedException", Moto: "400 InvalidRequestException",
		Reason: "moto reports an unfinished rotation when AWSPENDING and AWSCURRENT are on the same version, the opposite of AWS's rule. " +
			"AWS returns AccessDeniedException when it cannot invoke the function."},
	{Op: "RotateSecret", Call: "stuck-rotation/3", Field: "result", Ours: "400 InvalidRequestException", Moto: "404 ResourceNotFoundException",
		Reason: "AWSPENDING sits on a version without AWSCURRENT, an unfinished rotation; moto looks for the Lambda function first."},
	{Op: "RotateSecret", Call: "stuck-rotation/6", Field: "result", Ours: "400 AccessDeniedException", Moto: "404 ResourceNotFoundException",
		Reason: "There is no Lambda function: AWS returns AccessDeniedException when it cannot invoke the function. moto reports it as not found."},
	{Op: "CancelRotateSecret", Call: "stuck-rotation/4", Field: "VersionId", Ours: `"${token:p1}"`, Moto: "*", Reason: whyStuckMoto},
	{Op: "UpdateSecretVersionStage", Call: "stuck-rotation/5", Field: "result", Ours: "200", Moto: "400 InvalidParameterException", Reason: whyStuckMoto},

	{Op: "ListSecrets", Field: "SecretList.#order", Ours: "*", Moto: "*",
		Reason: "moto ignores SortOrder desc when SortBy is name."},
	{Op: "ListSecrets", Call: "lists/14", Field: "result", Ours: "400 InvalidParameterException", Moto: "200",
		Reason: "A filter without a key is invalid; moto ignores it."},
	{Op: "ListSecrets", Call: "lists/15", Field: "result", Ours: "400 ValidationException", Moto: "200",
		Reason: "MaxResults above 100. " + whyNoCheck},
	{Op: "ListSecrets", Call: "lists/16", Field: "result", Ours: "400 InvalidNextTokenException", Moto: "500 (no error code)",
		Reason: "moto fails with an HTML error page on a NextToken that is not a number."},
	{Op: "ListSecrets", Field: "SecretList.*.Tags", Ours: "absent", Moto: "[]",
		Reason: "moto sends an empty Tags list; AWS leaves empty members out."},

	{Op: "PutSecretValue", Call: "lifecycle/*", Field: "result", Ours: "400 InvalidRequestException", Moto: "200", Reason: whyDeletedWrite},
	{Op: "TagResource", Call: "lifecycle/*", Field: "result", Ours: "400 InvalidRequestException", Moto: "200", Reason: whyDeletedWrite},
	{Op: "UntagResource", Call: "lifecycle/*", Field: "result", Ours: "400 InvalidRequestException", Moto: "200", Reason: whyDeletedWrite},
	{Op: "CreateSecret", Call: "lifecycle/*", Field: "result", Ours: "400 InvalidRequestException", Moto: "400 ResourceExistsException",
		Reason: "AWS rejects a name that is scheduled for deletion with InvalidRequestException."},
	{Op: "*", Call: "lifecycle/*", Field: "*VersionsToStages.*", Ours: "*", Moto: "*", Reason: "Follows from the PutSecretValue that moto accepted."},
	{Op: "GetSecretValue", Call: "lifecycle/*", Field: "*", Ours: "*", Moto: "*", Reason: "Follows from the PutSecretValue that moto accepted."},
	{Op: "DeleteSecret", Field: "ARN", Ours: "absent", Moto: "*",
		Reason: "A forced delete of a secret that does not exist succeeds; moto invents an ARN for it, this endpoint returns only the name."},

	{Op: "GetRandomPassword", Field: "result", Ours: "400 ValidationException", Moto: "400 InvalidParameterValue",
		Reason: "PasswordLength above 4096. moto uses a code that is not in Secrets Manager's model."},
	{Op: "GetRandomPassword", Field: "result", Ours: "400 ValidationException", Moto: "400 InvalidParameterException",
		Reason: "PasswordLength below 1. " + whyModelCode},
}

// TestMotoDifferences runs the Secrets Manager sequences with the Go SDK
// against moto_server and against this endpoint and compares the results
// call by call. A difference that knownMotoDifferences does not list fails
// the test, and so does a listed difference that no longer shows.
func TestMotoDifferences(t *testing.T) {
	t.Parallel()
	motoURL := startMoto(t)
	env := newTestEnv(t)
	moto := conformanceTarget{url: motoURL, account: motoAccount, region: testRegion, learner: env.learner}

	var diffs []difference
	for _, seq := range loadSpec(t, "secretsmanager.json").Sequences {
		ours := runSequence(t, seq, newSDKDriver(env.url, testRegion), env.target(), false)
		theirs := runSequence(t, seq, newSDKDriver(motoURL, testRegion), moto, false)
		diffs = append(diffs, compareRuns(seq.Name, ours, theirs)...)
	}

	used := make([]bool, len(knownMotoDifferences))
	for _, d := range diffs {
		i := slices.IndexFunc(knownMotoDifferences, func(k knownDifference) bool { return k.matches(d) })
		if i < 0 {
			t.Errorf("unlisted difference: %s", d)
			continue
		}
		used[i] = true
	}
	for i, k := range knownMotoDifferences {
		if !used[i] {
			t.Errorf("listed difference not seen: %s %s %s (ours %s, moto %s)", k.Op, k.Call, k.Field, k.Ours, k.Moto)
		}
	}
}
