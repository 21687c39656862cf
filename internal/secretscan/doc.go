// Package secretscan finds secrets in files, commit messages and other text
// the way a forge's push protection does.
//
// A Scanner combines three sources of findings:
//
//   - gitleaks' default pattern catalogue (v8.30.1), used as a library with
//     base64, hex, percent and unicode-escape decoding turned on;
//   - rules gitleaks lacks: an AWS access key pair (an access key id and a
//     40-character secret access key anywhere in the same file), an access key
//     id without its secret, and AWS session tokens;
//   - exact matching of the values the sandbox issued, through a Matcher, in
//     many encodings.
//
// Every Finding records whether it blocks a push. As on GitHub, only
// high-confidence provider patterns block: AWS key pairs, issued values,
// GitHub, GitLab, Slack and Stripe tokens, private keys and similar. Generic
// and entropy-only rules such as generic-api-key are reported but never block.
//
// Findings never carry a full secret: Redacted keeps at most the first four
// characters, Excerpt is a short window of the line with every secret on it
// redacted, and SecretID is a one-way hash.
//
// gitleaks runs its rules on whole fragments of text, which is slow on
// ordinary code. A Scanner finds every rule's keywords in one Aho-Corasick
// pass and hands gitleaks only the lines where a match of the rule can lie,
// after a quick test of the rule's regular expression there; it decodes
// only the lines that hold text gitleaks' decoder would decode. ScanDir
// scans a folder on every CPU, and ScanVersion scans a new version of a
// file by rescanning only the lines that changed.
package secretscan
