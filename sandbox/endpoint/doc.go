// Package endpoint runs the sandbox's local AWS endpoint (package
// sandbox/awsapi) as a background process of the workshop binary, so that it
// outlives the command that started it and serves the learner's aws and
// python3 commands.
//
// Serve runs the endpoint in the current process until its context is
// cancelled. Ensure starts a detached process that runs Serve, unless this
// sandbox's endpoint already responds on the port. Stop ends that process,
// and Health returns the id of the sandbox a running endpoint serves. The files live in the
// sandbox's aws/ folder: state.json, requests.jsonl, endpoint.json (the
// running process) and endpoint.log (its output).
package endpoint
