// Package tokenizer turns text into the integer token ids a language model
// reads, and back.
//
// BPE is GPT-2's byte-level byte-pair encoding (openai/gpt-2 encoder.py),
// loaded from encoder.json or vocab.json (token → id) and vocab.bpe or
// merges.txt (one merge "a b" per line, in priority order). Encoding
//
//  1. splits the text with GPT-2's pattern
//     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//     which is hand-coded here because Go's regexp has no look-ahead: a run
//     of white space followed by a non-space leaves its last character to
//     start the next piece (" world" rather than " " + "world");
//  2. maps each piece's UTF-8 bytes to printable characters
//     (bytes_to_unicode: '!'..'~', '¡'..'¬', '®'..'ÿ' map to themselves,
//     the other 68 bytes to U+0100, U+0101, … in byte order);
//  3. repeatedly merges the adjacent pair of symbols with the lowest merge
//     rank, all its occurrences left to right, until no pair has a rank;
//  4. looks the symbols up in the vocabulary.
//
// \s is JavaScript's white space (the gpt-3-encoder npm package is the
// reference the tests compare with): it differs from Python's regex module,
// used by the original encoder, only in U+0085 (not space here) and U+FEFF
// (space here). \p{L} and \p{N} are Go's Unicode 15 tables, so characters
// added in later Unicode versions may be classified differently from a
// newer JavaScript engine.
//
// Encode treats the whole input as ordinary text, as encoder.py and
// gpt-3-encoder do; EncodeWithSpecial first splits out registered special
// tokens such as <|endoftext|> (id 50256 in GPT-2).
//
// WordLevel is a whitespace-separated word vocabulary for small synthetic
// languages, stored in the same token → id JSON format.
package tokenizer

// Tokenizer is what a model's user needs: text to ids and back.
type Tokenizer interface {
	Encode(text string) ([]int, error)
	Decode(ids []int) (string, error)
	VocabSize() int
}
