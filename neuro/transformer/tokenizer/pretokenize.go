package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// isSpace is JavaScript's \s: WhiteSpace and LineTerminator of ECMAScript.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

type runeClass uint8

const (
	classLetter runeClass = iota
	classNumber
	classSpace
	classOther
)

func classify(r rune) runeClass {
	switch {
	case isSpace(r):
		return classSpace
	case unicode.IsLetter(r):
		return classLetter
	case unicode.IsNumber(r):
		return classNumber
	}
	return classOther // includes utf8.RuneError for invalid bytes
}

// contractions are tried in the pattern's order after an apostrophe.
var contractions = []string{"s", "t", "re", "ve", "m", "ll", "d"}

// splitGPT2 splits text into the pieces GPT-2's pre-tokenisation pattern
// matches, in order; their concatenation is text.
func splitGPT2(text string, yield func(piece string)) {
	i := 0
	for i < len(text) {
		r, w := utf8.DecodeRuneInString(text[i:])
		if r == '\'' {
			if n := contractionLen(text[i+1:]); n > 0 {
				yield(text[i : i+1+n])
				i += 1 + n
				continue
			}
		}
		// " ?X+" for X = letters, numbers, other: a literal space may lead.
		start, j := i, i
		cls := classify(r)
		if r == ' ' && i+1 < len(text) {
			r2, _ := utf8.DecodeRuneInString(text[i+1:])
			if c2 := classify(r2); c2 != classSpace {
				cls, j = c2, i+1
			}
		}
		if cls != classSpace {
			j = runEnd(text, j, cls)
			yield(text[start:j])
			i = j
			continue
		}
		// White space: \s+(?!\S) takes the run but, when a non-space
		// follows, leaves its last character; a lone space then falls
		// through to \s+.
		j = runEnd(text, i, classSpace)
		if j < len(text) && j-i > w {
			_, lw := utf8.DecodeLastRuneInString(text[i:j])
			if j-lw > i {
				j -= lw
			}
		}
		yield(text[i:j])
		i = j
	}
}

// runEnd returns the end of the run of class cls starting at byte i.
func runEnd(text string, i int, cls runeClass) int {
	for i < len(text) {
		r, w := utf8.DecodeRuneInString(text[i:])
		if classify(r) != cls {
			break
		}
		i += w
	}
	return i
}

func contractionLen(rest string) int {
	for _, c := range contractions {
		if len(rest) >= len(c) && rest[:len(c)] == c {
			return len(c)
		}
	}
	return 0
}
