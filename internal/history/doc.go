// Package history finds every place in a git repository where an issued
// value, such as a leaked access key, can survive a history rewrite.
//
// Inspect reads every object in the object database once, with one
// git cat-file stream, and searches it with a secretscan.Matcher. It then
// works out which refs, stash entries, reflogs and special heads reach the
// objects that match, and reports the objects that nothing reaches as
// unreachable. It also searches the index, the plain files that git leaves
// in the git directory, and the working trees.
//
// Each place is reported separately, because they differ in what it takes to
// purge them: rewriting a branch leaves the old commits in the reflog, and
// expiring the reflog leaves them as unreachable objects until git gc prunes
// them. Reports never contain a whole value. Paths and ref names that contain
// one are redacted to their first four characters.
//
// Inspect runs the git binary and needs git 2.31 or later.
package history
