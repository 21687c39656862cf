package awsapi

import "regexp"

var (
	durationPattern = regexp.MustCompile(`^[0-9]+h$`)
	schedulePattern = regexp.MustCompile(`^[0-9A-Za-z\(\)#\?\*\-\/, ]+$`)
)

type rotateSecretInput struct {
	SecretID                       *string `json:"SecretId"`
	ClientRequestToken             *string
	RotationLambdaARN              *string
	RotationRules                  *rotationJSON
	RotateImmediately              *bool
	ExternalSecretRotationMetadata []map[string]any
	ExternalSecretRotationRoleArn  *string
}

// rotateSecret starts a rotation, which needs a Lambda function. No Lambda
// exists on this endpoint, so the call always fails, as AWS fails when it has
// no function to call or cannot invoke the one given. It never changes the
// secret. Clients rotate by hand with PutSecretValue and
// UpdateSecretVersionStage instead.
func (s *Server) rotateSecret(c *call, in *rotateSecretInput) (any, *apiError) {
	if e := validateRotate(in); e != nil {
		return nil, e
	}
	sec, apiErr := s.resolveSecret(*in.SecretID)
	if apiErr != nil {
		return nil, apiErr
	}
	if e := checkNotDeleted(sec); e != nil {
		return nil, e
	}
	if e := requireToken(in.ClientRequestToken); e != nil {
		return nil, e
	}
	lambda := deref(in.RotationLambdaARN)
	if lambda == "" && sec.Rotation != nil {
		lambda = sec.Rotation.LambdaARN
	}
	if lambda == "" {
		return nil, smError("InvalidRequestException", "No Lambda rotation function ARN is associated with this secret.")
	}
	if pending := sec.stageHolder(stagePending); pending != nil && !pending.hasStage(stageCurrent) {
		return nil, smError("InvalidRequestException", "A previous rotation isn't complete. That rotation will be reattempted.")
	}
	return nil, smError("AccessDeniedException",
		"Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.")
}

func validateRotate(in *rotateSecretInput) *apiError {
	var v violations
	validateSecretID(&v, in.SecretID)
	validateToken(&v, in.ClientRequestToken)
	v.length("rotationLambdaARN", in.RotationLambdaARN, 0, 2048, false)
	v.length("externalSecretRotationRoleArn", in.ExternalSecretRotationRoleArn, 20, 2048, false)
	if r := in.RotationRules; r != nil {
		v.intRange("rotationRules.automaticallyAfterDays", r.AutomaticallyAfterDays, 1, 1000)
		v.length("rotationRules.duration", r.Duration, 2, 3, false)
		v.pattern("rotationRules.duration", r.Duration, durationPattern, "[0-9]+h")
		v.length("rotationRules.scheduleExpression", r.ScheduleExpression, 1, 256, false)
		v.pattern("rotationRules.scheduleExpression", r.ScheduleExpression, schedulePattern, `[0-9A-Za-z\(\)#\?\*\-\/, ]+`)
	}
	if e := v.err("ValidationException"); e != nil {
		return e
	}
	if r := in.RotationRules; r != nil && r.AutomaticallyAfterDays != nil && r.ScheduleExpression != nil {
		return smError("InvalidParameterException", "You can't use AutomaticallyAfterDays and ScheduleExpression together in RotationRules.")
	}
	return nil
}

// cancelRotateSecret turns automatic rotation off. A version left with
// AWSPENDING keeps it, as in AWS; UpdateSecretVersionStage removes it.
func (s *Server) cancelRotateSecret(c *call, in *secretIDInput) (any, *apiError) {
	var v violations
	validateSecretID(&v, in.SecretID)
	if e := v.err("ValidationException"); e != nil {
		return nil, e
	}
	sec, apiErr := s.resolveSecret(*in.SecretID)
	if apiErr != nil {
		return nil, apiErr
	}
	if e := checkNotDeleted(sec); e != nil {
		return nil, e
	}
	if sec.Rotation != nil && sec.Rotation.Enabled {
		sec.Rotation.Enabled = false
		sec.Rotation.NextRotation = nil
		sec.LastChanged = c.now
		c.changed = true
	}
	versionID := ""
	if pending := sec.stageHolder(stagePending); pending != nil {
		versionID = pending.ID
	}
	return refOf(sec, versionID), nil
}

type updateStageInput struct {
	SecretID            *string `json:"SecretId"`
	VersionStage        *string
	RemoveFromVersionId *string
	MoveToVersionId     *string
}

// updateSecretVersionStage moves a staging label to another version, or
// removes it. A label attached elsewhere moves only when
// RemoveFromVersionId names its current version, and moving AWSCURRENT
// moves AWSPREVIOUS to the version it left.
func (s *Server) updateSecretVersionStage(c *call, in *updateStageInput) (any, *apiError) {
	if e := validateUpdateStage(in); e != nil {
		return nil, e
	}
	sec, apiErr := s.resolveSecret(*in.SecretID)
	if apiErr != nil {
		return nil, apiErr
	}
	if e := checkNotDeleted(sec); e != nil {
		return nil, e
	}
	stage := *in.VersionStage
	to, apiErr := stageTarget(sec, stage, in)
	if apiErr != nil {
		return nil, apiErr
	}
	if to != nil && !to.hasStage(stage) {
		if e := checkStageLimit(to, 1); e != nil {
			return nil, e
		}
	}
	sec.moveStage(stage, to)
	sec.LastChanged = c.now
	c.changed = true
	return refOf(sec, ""), nil
}

func validateUpdateStage(in *updateStageInput) *apiError {
	var v violations
	validateSecretID(&v, in.SecretID)
	v.required("versionStage", in.VersionStage != nil)
	v.length("versionStage", in.VersionStage, 1, 256, false)
	v.length("removeFromVersionId", in.RemoveFromVersionId, 32, 64, false)
	v.length("moveToVersionId", in.MoveToVersionId, 32, 64, false)
	return v.err("ValidationException")
}

// stageTarget checks the versions a stage update names and returns the one
// the label moves to, or nil when the label is only removed.
func stageTarget(sec *secretRecord, stage string, in *updateStageInput) (*versionRecord, *apiError) {
	var to, from *versionRecord
	if in.MoveToVersionId == nil && in.RemoveFromVersionId == nil {
		return nil, smError("InvalidParameterException", "You must specify MoveToVersionId, RemoveFromVersionId or both.")
	}
	if in.MoveToVersionId != nil {
		if to = sec.version(*in.MoveToVersionId); to == nil {
			return nil, versionNotFound(*in.MoveToVersionId)
		}
	}
	if in.RemoveFromVersionId != nil {
		if from = sec.version(*in.RemoveFromVersionId); from == nil {
			return nil, versionNotFound(*in.RemoveFromVersionId)
		}
		if !from.hasStage(stage) {
			return nil, smError("InvalidParameterException",
				"The staging label %s is not attached to version %s, so it can't be removed from it.", stage, from.ID)
		}
	}
	holder := sec.stageHolder(stage)
	switch {
	case to == nil && stage == stageCurrent:
		return nil, smError("InvalidParameterException",
			"You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.")
	case to != nil && holder != nil && holder != to && from == nil:
		return nil, smError("InvalidParameterException",
			"The parameter RemoveFromVersionId can't be empty. Staging label %s is currently attached to version %s, so you must explicitly reference that version in RemoveFromVersionId.",
			stage, holder.ID)
	}
	return to, nil
}

func versionNotFound(id string) *apiError {
	return smError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: %s", id)
}
