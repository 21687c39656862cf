package awsapi

import (
	"strconv"
	"time"
)

type createSecretInput struct {
	Name                        *string
	ClientRequestToken          *string
	Description                 *string
	KmsKeyID                    *string `json:"KmsKeyId"`
	SecretString                *string
	SecretBinary                *[]byte
	Tags                        []tagJSON
	AddReplicaRegions           []map[string]any
	ForceOverwriteReplicaSecret *bool
	Type                        *string
}

// createSecret creates a secret, with a first version labelled AWSCURRENT
// when a value is given. Repeating a create with the same token and value
// returns the first result.
func (s *Server) createSecret(c *call, in *createSecretInput) (any, *apiError) {
	if e := validateCreate(in); e != nil {
		return nil, e
	}
	val, hasValue, apiErr := valueOf(in.SecretString, in.SecretBinary)
	if apiErr != nil {
		return nil, apiErr
	}
	tags, apiErr := tagsOf(in.Tags)
	if apiErr != nil {
		return nil, apiErr
	}
	if len(in.AddReplicaRegions) > 0 {
		return nil, smError("InvalidParameterException", "Replication to other Regions is not available on this endpoint.")
	}
	if existing := s.st.findSecret(*in.Name); existing != nil {
		return createAgain(existing, in, val, hasValue)
	}

	sec := &secretRecord{
		ARN:         "arn:aws:secretsmanager:" + s.st.Region + ":" + s.st.AccountID + ":secret:" + *in.Name + "-" + newARNSuffix(),
		Name:        *in.Name,
		Description: deref(in.Description),
		KmsKeyID:    deref(in.KmsKeyID),
		Type:        deref(in.Type),
		Created:     c.now,
		LastChanged: c.now,
		Tags:        tags,
	}
	s.st.Secrets = append(s.st.Secrets, sec)
	c.changed = true
	if !hasValue {
		return refOf(sec, ""), nil
	}
	v := &versionRecord{ID: *in.ClientRequestToken, Created: c.now}
	v.setValue(val)
	sec.addVersion(v, []string{stageCurrent}, c.now)
	return refOf(sec, v.ID), nil
}

func validateCreate(in *createSecretInput) *apiError {
	var v violations
	v.required("name", in.Name != nil)
	v.length("name", in.Name, 1, 512, false)
	validateToken(&v, in.ClientRequestToken)
	v.length("description", in.Description, 0, 2048, false)
	v.length("kmsKeyId", in.KmsKeyID, 0, 2048, false)
	v.length("type", in.Type, 0, 256, false)
	validateValue(&v, in.SecretString, in.SecretBinary)
	if e := v.err("ValidationException"); e != nil {
		return e
	}
	if !secretNamePattern.MatchString(*in.Name) {
		return smError("ValidationException", invalidNameMessage)
	}
	return requireToken(in.ClientRequestToken)
}

// createAgain handles a CreateSecret for a name that exists. The same token
// and value return the first result, and anything else is a conflict.
func createAgain(sec *secretRecord, in *createSecretInput, val secretValue, hasValue bool) (any, *apiError) {
	if sec.DeletedDate != nil {
		return nil, smError("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
	}
	if hasValue {
		if v := sec.version(*in.ClientRequestToken); v != nil {
			if v.sameValue(val) {
				return refOf(sec, v.ID), nil
			}
			return nil, tokenConflict(sec, v.ID)
		}
	}
	return nil, smError("ResourceExistsException", "The operation failed because the secret %s already exists.", sec.Name)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

type getSecretValueInput struct {
	SecretID     *string `json:"SecretId"`
	VersionID    *string `json:"VersionId"`
	VersionStage *string
}

type secretValueOutput struct {
	ARN           string     `json:"ARN"`
	Name          string     `json:"Name"`
	VersionID     string     `json:"VersionId"`
	SecretString  *string    `json:"SecretString,omitempty"`
	SecretBinary  []byte     `json:"SecretBinary,omitempty"`
	VersionStages []string   `json:"VersionStages,omitempty"`
	CreatedDate   *epochTime `json:"CreatedDate,omitempty"`
}

func valueOutput(sec *secretRecord, v *versionRecord) secretValueOutput {
	return secretValueOutput{
		ARN:           sec.ARN,
		Name:          sec.Name,
		VersionID:     v.ID,
		SecretString:  v.String,
		SecretBinary:  v.Binary,
		VersionStages: v.Stages,
		CreatedDate:   epochOf(v.Created),
	}
}

// getSecretValue returns one version's value: the one VersionId or
// VersionStage names, AWSCURRENT by default.
func (s *Server) getSecretValue(c *call, in *getSecretValueInput) (any, *apiError) {
	var v violations
	validateSecretID(&v, in.SecretID)
	v.length("versionId", in.VersionID, 32, 64, false)
	v.length("versionStage", in.VersionStage, 1, 256, false)
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
	ver, apiErr := selectVersion(sec, in.VersionID, in.VersionStage)
	if apiErr != nil {
		return nil, apiErr
	}
	touchAccess(c, sec, ver)
	return valueOutput(sec, ver), nil
}

// selectVersion finds the version with a value that a VersionId and
// VersionStage pick.
func selectVersion(sec *secretRecord, id, stage *string) (*versionRecord, *apiError) {
	if id != nil {
		v := sec.version(*id)
		if v == nil || !v.hasValue() {
			return nil, smError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: %s", *id)
		}
		if stage != nil && !v.hasStage(*stage) {
			return nil, smError("InvalidRequestException", "You provided a VersionStage that is not associated to the provided VersionId.")
		}
		return v, nil
	}
	label := stageCurrent
	if stage != nil {
		label = *stage
	}
	v := sec.stageHolder(label)
	if v == nil || !v.hasValue() {
		return nil, smError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: %s", label)
	}
	return v, nil
}

type putSecretValueInput struct {
	SecretID           *string `json:"SecretId"`
	ClientRequestToken *string
	SecretString       *string
	SecretBinary       *[]byte
	VersionStages      []string
	RotationToken      *string
}

type putSecretValueOutput struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionID     string   `json:"VersionId"`
	VersionStages []string `json:"VersionStages,omitempty"`
}

// putSecretValue stores a new version, labelled AWSCURRENT unless
// VersionStages lists other labels. The token is the version id: repeating it
// with the same value changes nothing, and it may fill in the empty version
// that a rotation created.
func (s *Server) putSecretValue(c *call, in *putSecretValueInput) (any, *apiError) {
	if e := validatePut(in); e != nil {
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
	val, hasValue, apiErr := valueOf(in.SecretString, in.SecretBinary)
	if apiErr != nil {
		return nil, apiErr
	}
	if !hasValue {
		return nil, smError("InvalidRequestException", "You must provide either SecretString or SecretBinary.")
	}
	stages := in.VersionStages
	if stages == nil {
		stages = []string{stageCurrent}
	}
	return putVersion(c, sec, *in.ClientRequestToken, val, stages)
}

func validatePut(in *putSecretValueInput) *apiError {
	var v violations
	validateSecretID(&v, in.SecretID)
	validateToken(&v, in.ClientRequestToken)
	validateValue(&v, in.SecretString, in.SecretBinary)
	if in.VersionStages != nil {
		v.lengthOf("versionStages", "", len(in.VersionStages), 1, maxStagesPerVersion, true)
	}
	for i, st := range in.VersionStages {
		v.length(memberField("versionStages", i), &st, 1, 256, false)
	}
	v.length("rotationToken", in.RotationToken, 36, 256, true)
	return v.err("ValidationException")
}

func putVersion(c *call, sec *secretRecord, token string, val secretValue, stages []string) (any, *apiError) {
	out := func(v *versionRecord) putSecretValueOutput {
		return putSecretValueOutput{ARN: sec.ARN, Name: sec.Name, VersionID: v.ID, VersionStages: v.Stages}
	}
	if v := sec.version(token); v != nil {
		switch {
		case !v.hasValue():
			v.setValue(val)
			sec.applyStages(v, stages)
			sec.LastChanged = c.now
			c.changed = true
			return out(v), nil
		case v.sameValue(val):
			return out(v), nil
		default:
			return nil, tokenConflict(sec, token)
		}
	}
	v := &versionRecord{ID: token, Created: c.now}
	v.setValue(val)
	sec.addVersion(v, stages, c.now)
	sec.LastChanged = c.now
	c.changed = true
	return out(v), nil
}

type updateSecretInput struct {
	SecretID           *string `json:"SecretId"`
	ClientRequestToken *string
	Description        *string
	KmsKeyID           *string `json:"KmsKeyId"`
	SecretString       *string
	SecretBinary       *[]byte
	Type               *string
}

// updateSecret changes a secret's description or KMS key and, when a value
// is given, stores it as a new AWSCURRENT version.
func (s *Server) updateSecret(c *call, in *updateSecretInput) (any, *apiError) {
	if e := validateUpdate(in); e != nil {
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
	val, hasValue, apiErr := valueOf(in.SecretString, in.SecretBinary)
	if apiErr != nil {
		return nil, apiErr
	}

	if hasValue {
		if existing := sec.version(*in.ClientRequestToken); existing != nil && !existing.sameValue(val) {
			return nil, tokenConflict(sec, existing.ID)
		}
	}
	applyMetadata(sec, in)
	sec.LastChanged = c.now
	c.changed = true
	if !hasValue {
		return refOf(sec, ""), nil
	}
	if _, apiErr := putVersion(c, sec, *in.ClientRequestToken, val, []string{stageCurrent}); apiErr != nil {
		return nil, apiErr
	}
	return refOf(sec, *in.ClientRequestToken), nil
}

func validateUpdate(in *updateSecretInput) *apiError {
	var v violations
	validateSecretID(&v, in.SecretID)
	validateToken(&v, in.ClientRequestToken)
	v.length("description", in.Description, 0, 2048, false)
	v.length("kmsKeyId", in.KmsKeyID, 0, 2048, false)
	v.length("type", in.Type, 0, 256, false)
	validateValue(&v, in.SecretString, in.SecretBinary)
	return v.err("ValidationException")
}

func applyMetadata(sec *secretRecord, in *updateSecretInput) {
	if in.Description != nil {
		sec.Description = *in.Description
	}
	if in.KmsKeyID != nil {
		sec.KmsKeyID = *in.KmsKeyID
	}
	if in.Type != nil {
		sec.Type = *in.Type
	}
}

type secretIDInput struct {
	SecretID *string `json:"SecretId"`
}

type describeSecretOutput struct {
	ARN                    string              `json:"ARN"`
	Name                   string              `json:"Name"`
	Type                   string              `json:"Type,omitempty"`
	Description            string              `json:"Description,omitempty"`
	KmsKeyID               string              `json:"KmsKeyId,omitempty"`
	RotationEnabled        *bool               `json:"RotationEnabled,omitempty"`
	RotationLambdaARN      string              `json:"RotationLambdaARN,omitempty"`
	RotationRules          *rotationJSON       `json:"RotationRules,omitempty"`
	LastRotatedDate        *epochTime          `json:"LastRotatedDate,omitempty"`
	LastChangedDate        *epochTime          `json:"LastChangedDate,omitempty"`
	LastAccessedDate       *epochTime          `json:"LastAccessedDate,omitempty"`
	DeletedDate            *epochTime          `json:"DeletedDate,omitempty"`
	NextRotationDate       *epochTime          `json:"NextRotationDate,omitempty"`
	Tags                   []tagOut            `json:"Tags,omitempty"`
	VersionIdsToStages     map[string][]string `json:"VersionIdsToStages,omitempty"`
	SecretVersionsToStages map[string][]string `json:"SecretVersionsToStages,omitempty"`
	CreatedDate            *epochTime          `json:"CreatedDate,omitempty"`
}

// describe returns a secret's metadata. The rotation members appear only
// once rotation was configured, and the versions map lists labelled
// versions only.
func describe(sec *secretRecord) describeSecretOutput {
	out := describeSecretOutput{
		ARN:                sec.ARN,
		Name:               sec.Name,
		Type:               sec.Type,
		Description:        sec.Description,
		KmsKeyID:           sec.KmsKeyID,
		LastChangedDate:    epochOf(sec.LastChanged),
		LastAccessedDate:   epoch(sec.LastAccessed),
		DeletedDate:        epoch(sec.DeletedDate),
		VersionIdsToStages: sec.versionsToStages(),
		CreatedDate:        epochOf(sec.Created),
	}
	for _, t := range sec.Tags {
		out.Tags = append(out.Tags, tagOut(t))
	}
	if r := sec.Rotation; r != nil {
		enabled := r.Enabled
		out.RotationEnabled = &enabled
		out.RotationLambdaARN = r.LambdaARN
		out.RotationRules = r.Rules
		out.LastRotatedDate = epoch(r.LastRotated)
		if r.Enabled {
			out.NextRotationDate = epoch(r.NextRotation)
		}
	}
	return out
}

// describeSecret returns a secret's metadata, also while it is scheduled for
// deletion.
func (s *Server) describeSecret(c *call, in *secretIDInput) (any, *apiError) {
	var v violations
	validateSecretID(&v, in.SecretID)
	if e := v.err("ValidationException"); e != nil {
		return nil, e
	}
	sec, apiErr := s.resolveSecret(*in.SecretID)
	if apiErr != nil {
		return nil, apiErr
	}
	return describe(sec), nil
}

type deleteSecretInput struct {
	SecretID                   *string `json:"SecretId"`
	RecoveryWindowInDays       *int64
	ForceDeleteWithoutRecovery *bool
}

type deleteSecretOutput struct {
	ARN          string     `json:"ARN,omitempty"`
	Name         string     `json:"Name,omitempty"`
	DeletionDate *epochTime `json:"DeletionDate,omitempty"`
}

const (
	defaultRecoveryDays = 30
	minRecoveryDays     = 7
	maxRecoveryDays     = 30
)

// deleteSecret schedules a secret's deletion after a recovery window of 7 to
// 30 days, or deletes it at once with ForceDeleteWithoutRecovery, which also
// works on a secret already scheduled and on one that does not exist.
func (s *Server) deleteSecret(c *call, in *deleteSecretInput) (any, *apiError) {
	var v violations
	validateSecretID(&v, in.SecretID)
	if e := v.err("ValidationException"); e != nil {
		return nil, e
	}
	force := in.ForceDeleteWithoutRecovery != nil && *in.ForceDeleteWithoutRecovery
	days, apiErr := recoveryWindow(in.RecoveryWindowInDays, force)
	if apiErr != nil {
		return nil, apiErr
	}

	sec, apiErr := s.resolveSecret(*in.SecretID)
	if apiErr != nil {
		if force && apiErr.Code == "ResourceNotFoundException" {
			return deleteSecretOutput{Name: *in.SecretID, DeletionDate: epochOf(c.now)}, nil
		}
		return nil, apiErr
	}
	if force {
		s.removeSecret(sec)
		c.changed = true
		return deleteSecretOutput{ARN: sec.ARN, Name: sec.Name, DeletionDate: epochOf(c.now)}, nil
	}

	if sec.DeletedDate != nil {
		return nil, smError("InvalidRequestException", "You tried to perform the operation on a secret that's currently marked deleted.")
	}
	deleted, deletion := c.now, c.now.Add(time.Duration(days)*24*time.Hour)
	sec.DeletedDate, sec.DeletionDate = &deleted, &deletion
	sec.LastChanged = c.now
	c.changed = true
	return deleteSecretOutput{ARN: sec.ARN, Name: sec.Name, DeletionDate: epochOf(deletion)}, nil
}

func recoveryWindow(days *int64, force bool) (int64, *apiError) {
	switch {
	case days != nil && force:
		return 0, smError("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	case days == nil:
		return defaultRecoveryDays, nil
	case *days < minRecoveryDays || *days > maxRecoveryDays:
		return 0, smError("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
	}
	return *days, nil
}

func (s *Server) removeSecret(sec *secretRecord) {
	for i, x := range s.st.Secrets {
		if x == sec {
			s.st.Secrets = append(s.st.Secrets[:i], s.st.Secrets[i+1:]...)
			return
		}
	}
}

// restoreSecret cancels a scheduled deletion.
func (s *Server) restoreSecret(c *call, in *secretIDInput) (any, *apiError) {
	var v violations
	validateSecretID(&v, in.SecretID)
	if e := v.err("ValidationException"); e != nil {
		return nil, e
	}
	sec, apiErr := s.resolveSecret(*in.SecretID)
	if apiErr != nil {
		return nil, apiErr
	}
	if sec.DeletedDate != nil {
		sec.DeletedDate, sec.DeletionDate = nil, nil
		sec.LastChanged = c.now
		c.changed = true
	}
	return refOf(sec, ""), nil
}

// memberField names the i-th member of a list in a validation message, as
// AWS does: "versionStages.1.member".
func memberField(list string, i int) string {
	return list + "." + strconv.Itoa(i+1) + ".member"
}
