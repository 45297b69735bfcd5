package synthetic

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestParseReadsBackEveryRendering: every statement and question-answer of
// every language and fact parses back to its meaning (oracle: the
// rendering tables), and the word orders are the languages' own.
func TestParseReadsBackEveryRendering(t *testing.T) {
	for li, l := range languages {
		for _, f := range Facts() {
			st := append(append([]string{BOS}, l.Statement(f)...), EOS)
			qa := append(l.Question(f.Person, f.Relation), l.Answer(f)...)
			for i, words := range [][]string{st, qa} {
				items, err := Parse(ids(words))
				if err != nil {
					t.Fatalf("%s %q: %v", l.Name, Join(words), err)
				}
				want := Item{Language: li, Fact: f, Question: i == 1}
				if len(items) != 1 || items[0] != want {
					t.Fatalf("%s %q: parsed %+v, want %+v", l.Name, Join(words), items, want)
				}
			}
		}
	}
	f := True(0, Eats)
	for li, want := range []string{"ana eats " + Glosses[Eats][f.Value] + " .", "ana wa " + languages[1].Concepts[Eats][f.Value] + " o taberu .",
		"bwyta ana " + languages[2].Concepts[Eats][f.Value] + " .", languages[3].Concepts[Eats][f.Value] + " ka ana umo ."} {
		if got := Join(languages[li].Statement(f)); got != want {
			t.Errorf("%s: %q, want %q", languages[li].Name, got, want)
		}
	}
}

// TestParseRejectsBrokenText: mixed languages, wrong orders and values of
// the wrong relation are errors.
func TestParseRejectsBrokenText(t *testing.T) {
	for _, bad := range []string{"ana eats pani .", "eats ana bread .", "ana eats red .", "ana eats what ? pani .", "ana eats bread", "ana wa pani taberu ."} {
		ids, err := Encode(bad)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(ids); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestCorpusNeverStatesHeldOutFacts samples the training corpus and parses
// every document (oracle: Parse, checked above): no fact appears in its
// held-out language, every fact appears in its other three, translation
// pairs state one fact in two languages, and documents fit MaxLen.
func TestCorpusNeverStatesHeldOutFacts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[[2]int]bool{}
	pairs := 0
	for range 20000 {
		tok, loss := Sample(rng)
		if len(tok) > MaxLen || len(loss) != len(tok) || loss[0] || !loss[len(loss)-1] {
			t.Fatalf("document of %d tokens (MaxLen %d), loss %v", len(tok), MaxLen, loss)
		}
		items, err := Parse(tok)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(tok, ID(Parallel)) {
			pairs++
			if len(items) != 2 || items[0].Fact != items[1].Fact || items[0].Language == items[1].Language {
				t.Fatalf("translation pair %+v", items)
			}
		}
		for _, it := range items {
			if it.Fact != True(it.Fact.Person, it.Fact.Relation) {
				t.Fatalf("false fact %v", it.Fact)
			}
			if HeldOut(it.Fact.Person, it.Fact.Relation) == it.Language {
				t.Fatalf("fact %v stated in its held-out language %s", it.Fact, languages[it.Language].Name)
			}
			seen[[2]int{it.Language, it.Fact.Person*int(NumRelations) + int(it.Fact.Relation)}] = true
		}
	}
	if want := len(languages) * len(Facts()) * 3 / 4; len(seen) != want {
		t.Errorf("%d (language, fact) pairs seen, want %d", len(seen), want)
	}
	if r := float64(pairs) / 20000; r < ParallelRate-0.02 || r > ParallelRate+0.02 {
		t.Errorf("translation rate %.3f, want %g", r, ParallelRate)
	}
}

// TestJudgeReadsMeanings checks each verdict on hand-made answers.
func TestJudgeReadsMeanings(t *testing.T) {
	q := Questions(1)[0]
	if got := Join(strings.Fields(must(Decode(q.Prompt())))); got != "<bos> ana wa nani o taberu ?" {
		t.Fatalf("prompt %q", got)
	}
	right := languages[1].Concepts[Eats][q.Fact.Value]
	other := languages[1].Concepts[Eats][(q.Fact.Value+1)%ValuesPerRelation]
	for _, tc := range []struct {
		answer string
		want   Verdict
	}{{right, Correct}, {Glosses[Eats][q.Fact.Value], WrongLanguage}, {other, Wrong}, {"aka", Other}, {".", Other}, {"", Other}} {
		ids, err := Encode(tc.answer)
		if err != nil {
			t.Fatal(err)
		}
		if got := Judge(q, ids); got != tc.want {
			t.Errorf("answer %q: %v, want %v", tc.answer, got, tc.want)
		}
	}
	held := 0
	for li := range languages {
		for _, q := range Questions(li) {
			if q.HeldOut {
				held++
			}
		}
	}
	if held != len(Facts()) {
		t.Errorf("%d held-out questions, want one per fact (%d)", held, len(Facts()))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestTextsAreReproducibleAndSeparate: the same purpose and seed give the
// same texts; another purpose gives others.
func TestTextsAreReproducibleAndSeparate(t *testing.T) {
	a := must(Texts(2, 20, Detection, 1))
	b := must(Texts(2, 20, Detection, 1))
	c := must(Texts(2, 20, Evaluation, 1))
	same := 0
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			t.Fatal("same purpose and seed gave other texts")
		}
		if slices.Equal(a[i], c[i]) {
			same++
		}
	}
	if same > 5 {
		t.Errorf("%d of 20 detection and evaluation texts coincide", same)
	}
	if _, err := Texts(4, 1, Detection, 1); err == nil {
		t.Error("language 4 accepted")
	}
}
