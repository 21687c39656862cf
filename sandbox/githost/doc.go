// Package githost is the sandbox's local git host: bare repositories on
// disk, forks with push protection, and the record of what push protection
// did.
//
// Push protection runs in a fork's pre-receive hook. The hook calls
// PreReceive, which scans only what a push adds: new commits, the blobs they
// introduce, commit and tag messages, author and committer fields and file
// names. When the push adds a secret that blocks, PreReceive prints a report
// in the manner of GitHub's push protection and the hook rejects the push.
// Git keeps a pushed object in a quarantine folder until the hook succeeds
// and deletes it when the hook fails, so a blocked push leaves nothing in
// the fork.
//
// ScanHistory applies the same scan to every commit reachable from any ref
// of a repository, for `workshop scan --history`.
//
// Every push attempt is appended to push-protection/events.jsonl in the
// fork; AllowSecret records bypasses in push-protection/bypasses.jsonl. Both
// files are JSON Lines, written with single appends, and never hold a full
// secret.
package githost
