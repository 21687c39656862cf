package awsapi

import (
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// protocolKind is the wire protocol of a service.
type protocolKind int

const (
	// protocolJSON is awsJson1.1: POST / with X-Amz-Target, JSON bodies.
	protocolJSON protocolKind = iota + 1
	// protocolQuery is awsQuery: form-encoded Action and parameters, XML
	// responses.
	protocolQuery
	// protocolREST is restXml, as S3 speaks it.
	protocolREST
)

// handler serves one operation. It returns a value for the protocol's writer
// or an error in the service's shape, and sets c.changed when it modified
// the state.
type handler func(s *Server, c *call) (any, *apiError)

// service describes one AWS service the endpoint serves.
type service struct {
	// name is the signing name used in the credential scope.
	name string
	kind protocolKind
	// xmlns is the XML namespace of query responses.
	xmlns string
	// version is the API version of a query service.
	version string
	// actionPrefix starts the service's IAM action names.
	actionPrefix string
	// supported is false for a service name the endpoint does not serve.
	supported bool
}

const (
	stsVersion = "2011-06-15"
	iamVersion = "2010-05-08"
	s3XMLNS    = "http://s3.amazonaws.com/doc/2006-03-01/"
	smPrefix   = "secretsmanager."
)

var (
	secretsManagerService = &service{name: "secretsmanager", kind: protocolJSON, actionPrefix: "secretsmanager", supported: true}
	iamService            = &service{name: "iam", kind: protocolQuery, xmlns: "https://iam.amazonaws.com/doc/2010-05-08/", version: iamVersion, actionPrefix: "iam", supported: true}
	stsService            = &service{name: "sts", kind: protocolQuery, xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", version: stsVersion, actionPrefix: "sts", supported: true}
	s3Service             = &service{name: "s3", kind: protocolREST, actionPrefix: "s3", supported: true}
)

// operationNamePattern bounds the operation names that reach the request
// log, so a client cannot write arbitrary text into it.
var operationNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,63}$`)

// detectService picks the service from the credential scope, or, for a
// request without a usable Authorization header, from the shape of the
// request, so that even an unsigned request gets its service's error shape.
func detectService(r *http.Request, body []byte) *service {
	if name := scopeService(r.Header.Get("Authorization")); name != "" {
		return serviceByName(name)
	}
	if strings.HasPrefix(r.Header.Get("X-Amz-Target"), smPrefix) {
		return secretsManagerService
	}
	params, err := queryParams(r, body)
	if err != nil || params.Get("Action") == "" {
		return s3Service
	}
	if params.Get("Version") == stsVersion || params.Get("Action") == "GetCallerIdentity" {
		return stsService
	}
	return iamService
}

func serviceByName(name string) *service {
	for _, svc := range []*service{secretsManagerService, iamService, stsService, s3Service} {
		if svc.name == name {
			return svc
		}
	}
	if !operationNamePattern.MatchString(name) {
		name = "unknown"
	}
	return &service{name: name, kind: protocolQuery, actionPrefix: name}
}

// queryParams returns the parameters of an awsQuery request: the URL query
// merged with a form-encoded body.
func queryParams(r *http.Request, body []byte) (url.Values, error) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/x-www-form-urlencoded" {
		return params, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	for k, v := range form {
		params[k] = append(params[k], v...)
	}
	return params, nil
}

// operationName returns the operation a request names, as written in the
// request log, or "" when it names none or an invalid one.
func (svc *service) operationName(c *call) string {
	var op string
	switch svc.kind {
	case protocolJSON:
		op = strings.TrimPrefix(c.r.Header.Get("X-Amz-Target"), smPrefix)
	case protocolQuery:
		c.form, c.formErr = queryParams(c.r, c.body)
		op = c.form.Get("Action")
	case protocolREST:
		op = s3Operation(c.r)
	}
	if !operationNamePattern.MatchString(op) {
		return ""
	}
	return op
}

// handler returns the handler of the call's operation, or the service's
// error for an unknown operation or an unreadable request.
func (svc *service) handler(c *call) (handler, *apiError) {
	if !svc.supported {
		return nil, newError(http.StatusBadRequest, "InvalidAction",
			"The local AWS endpoint serves only secretsmanager, iam, sts and s3, not %s.", svc.name)
	}
	switch svc.kind {
	case protocolJSON:
		return jsonHandler(c)
	case protocolQuery:
		return queryHandler(svc, c)
	default:
		return s3Handler(c), nil
	}
}

func jsonHandler(c *call) (handler, *apiError) {
	if c.r.Method != http.MethodPost || c.r.URL.Path != "/" {
		return nil, smError("UnknownOperationException", "Secrets Manager operations are POST requests to /.")
	}
	h, ok := secretsManagerOperations[c.op]
	if !ok {
		return nil, smError("UnknownOperationException", "The operation in X-Amz-Target is not a Secrets Manager operation.")
	}
	return h, nil
}

func queryHandler(svc *service, c *call) (handler, *apiError) {
	if c.formErr != nil {
		return nil, newError(http.StatusBadRequest, "MalformedQueryString", "The request parameters are not valid form encoding.")
	}
	if c.form.Get("Action") == "" {
		return nil, newError(http.StatusBadRequest, "MissingAction", "Missing Action parameter.")
	}
	ops := iamOperations
	if svc == stsService {
		ops = stsOperations
	}
	h, ok := ops[c.op]
	if !ok {
		return nil, newError(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version %s", truncate(c.form.Get("Action"), 64), svc.version)
	}
	return h, nil
}

// truncate shortens s to at most n bytes for use in a message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
