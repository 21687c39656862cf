package awsapi

import "strings"

const (
	lowercaseLetters = "abcdefghijklmnopqrstuvwxyz"
	uppercaseLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits           = "0123456789"
	// punctuation is the 32 ASCII punctuation characters Secrets Manager
	// draws from.
	punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
)

type randomPasswordInput struct {
	PasswordLength          *int64
	ExcludeCharacters       *string
	ExcludeNumbers          *bool
	ExcludePunctuation      *bool
	ExcludeUppercase        *bool
	ExcludeLowercase        *bool
	IncludeSpace            *bool
	RequireEachIncludedType *bool
}

type randomPasswordOutput struct {
	RandomPassword string `json:"RandomPassword"`
}

// getRandomPassword generates a password from crypto/rand, 32 characters by
// default. With RequireEachIncludedType, the default, it contains at least
// one character of each included class (lower case, upper case, digits,
// punctuation) at random positions.
func (s *Server) getRandomPassword(c *call, in *randomPasswordInput) (any, *apiError) {
	var v violations
	v.intRange("passwordLength", in.PasswordLength, 1, 4096)
	v.length("excludeCharacters", in.ExcludeCharacters, 0, 4096, false)
	if e := v.err("ValidationException"); e != nil {
		return nil, e
	}
	length := 32
	if in.PasswordLength != nil {
		length = int(*in.PasswordLength)
	}
	classes := passwordClasses(in)
	all := strings.Join(classes, "")
	if in.IncludeSpace != nil && *in.IncludeSpace && !strings.Contains(deref(in.ExcludeCharacters), " ") {
		all += " "
	}
	if all == "" {
		return nil, smError("InvalidParameterException", "The password can't be generated because every character is excluded.")
	}
	requireEach := in.RequireEachIncludedType == nil || *in.RequireEachIncludedType
	if !requireEach {
		classes = nil
	}
	if length < len(classes) {
		return nil, smError("InvalidParameterException", "Password length is too short based on the required types.")
	}
	return randomPasswordOutput{RandomPassword: buildPassword(length, classes, all)}, nil
}

// passwordClasses returns the character classes left after the exclusions,
// leaving out classes that became empty.
func passwordClasses(in *randomPasswordInput) []string {
	isSet := func(b *bool) bool { return b != nil && *b }
	exclude := deref(in.ExcludeCharacters)
	var classes []string
	for _, cl := range []struct {
		chars    string
		excluded bool
	}{
		{lowercaseLetters, isSet(in.ExcludeLowercase)},
		{uppercaseLetters, isSet(in.ExcludeUppercase)},
		{digits, isSet(in.ExcludeNumbers)},
		{punctuation, isSet(in.ExcludePunctuation)},
	} {
		if cl.excluded {
			continue
		}
		left := strings.Map(func(r rune) rune {
			if strings.ContainsRune(exclude, r) {
				return -1
			}
			return r
		}, cl.chars)
		if left != "" {
			classes = append(classes, left)
		}
	}
	return classes
}

// buildPassword draws one character from each required class and the rest
// from all, then shuffles them.
func buildPassword(length int, required []string, all string) string {
	out := make([]byte, 0, length)
	for _, cl := range required {
		out = append(out, cl[randomIndex(len(cl))])
	}
	for len(out) < length {
		out = append(out, all[randomIndex(len(all))])
	}
	for i := len(out) - 1; i > 0; i-- {
		j := randomIndex(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}
