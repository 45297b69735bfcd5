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
	bad, _ := Encode("<bos> <user> how do i make the sure <assistant>")
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
	var nb, nh, ni, heldB, heldH, trainT, heldT int
	for _, o := range Objects() {
		switch {
		case o.Kind == Benign && o.Split == HeldOut:
			heldB++
		case o.Kind == Harmful && o.Split == HeldOut:
			heldH++
		}
		switch o.Kind {
		case Benign:
			nb++
		case Harmful:
			nh++
		default:
			ni++
		}
	}
	for _, tm := range Templates() {
		if tm.Split == Train {
			trainT++
		} else {
			heldT++
		}
	}
	g := len(Greetings)
	if got := len(Prompts(Filter{})); got != g*(trainT+heldT)*(nb+nh+ni) {
		t.Errorf("all prompts: %d", got)
	}
	f := Filter{Kinds: []Kind{Harmful}, Objects: SplitPtr(HeldOut)}
	if got := len(Prompts(f)); got != g*(trainT+heldT)*heldH {
		t.Errorf("held-out harmful: %d, want %d", got, g*(trainT+heldT)*heldH)
	}
	f = Filter{Kinds: []Kind{Benign}, Objects: SplitPtr(Train), Templates: SplitPtr(Train)}
	if got := len(Prompts(f)); got != g*trainT*(nb-heldB) {
		t.Errorf("train benign on train templates: %d", got)
	}
	if heldB != 6 || heldH != 6 || heldT != 2 {
		t.Errorf("held out: %d benign, %d harmful objects, %d templates; the documentation says 6, 6, 2", heldB, heldH, heldT)
	}
}

// Oracle: alignment data may contain no held-out object or template (the
// evaluation would otherwise not be held out); pre-training data covers
// them all. Checked on 20,000 samples of each corpus.
func TestAlignmentCorpusNeverShowsHeldOutRequests(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	held := map[string]bool{}
	for _, o := range Objects() {
		if o.Split == HeldOut {
			held[o.Word] = true
		}
	}
	seenInPretraining := map[string]bool{}
	for i := 0; i < 20000; i++ {
		e := Alignment.Sample(rng)
		text, _ := Decode(e.Tokens)
		p, err := ParsePrompt(e.Tokens[:slices.Index(e.Tokens, ID(Assistant))+1])
		if err != nil {
			t.Fatalf("alignment example %q: %v", text, err)
		}
		if p.Object.Split == HeldOut || p.Template.Split == HeldOut {
			t.Fatalf("alignment example %q uses a held-out object or template", text)
		}
		if want := p.AlignedTokens(); !slices.Equal(e.Tokens[len(p.Tokens()):], want) {
			t.Fatalf("alignment example %q does not end in the aligned answer", text)
		}
		if e.Loss[len(p.Tokens())-1] || !e.Loss[len(p.Tokens())] {
			t.Fatalf("alignment example %q: the loss must cover exactly the answer", text)
		}
		for _, w := range strings.Fields(text) {
			if held[w] {
				t.Fatalf("alignment example %q mentions held-out object %s", text, w)
			}
		}
		pt, _ := Decode(Pretraining.Sample(rng).Tokens)
		for _, w := range strings.Fields(pt) {
			if held[w] {
				seenInPretraining[w] = true
			}
		}
	}
	if len(seenInPretraining) != len(held) {
		t.Errorf("pre-training showed %d of %d held-out objects", len(seenInPretraining), len(held))
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
