package awsapi

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Page tokens are opaque to clients: an operation tag and an offset, in
// URL-safe base64.
const (
	listSecretsToken  = "secrets"
	listVersionsToken = "versions"
	batchGetToken     = "batch"
)

func encodePageToken(tag string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tag + ":" + strconv.Itoa(offset)))
}

func decodePageToken(tag string, token *string) (int, *apiError) {
	if token == nil {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*token)
	rest, ok := strings.CutPrefix(string(raw), tag+":")
	offset, convErr := strconv.Atoi(rest)
	if err != nil || !ok || convErr != nil || offset < 0 {
		return 0, smError("InvalidNextTokenException", "The NextToken value is invalid.")
	}
	return offset, nil
}

// page returns the slice of items from offset, at most limit long, and the
// token of the next page or nil.
func page[T any](items []T, offset, limit int, tag string) ([]T, *string) {
	start := min(offset, len(items))
	end := min(start+limit, len(items))
	if end >= len(items) {
		return items[start:end], nil
	}
	next := encodePageToken(tag, end)
	return items[start:end], &next
}

type listSecretsInput struct {
	IncludePlannedDeletion *bool
	MaxResults             *int64
	NextToken              *string
	Filters                []filterJSON
	SortOrder              *string
	SortBy                 *string
}

type listSecretsOutput struct {
	SecretList []describeSecretOutput `json:"SecretList"`
	NextToken  *string                `json:"NextToken,omitempty"`
}

// listSecrets lists secret metadata, never values, with filters, sorting
// and paging. Secrets scheduled for deletion appear only with
// IncludePlannedDeletion.
func (s *Server) listSecrets(c *call, in *listSecretsInput) (any, *apiError) {
	var v violations
	v.intRange("maxResults", in.MaxResults, 1, 100)
	v.length("nextToken", in.NextToken, 1, 4096, false)
	v.enum("sortOrder", in.SortOrder, "asc", "desc")
	v.enum("sortBy", in.SortBy, "created-date", "last-accessed-date", "last-changed-date", "name")
	if e := v.err("ValidationException"); e != nil {
		return nil, e
	}
	filters, apiErr := filtersOf(in.Filters)
	if apiErr != nil {
		return nil, apiErr
	}
	offset, apiErr := decodePageToken(listSecretsToken, in.NextToken)
	if apiErr != nil {
		return nil, apiErr
	}
	includeDeleted := in.IncludePlannedDeletion != nil && *in.IncludePlannedDeletion
	matched := s.matchingSecrets(filters, includeDeleted)
	sortSecrets(matched, deref(in.SortBy), deref(in.SortOrder))

	items, next := page(matched, offset, limitOf(in.MaxResults, 100), listSecretsToken)
	out := listSecretsOutput{SecretList: []describeSecretOutput{}, NextToken: next}
	for _, sec := range items {
		entry := describe(sec)
		entry.SecretVersionsToStages, entry.VersionIdsToStages = entry.VersionIdsToStages, nil
		out.SecretList = append(out.SecretList, entry)
	}
	return out, nil
}

func limitOf(maxResults *int64, fallback int) int {
	if maxResults == nil {
		return fallback
	}
	return int(*maxResults)
}

// matchingSecrets returns the secrets that pass the filters, in creation
// order.
func (s *Server) matchingSecrets(filters []secretFilter, includeDeleted bool) []*secretRecord {
	var out []*secretRecord
	for _, sec := range s.st.Secrets {
		if (includeDeleted || sec.DeletedDate == nil) && matchesAll(filters, sec, s.st.Region) {
			out = append(out, sec)
		}
	}
	return out
}

// sortSecrets orders secrets by the SortBy field, creation date by default,
// ascending unless order is "desc". Secrets never accessed sort as the
// oldest.
// NOTE: AWS documents no default SortOrder; ascending is this endpoint's
// choice.
func sortSecrets(secrets []*secretRecord, by, order string) {
	timeOf := func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	}
	compare := func(a, b *secretRecord) int {
		switch by {
		case "name":
			return strings.Compare(a.Name, b.Name)
		case "last-accessed-date":
			return timeOf(a.LastAccessed).Compare(timeOf(b.LastAccessed))
		case "last-changed-date":
			return a.LastChanged.Compare(b.LastChanged)
		default:
			return a.Created.Compare(b.Created)
		}
	}
	slices.SortStableFunc(secrets, func(a, b *secretRecord) int {
		if order == "desc" {
			return compare(b, a)
		}
		return compare(a, b)
	})
}

type listVersionsInput struct {
	SecretID          *string `json:"SecretId"`
	MaxResults        *int64
	NextToken         *string
	IncludeDeprecated *bool
}

type versionEntry struct {
	VersionID        string     `json:"VersionId"`
	VersionStages    []string   `json:"VersionStages,omitempty"`
	LastAccessedDate *epochTime `json:"LastAccessedDate,omitempty"`
	CreatedDate      *epochTime `json:"CreatedDate,omitempty"`
	KmsKeyIDs        []string   `json:"KmsKeyIds,omitempty"`
}

type listVersionsOutput struct {
	Versions  []versionEntry `json:"Versions"`
	NextToken *string        `json:"NextToken,omitempty"`
	ARN       string         `json:"ARN"`
	Name      string         `json:"Name"`
}

// listSecretVersionIDs lists a secret's versions, newest first. Deprecated
// versions (without labels) appear only with IncludeDeprecated.
func (s *Server) listSecretVersionIDs(c *call, in *listVersionsInput) (any, *apiError) {
	var v violations
	validateSecretID(&v, in.SecretID)
	v.intRange("maxResults", in.MaxResults, 1, 100)
	v.length("nextToken", in.NextToken, 1, 4096, false)
	if e := v.err("ValidationException"); e != nil {
		return nil, e
	}
	sec, apiErr := s.resolveSecret(*in.SecretID)
	if apiErr != nil {
		return nil, apiErr
	}
	offset, apiErr := decodePageToken(listVersionsToken, in.NextToken)
	if apiErr != nil {
		return nil, apiErr
	}
	includeDeprecated := in.IncludeDeprecated != nil && *in.IncludeDeprecated
	var versions []*versionRecord
	for _, ver := range slices.Backward(sec.Versions) {
		if includeDeprecated || len(ver.Stages) > 0 {
			versions = append(versions, ver)
		}
	}

	items, next := page(versions, offset, limitOf(in.MaxResults, 100), listVersionsToken)
	out := listVersionsOutput{Versions: []versionEntry{}, NextToken: next, ARN: sec.ARN, Name: sec.Name}
	for _, ver := range items {
		out.Versions = append(out.Versions, versionEntry{
			VersionID:        ver.ID,
			VersionStages:    slices.Clone(ver.Stages),
			LastAccessedDate: epoch(ver.LastAccessed),
			CreatedDate:      epochOf(ver.Created),
			KmsKeyIDs:        []string{kmsKeyName(sec)},
		})
	}
	return out, nil
}

// kmsKeyName is the key a version is encrypted with, as
// ListSecretVersionIds reports it.
func kmsKeyName(sec *secretRecord) string {
	if sec.KmsKeyID == "" {
		return "DefaultEncryptionKey"
	}
	return sec.KmsKeyID
}

type batchGetInput struct {
	SecretIDList []string `json:"SecretIdList"`
	Filters      []filterJSON
	MaxResults   *int64
	NextToken    *string
}

type batchError struct {
	SecretID  string `json:"SecretId"`
	ErrorCode string `json:"ErrorCode"`
	Message   string `json:"Message"`
}

type batchGetOutput struct {
	SecretValues []secretValueOutput `json:"SecretValues"`
	Errors       []batchError        `json:"Errors"`
	NextToken    *string             `json:"NextToken,omitempty"`
}

// batchGetSecretValue returns the AWSCURRENT values of the secrets that
// SecretIdList names or that Filters pick. A secret that fails goes into
// Errors while the call succeeds.
func (s *Server) batchGetSecretValue(c *call, in *batchGetInput) (any, *apiError) {
	if e := validateBatchGet(in); e != nil {
		return nil, e
	}
	filters, apiErr := filtersOf(in.Filters)
	if apiErr != nil {
		return nil, apiErr
	}
	offset, apiErr := decodePageToken(batchGetToken, in.NextToken)
	if apiErr != nil {
		return nil, apiErr
	}
	out := batchGetOutput{SecretValues: []secretValueOutput{}, Errors: []batchError{}}
	if len(in.SecretIDList) > 0 {
		for _, id := range in.SecretIDList {
			s.batchGetOne(c, id, &out)
		}
		return out, nil
	}
	items, next := page(s.matchingSecrets(filters, false), offset, limitOf(in.MaxResults, 20), batchGetToken)
	for _, sec := range items {
		s.batchGetOne(c, sec.ARN, &out)
	}
	out.NextToken = next
	return out, nil
}

func validateBatchGet(in *batchGetInput) *apiError {
	var v violations
	if in.SecretIDList != nil {
		v.lengthOf("secretIdList", "", len(in.SecretIDList), 1, 20, true)
	}
	for i, id := range in.SecretIDList {
		v.length(memberField("secretIdList", i), &id, 1, 2048, false)
	}
	v.intRange("maxResults", in.MaxResults, 1, 20)
	v.length("nextToken", in.NextToken, 1, 4096, false)
	if e := v.err("ValidationException"); e != nil {
		return e
	}
	if (len(in.SecretIDList) > 0) == (len(in.Filters) > 0) {
		return smError("InvalidParameterException", "Either 'SecretIdList' or 'Filters' must be provided, but not both.")
	}
	if in.MaxResults != nil && len(in.Filters) == 0 {
		return smError("InvalidParameterException", "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.")
	}
	return nil
}

func (s *Server) batchGetOne(c *call, id string, out *batchGetOutput) {
	fail := func(e *apiError) {
		out.Errors = append(out.Errors, batchError{SecretID: id, ErrorCode: e.Code, Message: e.Message})
	}
	sec, apiErr := s.resolveSecret(id)
	if apiErr != nil {
		fail(apiErr)
		return
	}
	if e := checkNotDeleted(sec); e != nil {
		fail(e)
		return
	}
	ver, apiErr := selectVersion(sec, nil, nil)
	if apiErr != nil {
		fail(apiErr)
		return
	}
	touchAccess(c, sec, ver)
	out.SecretValues = append(out.SecretValues, valueOutput(sec, ver))
}
