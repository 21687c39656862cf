package lessons

import "reflect"

// Values are the sandbox settings that lesson texts and hints refer to, as
// in {{.AppDir}}. Texts must read well when ForkURL is empty.
type Values struct {
	SandboxDir  string
	AppDir      string
	UpstreamURL string
	// ForkURL is empty until the learner runs the fork command.
	ForkURL        string
	Learner        string
	AWSEndpointURL string
	AWSRegion      string
	AWSProfile     string
	// FakeAccessKeyID and FakeSecretAccessKey are the pair that the first
	// step tells the learner to paste. No endpoint accepts them.
	FakeAccessKeyID     string
	FakeSecretAccessKey string
	SuggestedSecretName string
	// AppIAMUser is the least-privilege IAM user meant for the sample app.
	AppIAMUser string
	// WorkshopBin is the command that runs the workshop binary, usually
	// "workshop".
	WorkshopBin string
}

// sampleValues returns Values whose every field is set to value. Load fills
// each template with an empty and a non-empty sample, so that both branches
// of a test such as {{if .ForkURL}} are checked for misspelled names.
func sampleValues(value string) Values {
	var v Values
	fields := reflect.ValueOf(&v).Elem()
	for i := range fields.NumField() {
		fields.Field(i).SetString(value)
	}
	return v
}
