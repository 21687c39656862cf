// Package rotation rotates an IAM access key pair stored in a Secrets Manager
// secret, without a rotation Lambda.
//
// Rotate runs the four steps that AWS's rotation functions run:
// createSecret, setSecret, testSecret and finishSecret. It makes them as
// client-side calls to the public Secrets Manager, IAM and STS APIs, so it
// works the same against the sandbox's local endpoint and a real AWS account. The secret's
// value is a JSON object with the members AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, and optionally UserName; other members are kept.
//
// The steps are idempotent in the way AWS's rotation functions are: a
// version labelled AWSPENDING that an earlier, failed run left behind is
// picked up again instead of creating another key.
package rotation
