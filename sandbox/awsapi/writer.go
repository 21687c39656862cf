package awsapi

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

const (
	jsonContentType     = "application/x-amz-json-1.1"
	badSignatureMessage = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// writeResult sends a successful response in the call's protocol.
func (c *call) writeResult(result any) {
	switch c.svc.kind {
	case protocolJSON:
		c.writeJSON(http.StatusOK, result)
	case protocolQuery:
		c.writeQueryResult(result)
	default:
		c.writeS3Result(result)
	}
}

// writeError sends an error response in the call's protocol.
func (c *call) writeError(e *apiError) {
	c.errorCode = e.Code
	switch c.svc.kind {
	case protocolJSON:
		c.writeJSONError(e)
	case protocolQuery:
		c.writeQueryError(e)
	default:
		c.writeS3Error(e)
	}
}

func (c *call) send(status int, contentType string, body []byte) {
	h := c.w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if c.svc.kind == protocolREST {
		h.Set("x-amz-request-id", c.requestID)
		h.Set("x-amz-id-2", c.hostID)
	} else {
		h.Set("x-amzn-RequestId", c.requestID)
	}
	c.w.WriteHeader(status)
	c.written = true
	c.status = status
	c.w.Write(body) //nolint:errcheck // the client went away; nothing to do
}

func (c *call) writeJSON(status int, v any) {
	if v == nil {
		v = struct{}{}
	}
	body, err := json.Marshal(v)
	if err != nil {
		body = []byte(`{"__type":"InternalServiceError","Message":"The response could not be encoded."}`)
		status = http.StatusInternalServerError
	}
	c.send(status, jsonContentType, body)
}

func (c *call) writeJSONError(e *apiError) {
	member := "Message"
	if e.LowerMessage {
		member = "message"
	}
	c.writeJSON(e.Status, map[string]string{"__type": e.Code, member: e.Message})
}

func (c *call) writeQueryResult(result any) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<%sResponse xmlns="%s">`, c.op, c.svc.xmlns)
	if result != nil {
		if err := xml.NewEncoder(&b).Encode(result); err != nil {
			c.writeQueryError(internalError(c.svc))
			return
		}
	}
	fmt.Fprintf(&b, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>", c.requestID, c.op)
	c.send(http.StatusOK, "text/xml", b.Bytes())
}

type queryErrorBody struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

func (c *call) writeQueryError(e *apiError) {
	body := queryErrorBody{Xmlns: c.svc.xmlns, RequestID: c.requestID}
	body.Error.Type = "Sender"
	if e.Receiver {
		body.Error.Type = "Receiver"
	}
	body.Error.Code = e.Code
	body.Error.Message = e.Message
	data, _ := xml.Marshal(body)
	c.send(e.Status, "text/xml", data)
}

func (c *call) writeS3Result(result any) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(result); err != nil {
		c.writeS3Error(internalError(c.svc))
		return
	}
	c.send(http.StatusOK, "application/xml", b.Bytes())
}

func (c *call) writeS3Error(e *apiError) {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString("<Error>")
	writeXMLElement(&b, "Code", e.Code)
	writeXMLElement(&b, "Message", e.Message)
	for _, f := range e.Extra {
		writeXMLElement(&b, f.Name, f.Value)
	}
	writeXMLElement(&b, "RequestId", c.requestID)
	writeXMLElement(&b, "HostId", c.hostID)
	b.WriteString("</Error>")
	c.send(e.Status, "application/xml", []byte(b.String()))
}

func writeXMLElement(b *strings.Builder, name, value string) {
	b.WriteString("<" + name + ">")
	xml.EscapeText(b, []byte(value)) //nolint:errcheck // strings.Builder.Write always returns a nil error
	b.WriteString("</" + name + ">")
}

// authError returns the error a service sends when a request fails
// authentication. JSON services send 400s, query services and S3 403s, and
// each names the failure its own way.
func (svc *service) authError(p *authProblem, c *call) *apiError {
	switch svc.kind {
	case protocolJSON:
		return jsonAuthError(p)
	case protocolREST:
		return s3AuthError(p, c)
	default:
		return queryAuthError(p)
	}
}

func jsonAuthError(p *authProblem) *apiError {
	var e *apiError
	switch p.kind {
	case authMissing:
		e = smError("MissingAuthenticationTokenException", "Missing Authentication Token")
	case authMalformed:
		e = smError("IncompleteSignatureException", "%s", p.message)
	case authUnknownKey:
		e = smError("UnrecognizedClientException", "The security token included in the request is invalid.")
	case authBadSignature:
		e = smError("InvalidSignatureException", "%s", signatureMessage(p))
	default:
		e = smError("InvalidSignatureException", "%s", p.message)
	}
	e.LowerMessage = true
	return e
}

// signatureMessage is a signature mismatch message. Like Secrets Manager's,
// it shows the canonical request and string to sign the endpoint expected,
// which contain header values and hashes but no secret.
func signatureMessage(p *authProblem) string {
	if p.message != "" {
		return p.message
	}
	if p.canonicalRequest == "" {
		return badSignatureMessage
	}
	return badSignatureMessage + "\n\nThe Canonical String for this request should have been\n'" + p.canonicalRequest +
		"'\n\nThe String-to-Sign should have been\n'" + p.stringToSign + "'\n"
}

func queryAuthError(p *authProblem) *apiError {
	switch p.kind {
	case authMissing:
		return newError(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
	case authMalformed:
		return newError(http.StatusBadRequest, "IncompleteSignature", "%s", p.message)
	case authUnknownKey:
		return newError(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid")
	case authBadSignature:
		msg := p.message
		if msg == "" {
			msg = badSignatureMessage
		}
		return newError(http.StatusForbidden, "SignatureDoesNotMatch", "%s", msg)
	default:
		return newError(http.StatusForbidden, "SignatureDoesNotMatch", "%s", p.message)
	}
}

func s3AuthError(p *authProblem, c *call) *apiError {
	switch p.kind {
	case authMissing:
		return newError(http.StatusForbidden, "AccessDenied", "Access Denied")
	case authMalformed:
		return newError(http.StatusBadRequest, "AuthorizationHeaderMalformed", "%s", p.message)
	case authUnknownKey:
		e := newError(http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
		e.Extra = []xmlField{{"AWSAccessKeyId", c.accessKeyID}}
		return e
	case authBadSignature:
		return s3SignatureError(p, c)
	case authPayloadMismatch:
		return newError(http.StatusBadRequest, "XAmzContentSHA256Mismatch", "%s", p.message)
	default:
		e := newError(http.StatusForbidden, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
		e.Extra = []xmlField{
			{"RequestTime", p.requestTime.Format(amzDateLayout)},
			{"ServerTime", c.now.Format("2006-01-02T15:04:05Z")},
			{"MaxAllowedSkewMilliseconds", strconv.FormatInt(maxClockSkew.Milliseconds(), 10)},
		}
		return e
	}
}

func s3SignatureError(p *authProblem, c *call) *apiError {
	msg := p.message
	if msg == "" {
		msg = badSignatureMessage
	}
	e := newError(http.StatusForbidden, "SignatureDoesNotMatch", "%s", msg)
	e.Extra = []xmlField{{"AWSAccessKeyId", c.accessKeyID}}
	if p.canonicalRequest != "" {
		e.Extra = append(e.Extra,
			xmlField{"StringToSign", p.stringToSign},
			xmlField{"SignatureProvided", p.signatureProvided},
			xmlField{"StringToSignBytes", spacedHex(p.stringToSign)},
			xmlField{"CanonicalRequest", p.canonicalRequest},
			xmlField{"CanonicalRequestBytes", spacedHex(p.canonicalRequest)},
		)
	}
	return e
}

// spacedHex writes each byte of s as two hex digits, separated by spaces, as
// S3 does in its signature errors.
func spacedHex(s string) string {
	parts := make([]string, len(s))
	for i := range len(s) {
		parts[i] = hex.EncodeToString([]byte{s[i]})
	}
	return strings.Join(parts, " ")
}
