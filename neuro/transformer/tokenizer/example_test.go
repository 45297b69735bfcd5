package tokenizer_test

import (
	"fmt"
	"strings"

	"github.com/neuronb/neuronb/neuro/transformer/tokenizer"
)

// A word-level vocabulary for a synthetic chat language.
func ExampleWordLevel() {
	tok, err := tokenizer.NewWordLevel(strings.Fields("<unk> <bos> <user> <assistant> how do i make a cake sure"), "<unk>")
	if err != nil {
		fmt.Println(err)
		return
	}
	ids, err := tok.Encode("<bos> <user> how do i make a pie <assistant> sure")
	if err != nil {
		fmt.Println(err)
		return
	}
	text, err := tok.Decode(ids)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ids)
	fmt.Println(text)
	// Output:
	// [1 2 4 5 6 7 8 0 3 10]
	// <bos> <user> how do i make a <unk> <assistant> sure
}

// A byte-level BPE with a two-merge vocabulary: every byte is a token, and
// "l"+"o" then "lo"+"w" merge. GPT-2's own files load with LoadGPT2.
func ExampleBPE() {
	vocab := map[string]int{}
	var merges [][2]string
	// The 256 byte symbols of bytes_to_unicode, in the order GPT-2 gives them.
	next := 0
	for b := 0; b < 256; b++ {
		printable := b >= '!' && b <= '~' || b >= 0xa1 && b <= 0xac || b >= 0xae
		if printable {
			vocab[string(rune(b))] = b
		} else {
			vocab[string(rune(256+next))] = b
			next++
		}
	}
	merges = append(merges, [2]string{"l", "o"}, [2]string{"lo", "w"})
	vocab["lo"], vocab["low"] = 256, 257
	tok, err := tokenizer.NewBPE(vocab, merges)
	if err != nil {
		fmt.Println(err)
		return
	}
	ids, err := tok.Encode("low, lower")
	if err != nil {
		fmt.Println(err)
		return
	}
	text, err := tok.Decode(ids)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ids, text)
	// Output:
	// [257 44 32 257 101 114] low, lower
}

// Read GPT-2-style vocabulary and merges files (here from strings; on disk
// use LoadGPT2 with encoder.json + vocab.bpe or vocab.json + merges.txt).
func ExampleReadGPT2() {
	var vocab strings.Builder
	vocab.WriteString("{")
	// Byte symbols: printable bytes stand for themselves, the others
	// (space among them) for U+0100 onwards in byte order; space is "Ġ".
	n := 0
	for b := 0; b < 256; b++ {
		r := rune(b)
		if !(b >= '!' && b <= '~' || b >= 0xa1 && b <= 0xac || b >= 0xae) {
			r = rune(256 + n)
			n++
		}
		fmt.Fprintf(&vocab, "%q:%d,", string(r), b)
	}
	vocab.WriteString(`"Ġh":256,"Ġhi":257}`)
	tok, err := tokenizer.ReadGPT2(strings.NewReader(vocab.String()), strings.NewReader("#version: 0.2\nĠ h\nĠh i\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ids, err := tok.Encode("hi hi!")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ids)
	// Output:
	// [104 105 257 33]
}
