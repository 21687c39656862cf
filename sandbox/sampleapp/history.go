package sampleapp

import (
	"maps"
	"time"
)

// Commit is one upstream commit, described as data.
type Commit struct {
	Message     string
	AuthorName  string
	AuthorEmail string
	// When is the author and committer date, with its time zone.
	When time.Time
	// Files maps every file of the commit's tree, not only the changed ones,
	// to its content. Paths are slash-separated and relative to the root.
	Files map[string]string
}

type person struct{ name, email string }

var (
	priya = person{"Priya Raman", "priya.raman@example.com"}
	tomas = person{"Tomás Ortega", "tomas.ortega@example.com"}
)

var (
	berlin = time.FixedZone("CEST", 2*60*60)
	lisbon = time.FixedZone("WEST", 1*60*60)
)

// plannedCommit describes a commit by what it changes.
type plannedCommit struct {
	message string
	author  person
	when    time.Time
	// final lists files that the commit sets to their content in Files().
	final []string
	// earlier sets files to a content that a later commit replaces.
	earlier map[string]string
}

var plan = []plannedCommit{
	{
		message: "Add a Flask page that lists S3 buckets\n\n" +
			"The page builds its S3 client from the key pair and region in\n" +
			"config.py. The key settings ship as placeholders; fill them in\n" +
			"locally and keep them out of commits.\n",
		author: priya,
		when:   time.Date(2026, time.September, 14, 10, 17, 42, 0, berlin),
		final: []string{
			".gitignore", "app.py", "config.py", "storage.py",
			"templates/error.html", "templates/index.html",
		},
		earlier: map[string]string{"requirements.txt": "flask\nboto3\n"},
	},
	{
		message: "Add list_buckets.py for terminals and scripts\n\n" +
			"It prints one bucket per line, so the app can be tried over SSH or\n" +
			"from a shell script. Exit status 1 means AWS rejected the request\n" +
			"or was unreachable, 2 means config.py still holds placeholders.\n",
		author: tomas,
		when:   time.Date(2026, time.September, 16, 16, 42, 5, 0, lisbon),
		final:  []string{"list_buckets.py"},
	},
	{
		message: "Explain setup and both entry points in a README\n",
		author:  priya,
		when:    time.Date(2026, time.September, 17, 9, 5, 31, 0, berlin),
		final:   []string{"README.md"},
	},
	{
		message: "Pin Flask and boto3 to the major versions we test\n\n" +
			"An unpinned install could pull a major release that the app has\n" +
			"never run against.\n",
		author: tomas,
		when:   time.Date(2026, time.September, 22, 14, 30, 0, 0, lisbon),
		final:  []string{"requirements.txt"},
	},
}

// History returns the upstream commits, oldest first. Each call returns new
// maps, so callers may change them.
func History() []Commit {
	files := map[string]string{}
	commits := make([]Commit, 0, len(plan))
	for _, p := range plan {
		for _, path := range p.final {
			files[path] = finalFile(path)
		}
		maps.Copy(files, p.earlier)
		commits = append(commits, Commit{
			Message:     p.message,
			AuthorName:  p.author.name,
			AuthorEmail: p.author.email,
			When:        p.when,
			Files:       maps.Clone(files),
		})
	}
	return commits
}
