package awsapi

import (
	"bytes"
	"slices"
	"time"
)

// Staging labels with a meaning to Secrets Manager.
const (
	stageCurrent  = "AWSCURRENT"
	stagePrevious = "AWSPREVIOUS"
	stagePending  = "AWSPENDING"
)

const (
	// maxVersions is how many versions a secret keeps before the oldest
	// deprecated ones (versions without labels) are removed.
	maxVersions = 100
	// minDeprecatedAge protects young deprecated versions from removal.
	minDeprecatedAge = 24 * time.Hour
	// maxStagesPerVersion is the quota of staging labels on one version.
	maxStagesPerVersion = 20
)

func (sec *secretRecord) version(id string) *versionRecord {
	for _, v := range sec.Versions {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// stageHolder returns the version that carries a staging label, or nil.
func (sec *secretRecord) stageHolder(stage string) *versionRecord {
	for _, v := range sec.Versions {
		if v.hasStage(stage) {
			return v
		}
	}
	return nil
}

func (v *versionRecord) hasStage(stage string) bool {
	return slices.Contains(v.Stages, stage)
}

func (v *versionRecord) hasValue() bool {
	return v.String != nil || v.Binary != nil
}

// sameValue reports whether the version holds exactly val, of the same kind.
func (v *versionRecord) sameValue(val secretValue) bool {
	if val.str != nil {
		return v.String != nil && *v.String == *val.str
	}
	return v.String == nil && v.Binary != nil && bytes.Equal(v.Binary, val.bin)
}

func (v *versionRecord) setValue(val secretValue) {
	if val.str != nil {
		s := *val.str
		v.String, v.Binary = &s, nil
		return
	}
	v.String, v.Binary = nil, slices.Clone(val.bin)
}

// moveStage attaches a staging label to version to, removing it from the
// version that held it; a nil to only removes it. Moving AWSCURRENT moves
// AWSPREVIOUS to the version AWSCURRENT left.
func (sec *secretRecord) moveStage(stage string, to *versionRecord) {
	from := sec.stageHolder(stage)
	if from == to {
		return
	}
	if from != nil {
		from.Stages = slices.DeleteFunc(from.Stages, func(s string) bool { return s == stage })
	}
	if to != nil {
		to.Stages = append(to.Stages, stage)
	}
	if stage == stageCurrent && from != nil && to != nil {
		sec.moveStage(stagePrevious, from)
	}
}

// addVersion appends a version and attaches stages to it, moving each label
// away from the version that had it. The first version to exist without an
// AWSCURRENT elsewhere gets AWSCURRENT whatever stages were asked for.
//
// When AWSCURRENT moves away from a version that also carries AWSPENDING, that
// version loses AWSPENDING too, as Secrets Manager does after a rotation
// finished by hand. Without that, the next RotateSecret would report an
// unfinished rotation.
func (sec *secretRecord) addVersion(v *versionRecord, stages []string, now time.Time) {
	if old := sec.stageHolder(stageCurrent); old != nil && slices.Contains(stages, stageCurrent) && !slices.Contains(stages, stagePending) {
		old.Stages = slices.DeleteFunc(old.Stages, func(s string) bool { return s == stagePending })
	}
	sec.Versions = append(sec.Versions, v)
	sec.applyStages(v, stages)
	if sec.stageHolder(stageCurrent) == nil {
		v.Stages = append(v.Stages, stageCurrent)
	}
	sec.pruneDeprecated(now)
}

// applyStages attaches each label to v, AWSCURRENT first so that the
// AWSPREVIOUS it moves cannot undo a label asked for explicitly.
func (sec *secretRecord) applyStages(v *versionRecord, stages []string) {
	if slices.Contains(stages, stageCurrent) {
		sec.moveStage(stageCurrent, v)
	}
	for _, st := range stages {
		if st != stageCurrent {
			sec.moveStage(st, v)
		}
	}
}

// pruneDeprecated removes the oldest versions without labels while the
// secret has more than maxVersions, sparing those younger than a day.
func (sec *secretRecord) pruneDeprecated(now time.Time) {
	for len(sec.Versions) > maxVersions {
		i := slices.IndexFunc(sec.Versions, func(v *versionRecord) bool {
			return len(v.Stages) == 0 && now.Sub(v.Created) >= minDeprecatedAge
		})
		if i < 0 {
			return
		}
		sec.Versions = slices.Delete(sec.Versions, i, i+1)
	}
}

// versionsToStages maps each labelled version's id to its labels;
// deprecated versions are left out, and nil means there are none.
func (sec *secretRecord) versionsToStages() map[string][]string {
	var m map[string][]string
	for _, v := range sec.Versions {
		if len(v.Stages) == 0 {
			continue
		}
		if m == nil {
			m = map[string][]string{}
		}
		m[v.ID] = slices.Clone(v.Stages)
	}
	return m
}

// checkStageLimit rejects a change that would give v more than
// maxStagesPerVersion labels.
func checkStageLimit(v *versionRecord, adding int) *apiError {
	if len(v.Stages)+adding > maxStagesPerVersion {
		return smError("LimitExceededException", "A version can have at most %d staging labels.", maxStagesPerVersion)
	}
	return nil
}

// tokenConflict is the error for a ClientRequestToken already used for a
// version with another value.
func tokenConflict(sec *secretRecord, token string) *apiError {
	return smError("ResourceExistsException",
		"You can't use ClientRequestToken %s because that value is already in use for a version of secret %s.", token, sec.ARN)
}

// touchAccess records a read of the secret and the version, at day
// resolution as Secrets Manager stores LastAccessedDate.
func touchAccess(c *call, sec *secretRecord, v *versionRecord) {
	day := c.now.Truncate(24 * time.Hour)
	if sec.LastAccessed == nil || !sec.LastAccessed.Equal(day) {
		sec.LastAccessed = &day
		c.changed = true
	}
	if v.LastAccessed == nil || !v.LastAccessed.Equal(day) {
		d := day
		v.LastAccessed = &d
		c.changed = true
	}
}
