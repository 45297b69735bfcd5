package tokenizer

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
)

// WordLevel maps whitespace-separated words to ids, one id per word of a
// fixed vocabulary: the tokenizer of small synthetic languages. Decode joins
// words with single spaces, so Decode(Encode(s)) is s with its white space
// normalised.
type WordLevel struct {
	words []string
	ids   map[string]int
	unk   int // id of the unknown-word token, or −1
}

// NewWordLevel builds a vocabulary with word i having id i. If unk is not
// empty it must be one of the words, and unknown words encode to it;
// otherwise an unknown word is an error.
func NewWordLevel(words []string, unk string) (*WordLevel, error) {
	if len(words) == 0 {
		return nil, fmt.Errorf("tokenizer: empty word list")
	}
	w := &WordLevel{words: append([]string(nil), words...), ids: make(map[string]int, len(words)), unk: -1}
	for i, word := range words {
		if word == "" || strings.IndexFunc(word, unicode.IsSpace) >= 0 {
			return nil, fmt.Errorf("tokenizer: words[%d] = %q is empty or contains white space", i, word)
		}
		if j, dup := w.ids[word]; dup {
			return nil, fmt.Errorf("tokenizer: words[%d] = %q repeats words[%d]", i, word, j)
		}
		w.ids[word] = i
	}
	if unk != "" {
		id, ok := w.ids[unk]
		if !ok {
			return nil, fmt.Errorf("tokenizer: unknown-word token %q is not in the vocabulary", unk)
		}
		w.unk = id
	}
	return w, nil
}

// ReadWordLevel reads a vocabulary in token → id JSON form (as written by
// WriteJSON); the ids must be 0..n−1.
func ReadWordLevel(r io.Reader, unk string) (*WordLevel, error) {
	var vocab map[string]int
	if err := json.NewDecoder(r).Decode(&vocab); err != nil {
		return nil, fmt.Errorf("tokenizer: vocabulary JSON: %w", err)
	}
	words := make([]string, len(vocab))
	for word, id := range vocab {
		if id < 0 || id >= len(words) || words[id] != "" {
			return nil, fmt.Errorf("tokenizer: word %q has id %d; ids must be 0..%d, each used once", word, id, len(words)-1)
		}
		words[id] = word
	}
	return NewWordLevel(words, unk)
}

// LoadWordLevel reads a vocabulary file written by WriteJSON.
func LoadWordLevel(path, unk string) (*WordLevel, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	defer f.Close()
	w, err := ReadWordLevel(f, unk)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return w, nil
}

// WriteJSON writes the vocabulary as a token → id JSON object.
func (w *WordLevel) WriteJSON(out io.Writer) error {
	b, err := json.MarshalIndent(w.ids, "", " ")
	if err != nil {
		return err
	}
	_, err = out.Write(append(b, '\n'))
	return err
}

// Encode returns the ids of the whitespace-separated words of text.
func (w *WordLevel) Encode(text string) ([]int, error) {
	fields := strings.Fields(text)
	ids := make([]int, len(fields))
	for i, f := range fields {
		id, ok := w.ids[f]
		if !ok {
			if w.unk < 0 {
				return nil, fmt.Errorf("tokenizer: word %d (%q) is not in the vocabulary", i, f)
			}
			id = w.unk
		}
		ids[i] = id
	}
	return ids, nil
}

// Decode joins the words of ids with single spaces.
func (w *WordLevel) Decode(ids []int) (string, error) {
	var sb strings.Builder
	for i, id := range ids {
		if id < 0 || id >= len(w.words) {
			return "", fmt.Errorf("tokenizer: ids[%d] = %d is outside the vocabulary [0, %d)", i, id, len(w.words))
		}
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(w.words[id])
	}
	return sb.String(), nil
}

// VocabSize returns the number of words.
func (w *WordLevel) VocabSize() int { return len(w.words) }

// ID returns the id of a word.
func (w *WordLevel) ID(word string) (int, bool) {
	id, ok := w.ids[word]
	return id, ok
}

// Words returns the vocabulary in id order (a copy).
func (w *WordLevel) Words() []string { return append([]string(nil), w.words...) }
