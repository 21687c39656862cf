package oldscan

// Rule ids of the rules this package adds to gitleaks' catalogue.
const (
	// RuleAWSKeyPair is an access key id and a secret access key in the
	// same file. It blocks.
	RuleAWSKeyPair = "aws-access-key-pair"
	// RuleAWSKeyID is an access key id with no secret access key in the same
	// file. Alone, an id grants nothing, so it does not block.
	RuleAWSKeyID = "aws-access-key-id"
	// RuleAWSSessionToken is an STS session token. It blocks when the same
	// file holds an access key id or a secret access key.
	RuleAWSSessionToken = "aws-session-token"
	// RuleIssuedValue is a value the sandbox issued, found exactly. It
	// always blocks.
	RuleIssuedValue = "sandbox-issued-value"
)

// blockingRules maps the gitleaks rules that block a push to a short name of
// their secret type. They are the provider patterns with a distinctive
// prefix or structure, which push protection trusts enough to block on.
// Rules that need a keyword nearby (such as "heroku" before a UUID), legacy
// token formats, and generic rules are left out and only reported.
var blockingRules = map[string]string{
	"1password-secret-key":                        "1Password secret key",
	"1password-service-account-token":             "1Password service account token",
	"age-secret-key":                              "age secret key",
	"anthropic-admin-api-key":                     "Anthropic admin API key",
	"anthropic-api-key":                           "Anthropic API key",
	"aws-amazon-bedrock-api-key-long-lived":       "Amazon Bedrock API key",
	"azure-ad-client-secret":                      "Azure AD client secret",
	"clojars-api-token":                           "Clojars API token",
	"databricks-api-token":                        "Databricks API token",
	"digitalocean-access-token":                   "DigitalOcean OAuth token",
	"digitalocean-pat":                            "DigitalOcean personal access token",
	"digitalocean-refresh-token":                  "DigitalOcean refresh token",
	"doppler-api-token":                           "Doppler API token",
	"duffel-api-token":                            "Duffel API token",
	"dynatrace-api-token":                         "Dynatrace API token",
	"easypost-api-token":                          "EasyPost API token",
	"flyio-access-token":                          "Fly.io access token",
	"gcp-api-key":                                 "Google API key",
	"github-app-token":                            "GitHub app token",
	"github-fine-grained-pat":                     "GitHub fine-grained personal access token",
	"github-oauth":                                "GitHub OAuth access token",
	"github-pat":                                  "GitHub personal access token",
	"github-refresh-token":                        "GitHub refresh token",
	"gitlab-cicd-job-token":                       "GitLab CI/CD job token",
	"gitlab-deploy-token":                         "GitLab deploy token",
	"gitlab-feed-token":                           "GitLab feed token",
	"gitlab-incoming-mail-token":                  "GitLab incoming mail token",
	"gitlab-kubernetes-agent-token":               "GitLab Kubernetes agent token",
	"gitlab-oauth-app-secret":                     "GitLab OAuth application secret",
	"gitlab-pat":                                  "GitLab personal access token",
	"gitlab-pat-routable":                         "GitLab personal access token",
	"gitlab-ptt":                                  "GitLab pipeline trigger token",
	"gitlab-rrt":                                  "GitLab runner registration token",
	"gitlab-runner-authentication-token":          "GitLab runner authentication token",
	"gitlab-runner-authentication-token-routable": "GitLab runner authentication token",
	"gitlab-scim-token":                           "GitLab SCIM token",
	"grafana-cloud-api-token":                     "Grafana Cloud API token",
	"grafana-service-account-token":               "Grafana service account token",
	"hashicorp-tf-api-token":                      "HashiCorp Terraform API token",
	"huggingface-access-token":                    "Hugging Face access token",
	"linear-api-key":                              "Linear API key",
	"microsoft-teams-webhook":                     "Microsoft Teams webhook URL",
	"notion-api-token":                            "Notion API token",
	"npm-access-token":                            "npm access token",
	"openai-api-key":                              "OpenAI API key",
	"perplexity-api-key":                          "Perplexity API key",
	"planetscale-api-token":                       "PlanetScale API token",
	"planetscale-oauth-token":                     "PlanetScale OAuth token",
	"planetscale-password":                        "PlanetScale password",
	"postman-api-token":                           "Postman API key",
	"prefect-api-token":                           "Prefect API token",
	"private-key":                                 "Private key",
	"pulumi-api-token":                            "Pulumi access token",
	"pypi-upload-token":                           "PyPI API token",
	"readme-api-token":                            "ReadMe API key",
	"rubygems-api-token":                          "RubyGems API key",
	"sendgrid-api-token":                          "SendGrid API key",
	"sendinblue-api-token":                        "Brevo (Sendinblue) API key",
	"sentry-org-token":                            "Sentry organization token",
	"sentry-user-token":                           "Sentry user token",
	"shopify-access-token":                        "Shopify access token",
	"shopify-custom-access-token":                 "Shopify custom app access token",
	"shopify-private-app-access-token":            "Shopify private app password",
	"shopify-shared-secret":                       "Shopify shared secret",
	"slack-app-token":                             "Slack app-level token",
	"slack-bot-token":                             "Slack bot token",
	"slack-config-access-token":                   "Slack configuration access token",
	"slack-config-refresh-token":                  "Slack configuration refresh token",
	"slack-user-token":                            "Slack user token",
	"slack-webhook-url":                           "Slack incoming webhook URL",
	"square-access-token":                         "Square access token",
	"stripe-access-token":                         "Stripe API key",
	"vault-batch-token":                           "HashiCorp Vault batch token",
}

// catalogueRule returns the rule of a gitleaks finding. A blocking rule gets
// its short type name, and any other keeps gitleaks' description.
func catalogueRule(id, description string) rule {
	if name, ok := blockingRules[id]; ok {
		return rule{id: id, description: name, blocking: true}
	}
	return rule{id: id, description: description}
}

// catalogueHit turns a match of a catalogue rule into a hit.
func catalogueHit(m match) hit {
	return hit{
		rule:  catalogueRule(m.ruleID, m.description),
		value: m.secret,
		start: m.secretStart,
		end:   m.secretEnd,
		tags:  m.tags,
	}
}
