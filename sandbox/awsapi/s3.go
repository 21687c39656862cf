package awsapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// s3Operation returns the name of the S3 operation of a path-style request.
func s3Operation(r *http.Request) string {
	bucket, key := splitS3Path(r.URL.Path)
	switch {
	case bucket == "" && r.Method == http.MethodGet:
		return "ListBuckets"
	case bucket == "":
		return "ServiceOperation"
	case key == "":
		return map[string]string{http.MethodGet: "ListObjects", http.MethodPut: "CreateBucket", http.MethodDelete: "DeleteBucket", http.MethodHead: "HeadBucket"}[r.Method]
	default:
		return map[string]string{http.MethodGet: "GetObject", http.MethodPut: "PutObject", http.MethodDelete: "DeleteObject", http.MethodHead: "HeadObject"}[r.Method]
	}
}

// splitS3Path splits a path-style S3 path into bucket and key.
func splitS3Path(path string) (bucket, key string) {
	bucket, key, _ = strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return bucket, key
}

func s3Handler(c *call) handler {
	if c.op == "ListBuckets" {
		return (*Server).listBuckets
	}
	return (*Server).s3Unsupported
}

// listBucketsResult keeps the Buckets element even when it is empty, as S3
// does; botocore then returns an empty list rather than no list at all.
type listBucketsResult struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
	Owner   s3Owner
	Buckets struct {
		Bucket []s3Bucket
	}
	ContinuationToken string `xml:",omitempty"`
	Prefix            string `xml:",omitempty"`
}

type s3Owner struct {
	ID string
}

type s3Bucket struct {
	Name         string
	CreationDate string
	BucketRegion string
}

// listBuckets returns the seeded buckets in name order, with the optional
// prefix, bucket-region, max-buckets and continuation-token parameters.
func (s *Server) listBuckets(c *call) (any, *apiError) {
	q := c.r.URL.Query()
	limit, apiErr := maxBuckets(q.Get("max-buckets"))
	if apiErr != nil {
		return nil, apiErr
	}
	after, apiErr := decodeContinuation(q.Get("continuation-token"))
	if apiErr != nil {
		return nil, apiErr
	}
	prefix, region := q.Get("prefix"), q.Get("bucket-region")
	res := listBucketsResult{Owner: s3Owner{ID: s.canonicalUserID()}, Prefix: prefix}
	for _, b := range sortedBuckets(s.st.Buckets) {
		if b.Name <= after || !strings.HasPrefix(b.Name, prefix) || (region != "" && region != s.st.Region) {
			continue
		}
		page := res.Buckets.Bucket
		if len(page) == limit {
			res.ContinuationToken = encodeContinuation(page[len(page)-1].Name)
			break
		}
		res.Buckets.Bucket = append(page, s3Bucket{Name: b.Name, CreationDate: b.Created.UTC().Format("2006-01-02T15:04:05.000Z"), BucketRegion: s.st.Region})
	}
	return res, nil
}

func sortedBuckets(buckets []bucketRecord) []bucketRecord {
	out := slices.Clone(buckets)
	slices.SortFunc(out, func(a, b bucketRecord) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func maxBuckets(raw string) (int, *apiError) {
	if raw == "" {
		return 10000, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 10000 {
		e := newError(http.StatusBadRequest, "InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000.")
		e.Extra = []xmlField{{"ArgumentName", "max-buckets"}, {"ArgumentValue", truncate(raw, 64)}}
		return 0, e
	}
	return n, nil
}

// encodeContinuation makes an opaque continuation token from the last
// bucket name of a page.
func encodeContinuation(name string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(name))
}

func decodeContinuation(token string) (string, *apiError) {
	if token == "" {
		return "", nil
	}
	name, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !bucketNamePattern.Match(name) {
		e := newError(http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect")
		e.Extra = []xmlField{{"ArgumentName", "continuation-token"}}
		return "", e
	}
	return string(name), nil
}

// canonicalUserID derives a stable 64-hex-digit canonical user id from the
// account id, the form S3 uses for bucket owners.
func (s *Server) canonicalUserID() string {
	sum := sha256.Sum256([]byte("workshop-s3-owner:" + s.st.AccountID))
	return hex.EncodeToString(sum[:])
}

// s3Unsupported handles every S3 request other than ListBuckets. A bucket
// that does not exist gives NoSuchBucket, and anything else NotImplemented.
func (s *Server) s3Unsupported(c *call) (any, *apiError) {
	bucket, _ := splitS3Path(c.r.URL.Path)
	if bucket != "" && !s.hasBucket(bucket) {
		e := newError(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		e.Extra = []xmlField{{"BucketName", truncate(bucket, 255)}}
		return nil, e
	}
	return nil, newError(http.StatusNotImplemented, "NotImplemented", "A header you provided implies functionality that is not implemented")
}

func (s *Server) hasBucket(name string) bool {
	for _, b := range s.st.Buckets {
		if b.Name == name {
			return true
		}
	}
	return false
}
