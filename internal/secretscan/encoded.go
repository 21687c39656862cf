package secretscan

import "strings"

// scanRuns returns a decoding window for each line of region r that
// gitleaks' decoder (v8.30.1, detect/codec) may find an encoded segment in.
// When candidates is set, it also returns the secret access key candidates
// of the region (see secretKeyRuns), found in the same pass. A line gets a
// window when it contains one of:
//
//   - a percent escape of a printable character, such as %2F;
//   - a unicode escape (\u0041 or U+0041);
//   - a run of 32 or more hex digits with a decimal digit among them;
//   - a run of 16 or more base64 characters, with up to two padding
//     characters, that decodes to printable ASCII in the standard alphabet
//     or the unpadded URL alphabet, the decoder's own test.
//
// The test is a necessary condition of the decoder's: a line it rejects
// yields no segment, so only the lines it accepts need the slow decoding
// passes.
func scanRuns(text string, r region, candidates bool) ([]window, []match) {
	var ws []window
	var keys []match
	mark := func(pos int) {
		start := lineStart(text, pos)
		if n := len(ws); n > 0 && ws[n-1].start == start {
			return
		}
		ws = append(ws, window{span: span{start, afterNewline(text, pos)}, decode: true})
	}
	for i := r.start; i < r.end; {
		c := text[i]
		switch {
		case byteClasses[c]&classEncodedRun != 0:
			j := i + 1
			for j < r.end && byteClasses[text[j]]&classEncodedRun != 0 {
				j++
			}
			if (j-i >= 16 && decodableRun(text, i, j)) || hasCodePoint(text[i:j]) {
				mark(i)
			}
			if candidates && j-i >= 40 {
				keys = append(keys, secretKeyRuns(text, i, j, r.end)...)
			}
			i = j
			continue
		case c == '%' && isPercentEscape(text, i):
			mark(i)
		case c == '\\' && isUnicodeEscape(text, i):
			mark(i)
		}
		i++
	}
	return ws, keys
}

// isPercentEscape reports whether text[i:] starts with % and two hex
// digits that encode a printable character.
func isPercentEscape(text string, i int) bool {
	if i+2 >= len(text) {
		return false
	}
	hi, lo := unhex(text[i+1]), unhex(text[i+2])
	return hi >= 0 && lo >= 0 && isPrintable(byte(hi<<4|lo))
}

// isUnicodeEscape reports whether text[i:] starts with a backslash, u or U
// and four hex digits.
func isUnicodeEscape(text string, i int) bool {
	return i+5 < len(text) && (text[i+1] == 'u' || text[i+1] == 'U') && isHexRun(text[i+2:i+6])
}

// hasCodePoint reports whether run holds U+ and four hex digits.
func hasCodePoint(run string) bool {
	if strings.IndexByte(run, '+') < 0 {
		return false
	}
	for i := strings.Index(run, "U+"); i >= 0 && i+6 <= len(run); {
		if isHexRun(run[i+2 : i+6]) {
			return true
		}
		next := strings.Index(run[i+2:], "U+")
		if next < 0 {
			break
		}
		i += 2 + next
	}
	return false
}

// decodableRun tests the run line[i:j] as the decoder does: a run with a
// decimal digit or one of +/-_ that decodes to printable ASCII in the
// standard alphabet, padding included, or, without padding, in the URL
// alphabet. The decoder's match may take a run of hex digits out of it
// first, so a long enough hex part counts as well.
func decodableRun(line string, i, j int) bool {
	run := line[i:j]
	if hasLongHexRun(run) {
		return true
	}
	if !strings.ContainsAny(run, "0123456789+/-_") {
		return false
	}
	padded := run
	for k := j; k < len(line) && k < j+2 && line[k] == '='; k++ {
		padded = line[i : k+1]
	}
	if len(padded) > len(run) {
		return len(padded)%4 == 0 && printableBase64(strings.TrimRight(padded, "="), &stdBase64)
	}
	return len(run)%4 == 0 && printableBase64(run, &stdBase64) || len(run)%4 != 1 && printableBase64(run, &urlBase64)
}

// printableBase64 reports whether s decodes to printable ASCII with the
// given alphabet, ignoring the bits of an incomplete last byte as Go's
// decoder does. It stops at the first byte that is not printable.
func printableBase64(s string, alphabet *[256]int8) bool {
	var acc uint32
	bits := 0
	for i := 0; i < len(s); i++ {
		v := alphabet[s[i]]
		if v < 0 {
			return false
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			if !isPrintable(byte(acc >> bits)) {
				return false
			}
		}
	}
	return true
}

// stdBase64 and urlBase64 map each byte to its value in the standard and
// URL base64 alphabets, or -1.
var stdBase64, urlBase64 = base64Values("+/"), base64Values("-_")

func base64Values(last2 string) (values [256]int8) {
	const first62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for i := range values {
		values[i] = -1
	}
	for i, c := range []byte(first62 + last2) {
		values[c] = int8(i)
	}
	return values
}

// hasLongHexRun reports whether s holds 32 or more hex digits in a row with
// a decimal digit among them.
func hasLongHexRun(s string) bool {
	run, digit := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case '0' <= s[i] && s[i] <= '9':
			run++
			digit = true
		case unhex(s[i]) >= 0:
			run++
		default:
			run, digit = 0, false
		}
		if run >= 32 && digit {
			return true
		}
	}
	return false
}

func isHexRun(s string) bool {
	for i := 0; i < len(s); i++ {
		if unhex(s[i]) < 0 {
			return false
		}
	}
	return true
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// isPrintable matches the decoder's printable set: tab through tilde.
func isPrintable(c byte) bool { return c > 0x08 && c < 0x7f }

// Classes of bytes in byteClasses.
const (
	// classBase64 is the standard base64 alphabet, A-Za-z0-9+/.
	classBase64 = 1 << iota
	// classEncodedRun is the alphabet of the decoder's base64 runs,
	// A-Za-z0-9_/+-.
	classEncodedRun
)

// byteClasses maps each byte to its classes.
var byteClasses = func() (classes [256]uint8) {
	for c := range 256 {
		b := byte(c)
		if isWordByte(b) && b != '_' || b == '+' || b == '/' {
			classes[c] |= classBase64
		}
		if isWordByte(b) || b == '/' || b == '+' || b == '-' {
			classes[c] |= classEncodedRun
		}
	}
	return classes
}()
