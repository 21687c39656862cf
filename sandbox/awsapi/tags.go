package awsapi

import (
	"slices"
	"strings"
)

// maxTagsPerSecret is Secrets Manager's quota of tags on one secret.
const maxTagsPerSecret = 50

// tagsOf validates the tags of a request. A key given twice keeps its last
// value.
func tagsOf(in []tagJSON) ([]tagRecord, *apiError) {
	var v violations
	for i, t := range in {
		field := memberField("tags", i)
		v.required(field+".key", t.Key != nil)
		v.length(field+".key", t.Key, 1, 128, false)
		v.length(field+".value", t.Value, 0, 256, false)
	}
	if e := v.err("ValidationException"); e != nil {
		return nil, e
	}
	var tags []tagRecord
	for _, t := range in {
		if strings.HasPrefix(strings.ToLower(*t.Key), "aws:") {
			return nil, smError("InvalidParameterException", "Tag keys that start with aws: are reserved for AWS use.")
		}
		tags = mergeTag(tags, tagRecord{Key: *t.Key, Value: deref(t.Value)})
	}
	if len(tags) > maxTagsPerSecret {
		return nil, tagLimitError()
	}
	return tags, nil
}

func tagLimitError() *apiError {
	return smError("LimitExceededException", "A secret can have at most %d tags.", maxTagsPerSecret)
}

// mergeTag sets a tag, replacing the value of a tag with the same key. Keys
// are case-sensitive.
func mergeTag(tags []tagRecord, t tagRecord) []tagRecord {
	for i := range tags {
		if tags[i].Key == t.Key {
			tags[i].Value = t.Value
			return tags
		}
	}
	return append(tags, t)
}

type tagResourceInput struct {
	SecretID *string `json:"SecretId"`
	Tags     []tagJSON
}

// tagResource adds tags to a secret or changes their values.
func (s *Server) tagResource(c *call, in *tagResourceInput) (any, *apiError) {
	var v violations
	validateSecretID(&v, in.SecretID)
	v.required("tags", in.Tags != nil)
	if e := v.err("ValidationException"); e != nil {
		return nil, e
	}
	tags, apiErr := tagsOf(in.Tags)
	if apiErr != nil {
		return nil, apiErr
	}
	sec, apiErr := s.resolveSecret(*in.SecretID)
	if apiErr != nil {
		return nil, apiErr
	}
	if e := checkNotDeleted(sec); e != nil {
		return nil, e
	}
	merged := slices.Clone(sec.Tags)
	for _, t := range tags {
		merged = mergeTag(merged, t)
	}
	if len(merged) > maxTagsPerSecret {
		return nil, tagLimitError()
	}
	sec.Tags = merged
	sec.LastChanged = c.now
	c.changed = true
	return nil, nil
}

type untagResourceInput struct {
	SecretID *string `json:"SecretId"`
	TagKeys  []string
}

// untagResource removes tags by key; a key the secret does not have is
// ignored.
func (s *Server) untagResource(c *call, in *untagResourceInput) (any, *apiError) {
	var v violations
	validateSecretID(&v, in.SecretID)
	v.required("tagKeys", in.TagKeys != nil)
	for i, k := range in.TagKeys {
		v.length(memberField("tagKeys", i), &k, 1, 128, false)
	}
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
	sec.Tags = slices.DeleteFunc(sec.Tags, func(t tagRecord) bool { return slices.Contains(in.TagKeys, t.Key) })
	sec.LastChanged = c.now
	c.changed = true
	return nil, nil
}
