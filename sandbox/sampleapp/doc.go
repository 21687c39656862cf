// Package sampleapp holds the sample Python web app that learners fix during
// the secrets workshop, together with its upstream Git history.
//
// The app lists S3 buckets, through a Flask page and through a command-line
// script, using the key pair in config.py. Every change a learner makes in the
// workshop is a change to config.py, because no other file reads keys.
//
// The files are embedded in the binary. [WriteUpstream] writes them as a bare
// repository with a fixed history, so the same upstream commit hashes come out
// of every sandbox.
package sampleapp
