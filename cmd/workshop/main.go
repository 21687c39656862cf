// Command workshop guides a learner through the secrets workshop.
package main

import (
	"os"

	"github.com/secretslab/workshop/cmd/internal/workshopcmd"
)

func main() {
	os.Exit(workshopcmd.Main())
}
