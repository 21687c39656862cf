package sampleapp

import (
	"embed"
	"fmt"
	"io/fs"
)

// Branch is the upstream repository's only branch, which its HEAD points at.
const Branch = "main"

// ConfigFile is the path, inside the app, of the only file that holds keys.
const ConfigFile = "config.py"

// Placeholders that the upstream config.py assigns instead of a key pair.
const (
	PlaceholderAccessKeyID     = "REPLACE_WITH_ACCESS_KEY_ID"
	PlaceholderSecretAccessKey = "REPLACE_WITH_SECRET_ACCESS_KEY"
)

// The patterns name each file because a directory pattern would skip
// .gitignore and pick up __pycache__ folders left by a local Python run.
//
//go:embed files/*.py files/*.md files/*.txt files/.gitignore files/templates/*.html
var embedded embed.FS

// Files returns the app's final tree: the files of the last upstream commit,
// with paths relative to the app's root.
func Files() fs.FS {
	tree, err := fs.Sub(embedded, "files")
	if err != nil {
		panic(fmt.Sprintf("sampleapp: embedded files: %v", err))
	}
	return tree
}

// finalFile returns the content of one file of the final tree. A missing
// file is a programming error in this package, caught by its tests.
func finalFile(path string) string {
	content, err := fs.ReadFile(Files(), path)
	if err != nil {
		panic(fmt.Sprintf("sampleapp: embedded file %s: %v", path, err))
	}
	return string(content)
}
