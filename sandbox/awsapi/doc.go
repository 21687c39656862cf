// Package awsapi is the sandbox's local AWS endpoint. One http.Handler
// serves Secrets Manager, IAM access keys, STS GetCallerIdentity and S3
// ListBuckets on a single port. The official clients (aws-sdk-go-v2, boto3
// and the aws CLI) reach it through AWS_ENDPOINT_URL.
//
// The handler routes on the service named in the SigV4 credential scope:
// secretsmanager speaks awsJson1.1 and dispatches on X-Amz-Target, sts and
// iam speak the awsQuery protocol with XML responses, and s3 speaks restXml.
// Every request except GET /_workshop/health must carry a valid SigV4
// signature from a known, active access key; the signature is recomputed with
// the aws-sdk-go-v2 signer. What each IAM user may do comes from the seeded
// state.
//
// All state lives in one JSON file, written atomically after every request
// that changes it. Seed writes a fresh state file and LoadState reads it for
// checks. A JSON Lines request log records one line per request and never a
// secret value, a secret access key or a request body.
package awsapi
