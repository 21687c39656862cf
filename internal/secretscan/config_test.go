package secretscan

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
)

// TestDefaultConfigMatchesViper compares the configuration defaultConfig
// builds with the one gitleaks' command line builds through viper in one
// piece. Regular expressions compare by their source text, and stop words,
// which gitleaks deduplicates through a map, as sorted lists.
func TestDefaultConfigMatchesViper(t *testing.T) {
	t.Parallel()
	v := viper.New()
	v.SetConfigType("toml")
	if err := v.ReadConfig(strings.NewReader(config.DefaultConfig)); err != nil {
		t.Fatal(err)
	}
	var vc config.ViperConfig
	if err := v.Unmarshal(&vc); err != nil {
		t.Fatal(err)
	}
	want, err := vc.Translate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := defaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rules) != len(want.Rules) || len(got.Rules) < 200 {
		t.Fatalf("defaultConfig has %d rules, viper's %d", len(got.Rules), len(want.Rules))
	}
	sortStopWords(got)
	sortStopWords(want)
	gotJSON, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(gotJSON) != string(wantJSON) {
		t.Error("defaultConfig differs from the configuration viper and Translate build")
	}
}

func sortStopWords(cfg config.Config) {
	lists := cfg.Allowlists
	for _, r := range cfg.Rules {
		lists = append(lists, r.Allowlists...)
	}
	for _, a := range lists {
		slices.Sort(a.StopWords)
	}
}
