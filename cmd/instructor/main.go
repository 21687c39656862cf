// Command instructor resets learners' sandboxes and proves that every step
// of the workshop can be checked.
package main

import (
	"os"

	"github.com/secretslab/workshop/cmd/internal/instructorcmd"
)

func main() {
	os.Exit(instructorcmd.Main())
}
