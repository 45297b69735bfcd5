package tokenizer

import (
	"strings"
	"testing"
)

// FuzzEncodeRoundTrip checks on arbitrary strings (including invalid UTF-8)
// that the pre-tokeniser's pieces are non-empty and concatenate to the
// input, and that decoding the byte-level encoding returns the input
// exactly (oracle: byte-level BPE is a bijection on byte strings).
func FuzzEncodeRoundTrip(f *testing.F) {
	for _, s := range corpus {
		f.Add(s)
	}
	f.Add("a\xffb\xc3")
	b := tinyBPE(f)
	f.Fuzz(func(t *testing.T, s string) {
		var pieces []string
		splitGPT2(s, func(p string) { pieces = append(pieces, p) })
		for i, p := range pieces {
			if p == "" {
				t.Fatalf("piece %d of %q is empty", i, s)
			}
		}
		if strings.Join(pieces, "") != s {
			t.Fatalf("pieces %q do not concatenate to %q", pieces, s)
		}
		ids, err := b.Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := b.Decode(ids)
		if err != nil || back != s {
			t.Fatalf("Decode(Encode(%q)) = %q, %v", s, back, err)
		}
	})
}

// FuzzReadGPT2 checks that malformed vocabulary and merges files give
// errors, not panics, and that an accepted tokenizer round-trips text.
func FuzzReadGPT2(f *testing.F) {
	f.Add(`{"a":0,"b":1}`, "#version: 0.2\na b\n")
	f.Add(`{"a":-1}`, "")
	f.Add(`[1,2]`, "x y z\n")
	f.Fuzz(func(t *testing.T, vocab, merges string) {
		b, err := ReadGPT2(strings.NewReader(vocab), strings.NewReader(merges))
		if err != nil {
			return
		}
		ids, err := b.Encode("fuzz text 123")
		if err != nil {
			t.Fatalf("accepted tokenizer cannot encode: %v", err)
		}
		if back, err := b.Decode(ids); err != nil || back != "fuzz text 123" {
			t.Fatalf("accepted tokenizer does not round-trip: %q, %v", back, err)
		}
	})
}

// FuzzReadWordLevel checks that malformed vocabularies give errors, not
// panics, and that accepted ones round-trip their own words.
func FuzzReadWordLevel(f *testing.F) {
	f.Add(`{"a":0,"b":1}`)
	f.Add(`{"a":0,"b":0}`)
	f.Add(`{"a b":0}`)
	f.Fuzz(func(t *testing.T, vocab string) {
		w, err := ReadWordLevel(strings.NewReader(vocab), "")
		if err != nil {
			return
		}
		text := strings.Join(w.Words(), " ")
		ids, err := w.Encode(text)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := w.Decode(ids); err != nil || back != text {
			t.Fatalf("round trip %q → %q, %v", text, back, err)
		}
	})
}
