package tokenizer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
)

// byteToRune is GPT-2's bytes_to_unicode table and runeToByte its inverse.
var byteToRune, runeToByte = func() ([256]rune, map[rune]byte) {
	var b2r [256]rune
	r2b := make(map[rune]byte, 256)
	n := 0
	for b := 0; b < 256; b++ {
		printable := b >= '!' && b <= '~' || b >= 0xa1 && b <= 0xac || b >= 0xae && b <= 0xff
		r := rune(b)
		if !printable {
			r = rune(256 + n)
			n++
		}
		b2r[b] = r
		r2b[r] = byte(b)
	}
	return b2r, r2b
}()

type pair struct{ a, b string }

// BPE is a byte-level byte-pair-encoding tokenizer (GPT-2). It is safe for
// concurrent use.
type BPE struct {
	vocab   map[string]int
	tokens  []string // id → token ("" for ids the vocabulary skips)
	ranks   map[pair]int
	special map[string]int

	mu    sync.Mutex
	cache map[string][]int // piece → ids
}

// maxCache bounds the memo of encoded pieces.
const maxCache = 1 << 16

// NewBPE builds a tokenizer from a vocabulary (token → id) and merges in
// priority order. Every byte symbol and every merge result must be in the
// vocabulary, so that encoding can never produce an unknown token.
func NewBPE(vocab map[string]int, merges [][2]string) (*BPE, error) {
	if len(vocab) == 0 {
		return nil, fmt.Errorf("tokenizer: empty vocabulary")
	}
	maxID := 0
	for tok, id := range vocab {
		if id < 0 {
			return nil, fmt.Errorf("tokenizer: vocabulary token %q has negative id %d", tok, id)
		}
		maxID = max(maxID, id)
	}
	if maxID >= 4*len(vocab)+1024 {
		return nil, fmt.Errorf("tokenizer: vocabulary of %d tokens has id %d, too sparse", len(vocab), maxID)
	}
	b := &BPE{vocab: vocab, tokens: make([]string, maxID+1), ranks: make(map[pair]int, len(merges)),
		special: map[string]int{}, cache: map[string][]int{}}
	for tok, id := range vocab {
		if b.tokens[id] != "" {
			return nil, fmt.Errorf("tokenizer: id %d is used by both %q and %q", id, b.tokens[id], tok)
		}
		b.tokens[id] = tok
	}
	for _, r := range byteToRune {
		if _, ok := vocab[string(r)]; !ok {
			return nil, fmt.Errorf("tokenizer: vocabulary lacks the byte symbol %q (U+%04X)", string(r), r)
		}
	}
	for i, m := range merges {
		if _, ok := vocab[m[0]+m[1]]; !ok {
			return nil, fmt.Errorf("tokenizer: merge %d (%q %q) produces %q, which is not in the vocabulary", i, m[0], m[1], m[0]+m[1])
		}
		b.ranks[pair{m[0], m[1]}] = i // a repeated merge keeps its last rank, as in encoder.py
	}
	return b, nil
}

// ReadGPT2 reads a vocabulary in encoder.json / vocab.json form and merges
// in vocab.bpe / merges.txt form (a "#version" first line is skipped, as are
// blank lines). "<|endoftext|>", when present, is registered as a special
// token.
func ReadGPT2(vocabJSON, merges io.Reader) (*BPE, error) {
	var vocab map[string]int
	if err := json.NewDecoder(vocabJSON).Decode(&vocab); err != nil {
		return nil, fmt.Errorf("tokenizer: vocabulary JSON: %w", err)
	}
	var ms [][2]string
	sc := bufio.NewScanner(merges)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if line == 1 && strings.HasPrefix(text, "#version") || strings.TrimSpace(text) == "" {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 2 {
			return nil, fmt.Errorf("tokenizer: merges line %d has %d fields, want 2: %q", line, len(f), text)
		}
		ms = append(ms, [2]string{f[0], f[1]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("tokenizer: merges: %w", err)
	}
	b, err := NewBPE(vocab, ms)
	if err != nil {
		return nil, err
	}
	if id, ok := vocab["<|endoftext|>"]; ok {
		b.special["<|endoftext|>"] = id
	}
	return b, nil
}

// LoadGPT2 reads the vocabulary and merges files (encoder.json + vocab.bpe,
// or vocab.json + merges.txt).
func LoadGPT2(vocabPath, mergesPath string) (*BPE, error) {
	v, err := os.Open(vocabPath)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	defer v.Close()
	m, err := os.Open(mergesPath)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	defer m.Close()
	b, err := ReadGPT2(v, m)
	if err != nil {
		return nil, fmt.Errorf("%s, %s: %w", vocabPath, mergesPath, err)
	}
	return b, nil
}

// AddSpecial registers a special token recognised by EncodeWithSpecial. The
// id must already be a vocabulary id.
func (b *BPE) AddSpecial(token string, id int) error {
	if id < 0 || id >= len(b.tokens) || b.tokens[id] == "" {
		return fmt.Errorf("tokenizer: special token %q has id %d, which is not in the vocabulary", token, id)
	}
	if token == "" {
		return fmt.Errorf("tokenizer: empty special token")
	}
	b.special[token] = id
	return nil
}

// VocabSize returns one more than the largest token id.
func (b *BPE) VocabSize() int { return len(b.tokens) }

// ID returns the id of a vocabulary token (in its byte-mapped spelling, e.g.
// "Ġthe" for " the").
func (b *BPE) ID(token string) (int, bool) {
	id, ok := b.vocab[token]
	return id, ok
}

// Encode returns the token ids of text, treating it all as ordinary text.
// The error is always nil: every byte has a token.
func (b *BPE) Encode(text string) ([]int, error) {
	var ids []int
	splitGPT2(text, func(piece string) { ids = append(ids, b.encodePiece(piece)...) })
	return ids, nil
}

// EncodeWithSpecial is Encode after splitting out registered special
// tokens (the longest match wins where two start at the same place).
func (b *BPE) EncodeWithSpecial(text string) ([]int, error) {
	if len(b.special) == 0 {
		return b.Encode(text)
	}
	specials := make([]string, 0, len(b.special))
	for s := range b.special {
		specials = append(specials, s)
	}
	sort.Slice(specials, func(i, j int) bool { return len(specials[i]) > len(specials[j]) })
	var ids []int
	start := 0
	for i := 0; i < len(text); {
		matched := ""
		for _, s := range specials {
			if strings.HasPrefix(text[i:], s) {
				matched = s
				break
			}
		}
		if matched == "" {
			i++
			continue
		}
		more, err := b.Encode(text[start:i])
		if err != nil {
			return nil, err
		}
		ids = append(append(ids, more...), b.special[matched])
		i += len(matched)
		start = i
	}
	more, err := b.Encode(text[start:])
	if err != nil {
		return nil, err
	}
	return append(ids, more...), nil
}

func (b *BPE) encodePiece(piece string) []int {
	b.mu.Lock()
	ids, ok := b.cache[piece]
	b.mu.Unlock()
	if ok {
		return ids
	}
	syms := make([]string, 0, len(piece))
	for i := 0; i < len(piece); i++ {
		syms = append(syms, string(byteToRune[piece[i]]))
	}
	for len(syms) > 1 {
		best, bestRank := pair{}, -1
		for i := 0; i+1 < len(syms); i++ {
			if r, ok := b.ranks[pair{syms[i], syms[i+1]}]; ok && (bestRank < 0 || r < bestRank) {
				best, bestRank = pair{syms[i], syms[i+1]}, r
			}
		}
		if bestRank < 0 {
			break
		}
		out := syms[:0]
		for i := 0; i < len(syms); i++ {
			if i+1 < len(syms) && syms[i] == best.a && syms[i+1] == best.b {
				out = append(out, best.a+best.b)
				i++
			} else {
				out = append(out, syms[i])
			}
		}
		syms = out
	}
	ids = make([]int, len(syms))
	for i, s := range syms {
		ids[i] = b.vocab[s] // present: NewBPE checked bytes and merge results
	}
	b.mu.Lock()
	if len(b.cache) >= maxCache {
		clear(b.cache)
	}
	b.cache[piece] = ids
	b.mu.Unlock()
	return ids
}

// Decode returns the text of ids. Byte sequences that are not valid UTF-8
// (a multi-byte character cut between tokens) are returned as they are.
func (b *BPE) Decode(ids []int) (string, error) {
	var out []byte
	for i, id := range ids {
		if id < 0 || id >= len(b.tokens) || b.tokens[id] == "" {
			return "", fmt.Errorf("tokenizer: ids[%d] = %d is not in the vocabulary of %d", i, id, len(b.tokens))
		}
		tok := b.tokens[id]
		if isSpecial(b.special, tok, id) {
			out = append(out, tok...)
			continue
		}
		for _, r := range tok {
			c, ok := runeToByte[r]
			if !ok {
				return "", fmt.Errorf("tokenizer: token %d (%q) has character %q outside the byte alphabet", id, tok, r)
			}
			out = append(out, c)
		}
	}
	return string(out), nil
}

func isSpecial(special map[string]int, tok string, id int) bool {
	sid, ok := special[tok]
	return ok && sid == id
}

// Token returns the vocabulary spelling of an id and whether it exists.
func (b *BPE) Token(id int) (string, bool) {
	if id < 0 || id >= len(b.tokens) || b.tokens[id] == "" {
		return "", false
	}
	return b.tokens[id], true
}

// TokenText returns the text an id stands for (decoded bytes, which may be
// part of a multi-byte character).
func (b *BPE) TokenText(id int) (string, error) { return b.Decode([]int{id}) }
