package tokenizer

import (
	"fmt"
	"strings"
	"testing"
)

// tinyBPE has the 256 byte symbols as ids 0..255 (in byte order) and the
// merges (l o) (e r) (lo w) (Ġ l) (low er) (a a) as ids 256..261.
func tinyBPE(t testing.TB) *BPE {
	t.Helper()
	vocab := map[string]int{}
	for b := 0; b < 256; b++ {
		vocab[string(byteToRune[b])] = b
	}
	merges := [][2]string{{"l", "o"}, {"e", "r"}, {"lo", "w"}, {"Ġ", "l"}, {"low", "er"}, {"a", "a"}}
	for i, m := range merges {
		vocab[m[0]+m[1]] = 256 + i
	}
	b, err := NewBPE(vocab, merges)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestByteTableIsGPT2s checks bytes_to_unicode against its definition:
// printable Latin-1 maps to itself and the 68 others to U+0100.. in order,
// so space is 'Ġ' (U+0120) and newline 'Ċ' (U+010A).
func TestByteTableIsGPT2s(t *testing.T) {
	if byteToRune[' '] != 'Ġ' || byteToRune['\n'] != 'Ċ' || byteToRune[0] != 0x100 || byteToRune['a'] != 'a' || byteToRune[0xad] != 0x143 {
		t.Errorf("table: space %q newline %q zero %U a %q soft-hyphen %U", byteToRune[' '], byteToRune['\n'], byteToRune[0], byteToRune['a'], byteToRune[0xad])
	}
	seen := map[rune]bool{}
	for _, r := range byteToRune {
		if seen[r] || r > 0x143 {
			t.Fatalf("rune %U repeated or out of range", r)
		}
		seen[r] = true
	}
}

// TestTinyMergesFollowRankOrder checks encodings worked out by hand with the
// merge algorithm of encoder.py (oracle: hand computation):
//
//	"lower": l o w e r → lo w e r (rank 0) → lo w er (1) → low er (2) → lower (4)
//	" low":  Ġ l o w → Ġ lo w (0: (l o) outranks (Ġ l)) → Ġ low (2)
//	"aaa":   (a a) merges left to right → aa a;  "aaaa" → aa aa
func TestTinyMergesFollowRankOrder(t *testing.T) {
	b := tinyBPE(t)
	cases := []struct {
		text string
		want []int
	}{
		{"lower", []int{260}},
		{" low", []int{' ', 258}},
		{"lower low", []int{260, ' ', 258}},
		{"aaa", []int{261, 'a'}},
		{"aaaa", []int{261, 261}},
		{"xl", []int{'x', 'l'}},
		{"é", []int{0xc3, 0xa9}}, // two bytes, no merge
	}
	for _, c := range cases {
		got, err := b.Encode(c.text)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("Encode(%q) = %v, want %v", c.text, got, c.want)
		}
		if back, err := b.Decode(got); err != nil || back != c.text {
			t.Errorf("Decode(%v) = %q, %v", got, back, err)
		}
	}
}

// TestSplitKnownCases lists pre-tokenisations worked out from the pattern by
// hand (oracle: the regular expression's semantics), including the
// look-ahead cases.
func TestSplitKnownCases(t *testing.T) {
	cases := map[string][]string{
		"Hello  world":  {"Hello", " ", " world"},
		"a\n\nb":        {"a", "\n", "\n", "b"},
		"x   ":          {"x", "   "},
		"it's 'em":      {"it", "'s", " '", "em"},
		"''s":           {"''", "s"},
		"a1b2 34":       {"a", "1", "b", "2", " 34"},
		" !?":           {" !?"},
		"\t word":       {"\t", " word"},
		"\u00a0word":    {"\u00a0", "word"},
		"I'LL we'll":    {"I", "'", "LL", " we", "'ll"},
		"e\u0301 x":     {"e", "\u0301", " x"},
		"ab\xffcd":      {"ab", "\xff", "cd"},
		"  \n  x":       {"  \n ", " x"},
		"don't stop\n ": {"don", "'t", " stop", "\n "},
	}
	for text, want := range cases {
		var got []string
		splitGPT2(text, func(p string) { got = append(got, p) })
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Errorf("split(%q) = %q, want %q", text, got, want)
		}
		if strings.Join(got, "") != text {
			t.Errorf("pieces of %q do not concatenate back", text)
		}
	}
}

// TestBPEConstructionErrors checks that an inconsistent vocabulary is
// reported with the offending entry.
func TestBPEConstructionErrors(t *testing.T) {
	vocab := map[string]int{"a": 0}
	if _, err := NewBPE(vocab, nil); err == nil || !strings.Contains(err.Error(), "lacks the byte symbol") {
		t.Errorf("missing bytes: %v", err)
	}
	full := map[string]int{}
	for b := 0; b < 256; b++ {
		full[string(byteToRune[b])] = b
	}
	if _, err := NewBPE(full, [][2]string{{"a", "b"}}); err == nil || !strings.Contains(err.Error(), `merge 0 ("a" "b") produces "ab"`) {
		t.Errorf("merge result missing: %v", err)
	}
	full["dup"] = 5
	if _, err := NewBPE(full, nil); err == nil || !strings.Contains(err.Error(), "id 5 is used by both") {
		t.Errorf("duplicate id: %v", err)
	}
	b := tinyBPE(t)
	if _, err := b.Decode([]int{1, 9999}); err == nil || !strings.Contains(err.Error(), "ids[1] = 9999") {
		t.Errorf("bad id: %v", err)
	}
	if _, err := ReadGPT2(strings.NewReader(`{"a":0}`), strings.NewReader("#version: 0.2\na b c\n")); err == nil || !strings.Contains(err.Error(), "line 2 has 3 fields") {
		t.Errorf("bad merges line: %v", err)
	}
}

// TestWordLevelRoundTrip checks encoding, decoding, unknown words and the
// JSON form (oracle: the vocabulary's definition).
func TestWordLevelRoundTrip(t *testing.T) {
	w, err := NewWordLevel([]string{"<unk>", "<bos>", "how", "do", "i", "make", "cake"}, "<unk>")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := w.Encode("<bos> how  do i\tmake a cake")
	if err != nil || fmt.Sprint(ids) != "[1 2 3 4 5 0 6]" {
		t.Fatalf("Encode = %v, %v", ids, err)
	}
	text, err := w.Decode(ids)
	if err != nil || text != "<bos> how do i make <unk> cake" {
		t.Errorf("Decode = %q", text)
	}
	var sb strings.Builder
	if err := w.WriteJSON(&sb); err != nil {
		t.Fatal(err)
	}
	w2, err := ReadWordLevel(strings.NewReader(sb.String()), "")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(w2.Words()) != fmt.Sprint(w.Words()) {
		t.Errorf("JSON round trip: %v", w2.Words())
	}
	if _, err := w2.Encode("how about"); err == nil || !strings.Contains(err.Error(), `word 1 ("about")`) {
		t.Errorf("unknown word without <unk>: %v", err)
	}
	if _, err := NewWordLevel([]string{"a", "b", "a"}, ""); err == nil || !strings.Contains(err.Error(), `words[2] = "a" repeats words[0]`) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := NewWordLevel([]string{"a b"}, ""); err == nil || !strings.Contains(err.Error(), "white space") {
		t.Errorf("space in word: %v", err)
	}
	if _, err := w.Decode([]int{3, 7}); err == nil || !strings.Contains(err.Error(), "ids[1] = 7") {
		t.Errorf("bad id: %v", err)
	}
	if _, err := ReadWordLevel(strings.NewReader(`{"a":0,"b":2}`), ""); err == nil || !strings.Contains(err.Error(), "ids must be 0..1") {
		t.Errorf("sparse ids: %v", err)
	}
}

func BenchmarkEncodeGPT2(b *testing.B) {
	dir := gpt3EncoderDir()
	bpe, err := LoadGPT2(dir+"/encoder.json", dir+"/vocab.bpe")
	if err != nil {
		b.Skip(err)
	}
	text := strings.Repeat(strings.Join(corpus, " "), 4)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		bpe.mu.Lock()
		clear(bpe.cache)
		bpe.mu.Unlock()
		if _, err := bpe.Encode(text); err != nil {
			b.Fatal(err)
		}
	}
}
