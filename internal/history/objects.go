package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/secretslab/workshop/internal/secretscan"
)

// matchedObject is an object whose content contains a value.
type matchedObject struct {
	kind string
	// target is the object an annotated tag points to.
	target  string
	matches []objectMatch
}

// objectMatch is one value found in an object. Part is empty for blob
// content and one of the Path constants otherwise.
type objectMatch struct {
	label, encoding, part string
}

// scanObjects reads every object in the object database, loose, packed and
// borrowed through alternates, reachable or not, with one git cat-file
// stream, and records the objects that contain a value. Each object is
// held in memory whole while it is searched.
func (in *inspector) scanObjects(ctx context.Context) error {
	in.objects = map[string]*matchedObject{}
	args := []string{"cat-file", "--batch-all-objects", "--batch", "--unordered"}
	err := in.git.stream(ctx, nil, nil, args, func(r *bufio.Reader) error {
		var buf []byte
		for {
			oid, kind, content, err := readBatchObject(r, &buf)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if content == nil || !in.matcher.Contains(content) {
				continue
			}
			if obj := matchObject(in.matcher, oid, kind, content); obj != nil {
				in.objects[oid] = obj
			}
		}
	})
	if err != nil {
		return fmt.Errorf("search the object database: %w", err)
	}
	return nil
}

// readBatchObject reads one object from git cat-file --batch output into buf.
// The returned content is nil for an object that disappeared while git was
// listing, and aliases buf otherwise.
func readBatchObject(r *bufio.Reader, buf *[]byte) (oid, kind string, content []byte, err error) {
	header, err := r.ReadString('\n')
	if errors.Is(err, io.EOF) && header == "" {
		return "", "", nil, io.EOF
	}
	if err != nil {
		return "", "", nil, fmt.Errorf("read object header: %w", err)
	}
	fields := strings.Fields(header)
	if len(fields) == 2 && fields[1] == "missing" {
		return fields[0], "", nil, nil
	}
	if len(fields) != 3 {
		return "", "", nil, fmt.Errorf("invalid object header %q", header)
	}
	size, err := strconv.Atoi(fields[2])
	if err != nil || size < 0 {
		return "", "", nil, fmt.Errorf("invalid object size in header %q", header)
	}
	if cap(*buf) < size+1 {
		*buf = make([]byte, size+1)
	}
	data := (*buf)[:size+1]
	if _, err := io.ReadFull(r, data); err != nil {
		return "", "", nil, fmt.Errorf("read object %s: %w", fields[0], err)
	}
	return fields[0], fields[1], data[:size], nil
}

// matchObject returns the values in an object and the part of the object
// each is in, or nil when there are none. A tree is searched name by name, so
// a match that spans two names or a binary id does not count.
func matchObject(m *secretscan.Matcher, oid, kind string, content []byte) *matchedObject {
	obj := &matchedObject{kind: kind}
	switch kind {
	case "tree":
		obj.matches = matchTreeNames(m, content, len(oid)/2)
	case "commit", "tag":
		obj.matches = matchHeaderAndMessage(m, kind, content)
		obj.target = tagTarget(kind, content)
	default:
		for _, vm := range m.Find(content) {
			obj.matches = append(obj.matches, objectMatch{label: vm.Label, encoding: vm.Encoding})
		}
	}
	obj.matches = uniqueMatches(obj.matches)
	if len(obj.matches) == 0 {
		return nil
	}
	return obj
}

func uniqueMatches(matches []objectMatch) []objectMatch {
	slices.SortFunc(matches, func(a, b objectMatch) int {
		return strings.Compare(a.part+"\x00"+a.label+"\x00"+a.encoding, b.part+"\x00"+b.label+"\x00"+b.encoding)
	})
	return slices.Compact(matches)
}

// matchTreeNames searches the entry names of a tree. Each entry is
// "MODE NAME\0" followed by the binary id of hashLen bytes.
func matchTreeNames(m *secretscan.Matcher, tree []byte, hashLen int) []objectMatch {
	var matches []objectMatch
	for len(tree) > 0 {
		space := bytes.IndexByte(tree, ' ')
		nul := bytes.IndexByte(tree, 0)
		if space < 0 || nul < space || nul+1+hashLen > len(tree) {
			break
		}
		for _, vm := range m.Find(tree[space+1 : nul]) {
			matches = append(matches, objectMatch{label: vm.Label, encoding: vm.Encoding, part: PathFileName})
		}
		tree = tree[nul+1+hashLen:]
	}
	return matches
}

// matchHeaderAndMessage searches a commit or tag and names the part that
// contains each match: the message, the author, committer or tagger line,
// or another header.
func matchHeaderAndMessage(m *secretscan.Matcher, kind string, content []byte) []objectMatch {
	headerEnd := bytes.Index(content, []byte("\n\n"))
	if headerEnd < 0 {
		headerEnd = len(content)
	}
	var matches []objectMatch
	for _, vm := range m.Find(content) {
		part := headerPart(kind, content, vm.Start)
		if vm.Start > headerEnd {
			part = PathCommitMessage
			if kind == "tag" {
				part = PathTagMessage
			}
		}
		matches = append(matches, objectMatch{label: vm.Label, encoding: vm.Encoding, part: part})
	}
	return matches
}

// headerPart names the header line of a commit or tag that contains offset.
func headerPart(kind string, content []byte, offset int) string {
	lineStart := bytes.LastIndexByte(content[:offset], '\n') + 1
	keyword, _, _ := bytes.Cut(content[lineStart:], []byte(" "))
	switch string(keyword) {
	case "author":
		return PathAuthor
	case "committer":
		return PathCommitter
	case "tagger":
		return PathTagger
	}
	if kind == "tag" {
		return PathTagHeader
	}
	return PathCommitHeader
}

// tagTarget returns the id on the "object" line of an annotated tag.
func tagTarget(kind string, content []byte) string {
	if kind != "tag" {
		return ""
	}
	line, _, _ := bytes.Cut(content, []byte("\n"))
	target, ok := bytes.CutPrefix(line, []byte("object "))
	if !ok {
		return ""
	}
	return string(target)
}
