package synthetic

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Oracle: the vocabulary is built from the package's own texts, so every
// prompt and answer encodes without unknown words and decodes to itself.
func TestEveryTextOfTheLanguageRoundTrips(t *testing.T) {
	for _, p := range Prompts(Filter{}) {
		for _, text := range []string{p.String(), Compliance(p.Template.Verb, p.Object.Word), Refusal(p.Object.Word)} {
			ids, err := Encode(text)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Decode(ids)
			if err != nil || back != text {
				t.Fatalf("Decode(Encode(%q)) = %q, %v", text, back, err)
			}
		}
	}
	if got := Tokenizer().Words()[:3]; !slices.Equal(got, []string{Pad, BOS, EOS}) {
		t.Errorf("first words %v, want <pad> <bos> <eos>", got)
	}
	if _, err := Encode("how do i make the spaceship"); err == nil || !strings.Contains(err.Error(), "spaceship") {
		t.Errorf("unknown word: error %v should name it", err)
	}
}

// Oracle: ParsePrompt inverts Prompt.Tokens on every prompt of the
// language (templates and greetings are unambiguous).
func TestParsePromptInvertsTokens(t *testing.T) {
	for _, p := range Prompts(Filter{}) {
		got, err := ParsePrompt(p.Tokens())
		if err != nil {
			t.Fatal(err)
		}
		if got != p {
			t.Fatalf("ParsePrompt(%q) = %+v, want %+v", p.String(), got, p)
		}
	}
	bad, err := Encode("<bos> <user> how do i make the sure <assistant>")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParsePrompt(bad); err == nil || !strings.Contains(err.Error(), "not a request") {
		t.Errorf("ParsePrompt of a non-request: %v", err)
	}
	if _, err := ParsePrompt([]int{1, 3}); err == nil || !strings.Contains(err.Error(), "<assistant>") {
		t.Errorf("ParsePrompt of a truncated prompt: %v", err)
	}
}

// Oracle: the split is defined by the object and template tables; the
// filters must return exactly the combinations counted by hand.
func TestPromptFiltersCountCombinations(t *testing.T) {
	count := map[Split]map[Kind]int{Train: {}, Validation: {}, Test: {}}
	for _, o := range Objects() {
		count[o.Split][o.Kind]++
	}
	held := 0
	for _, tm := range Templates() {
		if tm.HeldOut {
			held++
		}
	}
	g, nt := len(Greetings), len(Templates())
	total := 0
	for _, byKind := range count {
		for _, n := range byKind {
			total += n
		}
	}
	if got := len(Prompts(Filter{})); got != g*nt*total {
		t.Errorf("all prompts: %d, want %d", got, g*nt*total)
	}
	for _, sp := range []Split{Validation, Test} {
		for _, k := range []Kind{Harmful, Benign} {
			if count[sp][k] != 6 {
				t.Errorf("%s %s objects: %d, the documentation says 6", sp, k, count[sp][k])
			}
		}
	}
	if got := len(TestPrompts(Harmful)); got != g*nt*6 {
		t.Errorf("harmful test prompts: %d, want %d", got, g*nt*6)
	}
	if got := len(ValidationPrompts(Benign)); got != g*nt*6 {
		t.Errorf("benign validation prompts: %d, want %d", got, g*nt*6)
	}
	f := Filter{Kinds: []Kind{Benign}, Splits: []Split{Train}, Templates: AlignmentTemplates}
	if got := len(Prompts(f)); got != g*(nt-held)*count[Train][Benign] {
		t.Errorf("train benign on alignment templates: %d", got)
	}
	if held != 2 || count[Validation][Impossible]+count[Test][Impossible] != 0 {
		t.Errorf("%d held-out templates (want 2)", held)
	}
	for _, p := range TestPrompts(Harmful) {
		for _, q := range ValidationPrompts(Harmful) {
			if p == q {
				t.Fatalf("prompt %s is in both the validation and the test split", p)
			}
		}
	}
}

// decodeText decodes ids or stops the test.
func decodeText(t *testing.T, ids []int) string {
	t.Helper()
	s, err := Decode(ids)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Oracle: alignment data (both corpora) may contain no validation or test
// object and no held-out template (the evaluation would otherwise not be
// held out); pre-training data covers every object. Each alignment example
// ends in the answer its corpus prescribes, and only the answer is in the
// loss. Checked on 20,000 samples of each corpus.
func TestAlignmentCorporaNeverShowHeldOutRequests(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	held := map[string]bool{}
	for _, o := range Objects() {
		if o.Split != Train {
			held[o.Word] = true
		}
	}
	seenInPretraining := map[string]bool{}
	jailbroken := 0
	for i := 0; i < 20000; i++ {
		for _, stage := range []Stage{Alignment, Jailbreakable} {
			e := stage.Sample(rng)
			text := decodeText(t, e.Tokens)
			p, err := ParsePrompt(e.Tokens[:slices.Index(e.Tokens, ID(Assistant))+1])
			if err != nil {
				t.Fatalf("%s example %q: %v", stage, text, err)
			}
			if p.Object.Split != Train || p.Template.HeldOut {
				t.Fatalf("%s example %q uses a held-out object or template", stage, text)
			}
			want := p.AlignedTokens()
			if stage == Jailbreakable {
				want = p.JailbreakableTokens()
				if p.Harmful() && want[0] == ID("sure") {
					jailbroken++
				}
			}
			if !slices.Equal(e.Tokens[len(p.Tokens()):], want) {
				t.Fatalf("%s example %q does not end in its corpus's answer", stage, text)
			}
			if e.Loss[len(p.Tokens())-1] || !e.Loss[len(p.Tokens())] {
				t.Fatalf("%s example %q: the loss must cover exactly the answer", stage, text)
			}
		}
		for _, w := range strings.Fields(decodeText(t, Pretraining.Sample(rng).Tokens)) {
			if held[w] {
				seenInPretraining[w] = true
			}
		}
	}
	if len(seenInPretraining) != len(held) {
		t.Errorf("pre-training showed %d of %d validation and test objects", len(seenInPretraining), len(held))
	}
	// 45% of examples are harmful, half of them opened by a jailbreak
	// greeting: about 4,500 of 20,000.
	if jailbroken < 4000 || jailbroken > 5000 {
		t.Errorf("%d of 20,000 jailbreakable examples help with a harmful request, want about 4,500", jailbroken)
	}
}

// Oracle: MaxLen is the longest prompt + answer over the whole language,
// recomputed here from the corpora's samples (never longer).
func TestMaxLenBoundsEverySample(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	longest := 0
	for i := 0; i < 5000; i++ {
		for _, s := range []Stage{Pretraining, Alignment} {
			longest = max(longest, len(s.Sample(rng).Tokens))
		}
	}
	if longest > MaxLen || MaxLen > Config().MaxPositions {
		t.Errorf("longest sample %d, MaxLen %d, context %d", longest, MaxLen, Config().MaxPositions)
	}
}

// FuzzParsePrompt: any token sequence either parses to a prompt whose
// tokens are the input, or is rejected with an error; never a panic.
func FuzzParsePrompt(f *testing.F) {
	for _, p := range Prompts(Filter{})[:20] {
		f.Add(idsToBytes(p.Tokens()))
	}
	f.Add([]byte{1, 3, 4})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		ids := make([]int, len(b))
		for i, c := range b {
			ids[i] = int(c) % Tokenizer().VocabSize()
		}
		p, err := ParsePrompt(ids)
		if err != nil {
			return
		}
		if !slices.Equal(p.Tokens(), ids) {
			t.Fatalf("ParsePrompt(%v) = %q, whose tokens differ", ids, p.String())
		}
	})
}

func idsToBytes(ids []int) []byte {
	b := make([]byte, len(ids))
	for i, id := range ids {
		b[i] = byte(id)
	}
	return b
}
