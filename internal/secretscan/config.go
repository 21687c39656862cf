package secretscan

import (
	"fmt"
	"maps"
	"sync"

	"github.com/pelletier/go-toml/v2"
	"github.com/zricethezav/gitleaks/v8/config"
)

// defaultConfig loads gitleaks' embedded default configuration. The TOML is
// decoded straight into gitleaks' ViperConfig, which keeps the global viper
// instance untouched and takes a tenth of viper's time. Translating it,
// which compiles every rule's regular expressions, runs in two halves at
// once when the rules do not refer to each other.
func defaultConfig() (config.Config, error) {
	var vc config.ViperConfig
	if err := toml.Unmarshal([]byte(config.DefaultConfig), &vc); err != nil {
		return config.Config{}, fmt.Errorf("parse gitleaks default config: %w", err)
	}
	cfg, err := translate(vc)
	if err != nil {
		return config.Config{}, fmt.Errorf("load gitleaks default config: %w", err)
	}
	return cfg, nil
}

// translate runs vc.Translate on two halves of the rules concurrently and
// merges the results. A configuration with composite rules or allowlists
// aimed at named rules is translated whole, because a half could lack the
// rule they name.
func translate(vc config.ViperConfig) (config.Config, error) {
	if !splittable(vc) {
		return vc.Translate()
	}
	first, second := vc, vc
	half := len(vc.Rules) / 2
	first.Rules, second.Rules = vc.Rules[:half], vc.Rules[half:]
	second.AllowList, second.Allowlists = nil, nil

	var wg sync.WaitGroup
	var out [2]config.Config
	var errs [2]error
	for i, part := range []config.ViperConfig{first, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = part.Translate()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return config.Config{}, err
		}
	}
	merged := out[0]
	maps.Copy(merged.Rules, out[1].Rules)
	maps.Copy(merged.Keywords, out[1].Keywords)
	merged.OrderedRules = append(merged.OrderedRules, out[1].OrderedRules...)
	return merged, nil
}

func splittable(vc config.ViperConfig) bool {
	if vc.Extend.Path != "" || vc.Extend.URL != "" || vc.Extend.UseDefault {
		return false
	}
	for _, r := range vc.Rules {
		if len(r.Required) > 0 {
			return false
		}
	}
	for _, a := range vc.Allowlists {
		if len(a.TargetRules) > 0 {
			return false
		}
	}
	return true
}
