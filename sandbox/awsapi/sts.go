package awsapi

import "encoding/xml"

var stsOperations = map[string]handler{
	"GetCallerIdentity": (*Server).getCallerIdentity,
}

type getCallerIdentityResult struct {
	XMLName xml.Name `xml:"GetCallerIdentityResult"`
	Arn     string
	UserID  string `xml:"UserId"`
	Account string
}

// getCallerIdentity returns the IAM user whose key signed the request.
func (s *Server) getCallerIdentity(c *call) (any, *apiError) {
	return getCallerIdentityResult{Arn: c.user.arn(s.st.AccountID), UserID: c.user.ID, Account: s.st.AccountID}, nil
}
