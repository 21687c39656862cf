package oldscan

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Text encodings that DecodeText reports.
const (
	TextUTF8    = "utf-8"
	TextUTF8BOM = "utf-8 with BOM"
	TextUTF16LE = "utf-16le"
	TextUTF16BE = "utf-16be"
	TextBinary  = "binary"
)

// sniffLength is how many leading bytes decide whether data is binary. Git
// looks at the same amount (the first 8000 bytes) when it decides whether to
// print a diff.
const sniffLength = 8000

// DecodeText returns data as UTF-8 text without a byte order mark and with
// CRLF line ends turned into LF, together with the encoding it found.
// UTF-16 with or without a byte order mark is converted. Data with a NUL byte
// in its first 8000 bytes that is not UTF-16 is binary: DecodeText then
// returns an empty text and TextBinary.
func DecodeText(data []byte) (text string, encoding string) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return normalizeNewlines(string(data[3:])), TextUTF8BOM
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeUTF16(data[2:], false), TextUTF16LE
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data[2:], true), TextUTF16BE
	}
	head := data[:min(len(data), sniffLength)]
	if bytes.IndexByte(head, 0) < 0 {
		return normalizeNewlines(string(data)), TextUTF8
	}
	switch utf16Order(head) {
	case TextUTF16LE:
		return decodeUTF16(data, false), TextUTF16LE
	case TextUTF16BE:
		return decodeUTF16(data, true), TextUTF16BE
	}
	return "", TextBinary
}

// IsBinary reports whether DecodeText treats data as binary.
func IsBinary(data []byte) bool {
	_, encoding := DecodeText(data[:min(len(data), sniffLength)])
	return encoding == TextBinary
}

// utf16Order guesses the byte order of UTF-16 text without a byte order
// mark. Text that is mostly ASCII has a NUL in every second byte: at odd
// offsets in little-endian order, at even offsets in big-endian order.
func utf16Order(head []byte) string {
	if len(head) < 4 {
		return ""
	}
	var even, odd int
	for i, c := range head {
		if c != 0 {
			continue
		}
		if i%2 == 0 {
			even++
		} else {
			odd++
		}
	}
	pairs := len(head) / 2
	switch {
	case odd*10 >= pairs*7 && even*10 <= pairs:
		return TextUTF16LE
	case even*10 >= pairs*7 && odd*10 <= pairs:
		return TextUTF16BE
	}
	return ""
}

func decodeUTF16(data []byte, bigEndian bool) string {
	units := make([]uint16, 0, len(data)/2)
	for i := 0; i+1 < len(data); i += 2 {
		if bigEndian {
			units = append(units, uint16(data[i])<<8|uint16(data[i+1]))
		} else {
			units = append(units, uint16(data[i+1])<<8|uint16(data[i]))
		}
	}
	return normalizeNewlines(string(utf16.Decode(units)))
}

// normalizeNewlines turns CRLF into LF, so that line numbers and matches are
// the same whichever line ends a file was written with.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r\n") {
		return s
	}
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// lineIndex maps byte offsets of a text to 1-based lines and columns.
type lineIndex struct {
	text   string
	starts []int // starts[i] is the offset of the first byte of line i+1
}

func newLineIndex(text string) *lineIndex {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{text: text, starts: starts}
}

// line returns the 1-based line that holds offset.
func (x *lineIndex) line(offset int) int {
	return sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > offset })
}

// bounds returns the offsets of the first byte of line n and of its end,
// the newline excluded.
func (x *lineIndex) bounds(n int) (start, end int) {
	start = x.starts[n-1]
	end = len(x.text)
	if n < len(x.starts) {
		end = x.starts[n] - 1
	}
	return start, end
}

// column returns the 1-based column of offset in characters.
func (x *lineIndex) column(offset int) int {
	start, _ := x.bounds(x.line(offset))
	return utf8.RuneCountInString(x.text[start:offset]) + 1
}
