package awsapi

import (
	"encoding/xml"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/secretslab/workshop/internal/keys"
)

// maxKeysPerUser is IAM's quota of access keys per user.
const maxKeysPerUser = 2

var iamOperations = map[string]handler{
	"CreateAccessKey":      (*Server).createAccessKey,
	"ListAccessKeys":       (*Server).listAccessKeys,
	"UpdateAccessKey":      (*Server).updateAccessKey,
	"DeleteAccessKey":      (*Server).deleteAccessKey,
	"GetAccessKeyLastUsed": (*Server).getAccessKeyLastUsed,
	"GetUser":              (*Server).getUser,
}

var (
	iamUserNamePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)
	iamKeyIDPattern    = regexp.MustCompile(`^\w+$`)
	iamMarkerPattern   = regexp.MustCompile(`^[\x{0020}-\x{00FF}]+$`)
	iamUserNameShown   = `[\w+=,.@-]+`
	iamKeyIDShown      = `[\w]+`
	iamMarkerShown     = `[\u0020-\u00FF]+`
)

// iamTime formats a time as IAM does: ISO 8601 in UTC, whole seconds.
func iamTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// param returns a query parameter, or nil when the request leaves it out.
func param(c *call, name string) *string {
	if _, ok := c.form[name]; !ok {
		return nil
	}
	v := c.form.Get(name)
	return &v
}

// validateUserName checks an optional UserName parameter.
func validateUserName(v *violations, name *string) {
	v.length("userName", name, 1, 128, false)
	v.pattern("userName", name, iamUserNamePattern, iamUserNameShown)
}

func validateKeyID(v *violations, id *string) {
	v.required("accessKeyId", id != nil)
	v.length("accessKeyId", id, 16, 128, false)
	v.pattern("accessKeyId", id, iamKeyIDPattern, iamKeyIDShown)
}

// targetUser returns the user named by the UserName parameter, or the
// caller when it is left out, as IAM does.
func (s *Server) targetUser(c *call, name *string) (*userRecord, *apiError) {
	if name == nil {
		return c.user, nil
	}
	u := s.st.user(*name)
	if u == nil {
		return nil, newError(http.StatusNotFound, "NoSuchEntity", "The user with name %s cannot be found.", *name)
	}
	return u, nil
}

type accessKeyXML struct {
	UserName        string
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string
	SecretAccessKey string `xml:",omitempty"`
	CreateDate      string
}

type createAccessKeyResult struct {
	XMLName   xml.Name `xml:"CreateAccessKeyResult"`
	AccessKey accessKeyXML
}

// createAccessKey issues a new key pair for a user with fewer than two keys.
func (s *Server) createAccessKey(c *call) (any, *apiError) {
	name := param(c, "UserName")
	var v violations
	validateUserName(&v, name)
	if e := v.err("ValidationError"); e != nil {
		return nil, e
	}
	u, apiErr := s.targetUser(c, name)
	if apiErr != nil {
		return nil, apiErr
	}
	if len(s.st.userKeys(u.Name)) >= maxKeysPerUser {
		return nil, newError(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: %d", maxKeysPerUser)
	}
	pair, err := s.newKeyPair()
	if err != nil {
		s.logger.Error("generate access key failed", "request_id", c.requestID, "error", err)
		return nil, internalError(c.svc)
	}
	created := c.now.Truncate(time.Second)
	s.st.Keys = append(s.st.Keys, &keyRecord{ID: pair.ID, Secret: pair.Secret, User: u.Name, Status: statusActive, Created: created})
	s.st.Issued = append(s.st.Issued, &IssuedKey{ID: pair.ID, Secret: pair.Secret, User: u.Name, Created: created})
	c.changed = true
	return createAccessKeyResult{AccessKey: accessKeyXML{
		UserName: u.Name, AccessKeyID: pair.ID, Status: statusActive, SecretAccessKey: pair.Secret, CreateDate: iamTime(created),
	}}, nil
}

// newKeyPair generates a key pair whose id was never issued before.
func (s *Server) newKeyPair() (keys.Pair, error) {
	for {
		pair, err := keys.NewPair(nil)
		if err != nil {
			return keys.Pair{}, err
		}
		if s.st.issued(pair.ID) == nil {
			return pair, nil
		}
	}
}

// listAccessKeysResult keeps the AccessKeyMetadata element even when it has
// no members, as IAM does; botocore then returns an empty list rather than
// no list at all.
type listAccessKeysResult struct {
	XMLName           xml.Name `xml:"ListAccessKeysResult"`
	AccessKeyMetadata struct {
		Members []accessKeyXML `xml:"member"`
	}
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// listAccessKeys lists a user's keys, oldest first, with Marker and
// MaxItems paging.
func (s *Server) listAccessKeys(c *call) (any, *apiError) {
	name, marker := param(c, "UserName"), param(c, "Marker")
	maxItems, apiErr := intParam(c, "MaxItems")
	if apiErr != nil {
		return nil, apiErr
	}
	var v violations
	validateUserName(&v, name)
	v.length("marker", marker, 1, 320, false)
	v.pattern("marker", marker, iamMarkerPattern, iamMarkerShown)
	v.intRange("maxItems", maxItems, 1, 1000)
	if e := v.err("ValidationError"); e != nil {
		return nil, e
	}
	u, apiErr := s.targetUser(c, name)
	if apiErr != nil {
		return nil, apiErr
	}
	return pageAccessKeys(s.st.userKeys(u.Name), marker, maxItems)
}

func pageAccessKeys(all []*keyRecord, marker *string, maxItems *int64) (any, *apiError) {
	start := 0
	if marker != nil {
		start = slices.IndexFunc(all, func(k *keyRecord) bool { return k.ID == *marker })
		if start < 0 {
			return nil, newError(http.StatusBadRequest, "InvalidInput", "Invalid Marker.")
		}
	}
	limit := 100
	if maxItems != nil {
		limit = int(*maxItems)
	}
	var res listAccessKeysResult
	for i := start; i < len(all); i++ {
		if len(res.AccessKeyMetadata.Members) == limit {
			res.IsTruncated, res.Marker = true, all[i].ID
			break
		}
		k := all[i]
		res.AccessKeyMetadata.Members = append(res.AccessKeyMetadata.Members, accessKeyXML{UserName: k.User, AccessKeyID: k.ID, Status: k.Status, CreateDate: iamTime(k.Created)})
	}
	return res, nil
}

// intParam parses an optional integer query parameter.
func intParam(c *call, name string) (*int64, *apiError) {
	raw := param(c, name)
	if raw == nil {
		return nil, nil
	}
	n, err := strconv.ParseInt(*raw, 10, 64)
	if err != nil {
		return nil, newError(http.StatusBadRequest, "ValidationError", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be an integer", truncate(*raw, 64), name)
	}
	return &n, nil
}

// userKey returns the key with the given id that belongs to user.
func (s *Server) userKey(u *userRecord, id string) (*keyRecord, *apiError) {
	k := s.st.key(id)
	if k == nil || k.User != u.Name {
		return nil, newError(http.StatusNotFound, "NoSuchEntity", "The Access Key with id %s cannot be found.", id)
	}
	return k, nil
}

// updateAccessKey makes a key active or inactive. IAM's model also lists
// "Expired"; keys on this endpoint never expire, so it is rejected as
// invalid here.
func (s *Server) updateAccessKey(c *call) (any, *apiError) {
	name, id, status := param(c, "UserName"), param(c, "AccessKeyId"), param(c, "Status")
	var v violations
	validateUserName(&v, name)
	validateKeyID(&v, id)
	v.required("status", status != nil)
	v.enum("status", status, statusActive, statusInactive)
	if e := v.err("ValidationError"); e != nil {
		return nil, e
	}
	u, apiErr := s.targetUser(c, name)
	if apiErr != nil {
		return nil, apiErr
	}
	k, apiErr := s.userKey(u, *id)
	if apiErr != nil {
		return nil, apiErr
	}
	if k.Status != *status {
		k.Status = *status
		c.changed = true
	}
	return nil, nil
}

// deleteAccessKey removes a key for good; the list of issued keys keeps it
// with its deletion time.
func (s *Server) deleteAccessKey(c *call) (any, *apiError) {
	name, id := param(c, "UserName"), param(c, "AccessKeyId")
	var v violations
	validateUserName(&v, name)
	validateKeyID(&v, id)
	if e := v.err("ValidationError"); e != nil {
		return nil, e
	}
	u, apiErr := s.targetUser(c, name)
	if apiErr != nil {
		return nil, apiErr
	}
	if _, apiErr := s.userKey(u, *id); apiErr != nil {
		return nil, apiErr
	}
	s.st.deleteKey(*id, c.now)
	c.changed = true
	return nil, nil
}

type accessKeyLastUsedXML struct {
	LastUsedDate string `xml:",omitempty"`
	ServiceName  string
	Region       string
}

type getAccessKeyLastUsedResult struct {
	XMLName           xml.Name `xml:"GetAccessKeyLastUsedResult"`
	UserName          string
	AccessKeyLastUsed accessKeyLastUsedXML
}

// getAccessKeyLastUsed reports when and where a key was last used; "N/A"
// for a key never used.
func (s *Server) getAccessKeyLastUsed(c *call) (any, *apiError) {
	id := param(c, "AccessKeyId")
	var v violations
	validateKeyID(&v, id)
	if e := v.err("ValidationError"); e != nil {
		return nil, e
	}
	k := s.st.key(*id)
	if k == nil {
		return nil, newError(http.StatusNotFound, "NoSuchEntity", "The Access Key with id %s cannot be found.", *id)
	}
	res := getAccessKeyLastUsedResult{UserName: k.User, AccessKeyLastUsed: accessKeyLastUsedXML{ServiceName: "N/A", Region: "N/A"}}
	if k.LastUsed != nil {
		res.AccessKeyLastUsed = accessKeyLastUsedXML{LastUsedDate: iamTime(k.LastUsed.Date), ServiceName: k.LastUsed.Service, Region: k.LastUsed.Region}
	}
	return res, nil
}

type userXML struct {
	Path       string
	UserName   string
	UserID     string `xml:"UserId"`
	Arn        string
	CreateDate string
}

type getUserResult struct {
	XMLName xml.Name `xml:"GetUserResult"`
	User    userXML
}

// getUser describes a user, by default the caller.
func (s *Server) getUser(c *call) (any, *apiError) {
	name := param(c, "UserName")
	var v violations
	validateUserName(&v, name)
	if e := v.err("ValidationError"); e != nil {
		return nil, e
	}
	u, apiErr := s.targetUser(c, name)
	if apiErr != nil {
		return nil, apiErr
	}
	return getUserResult{User: userXML{Path: "/", UserName: u.Name, UserID: u.ID, Arn: u.arn(s.st.AccountID), CreateDate: iamTime(u.Created)}}, nil
}
