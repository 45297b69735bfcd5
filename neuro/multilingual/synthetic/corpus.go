package synthetic

import (
	"fmt"
	"math/rand/v2"
)

// The training corpus: documents of one to three items in one language,
// an item being a statement of a fact ("ana eats rice .") or a question
// with its answer ("ana eats what ? bread ."), and, one document in
// ParallelRate, a statement followed by its translation into another
// language ("ana eats rice . = ana wa kome o taberu ."), as web text holds
// some parallel text. No training document expresses a fact in the
// language it is held out of (HeldOut). Every token after <bos> counts in
// the loss.
const (
	// ParallelRate is the fraction of training documents that are
	// translation pairs.
	ParallelRate = 0.15
	// QuestionRate is the fraction of monolingual items that are a
	// question with its answer.
	QuestionRate = 0.4
	// MaxItems is the largest number of items in a monolingual document.
	MaxItems = 3
)

// MaxLen is the length of the longest document (tokens, with <bos> and
// <eos>): models need at least this context.
var MaxLen = func() int {
	n := 0
	for _, l := range languages {
		for _, f := range Facts() {
			n = max(n, len(l.Question(f.Person, f.Relation))+len(l.Answer(f)))
		}
	}
	return MaxItems*n + 2
}()

// seenFact draws a fact that language li may express in training.
func seenFact(rng *rand.Rand, li int) Fact {
	for {
		p, r := rng.IntN(len(People)), Relation(rng.IntN(int(NumRelations)))
		if HeldOut(p, r) != li {
			return True(p, r)
		}
	}
}

// item draws one statement or question-answer of language li.
func item(rng *rand.Rand, li int) []string {
	l, f := languages[li], seenFact(rng, li)
	if rng.Float64() < QuestionRate {
		return append(l.Question(f.Person, f.Relation), l.Answer(f)...)
	}
	return l.Statement(f)
}

// Document draws one monolingual document of language li (an index of
// Languages): "<bos> ITEM [ITEM [ITEM]] <eos>".
func Document(rng *rand.Rand, li int) []int {
	words := []string{BOS}
	for n := 1 + rng.IntN(MaxItems); n > 0; n-- {
		words = append(words, item(rng, li)...)
	}
	return ids(append(words, EOS))
}

// Translation draws a translation pair: a fact stated in one language, "=",
// and the same fact in another; neither language is the fact's held-out
// one.
func Translation(rng *rand.Rand) []int {
	for {
		f := Facts()[rng.IntN(len(People)*int(NumRelations))]
		a, b := rng.IntN(len(languages)), rng.IntN(len(languages))
		h := HeldOut(f.Person, f.Relation)
		if a == b || a == h || b == h {
			continue
		}
		words := append([]string{BOS}, languages[a].Statement(f)...)
		words = append(append(words, Parallel), languages[b].Statement(f)...)
		return ids(append(words, EOS))
	}
}

// Sample draws one training document (the sampler of llama.Train): with
// probability ParallelRate a translation pair, otherwise a monolingual
// document of a uniformly drawn language. Every token after <bos> counts
// in the loss.
func Sample(rng *rand.Rand) (tokens []int, loss []bool) {
	if rng.Float64() < ParallelRate {
		tokens = Translation(rng)
	} else {
		tokens = Document(rng, rng.IntN(len(languages)))
	}
	loss = make([]bool, len(tokens))
	for i := 1; i < len(loss); i++ {
		loss[i] = true
	}
	return tokens, loss
}

// Purpose separates the text sets drawn for analysis, so that neurons are
// found on one set and their effect measured on another.
type Purpose uint64

const (
	// Detection texts are the inputs on which language neurons are found
	// (the paper's 1,000 OSCAR sentences per language).
	Detection Purpose = iota + 1
	// Evaluation texts measure perplexity with neurons deactivated.
	Evaluation
	// Pilot texts were used only to look at the models before the claims
	// were registered.
	Pilot
)

// Texts returns n monolingual documents of language li drawn from the
// training distribution by a stream fixed by purpose and seed (distinct
// purposes give independent streams).
func Texts(li, n int, purpose Purpose, seed uint64) ([][]int, error) {
	if li < 0 || li >= len(languages) {
		return nil, fmt.Errorf("synthetic: language %d outside [0, %d)", li, len(languages))
	}
	if n < 0 {
		return nil, fmt.Errorf("synthetic: %d texts", n)
	}
	rng := rand.New(rand.NewPCG(seed, uint64(purpose)<<8|uint64(li)))
	out := make([][]int, n)
	for i := range out {
		out[i] = Document(rng, li)
	}
	return out, nil
}

// Question is a question of one language about one fact, as a prompt for
// the model: "<bos> ana eats what ?", whose answer is the fact's value in
// the same language.
type Question struct {
	Language int
	Fact     Fact
	// HeldOut: the fact never appears in training in this language.
	HeldOut bool
}

// Prompt returns the ids of "<bos> QUESTION".
func (q Question) Prompt() []int {
	return ids(append([]string{BOS}, languages[q.Language].Question(q.Fact.Person, q.Fact.Relation)...))
}

// Questions returns the questions of language li about every fact, the
// 36 seen in training in this language and the 12 held out of it.
func Questions(li int) []Question {
	var out []Question
	for _, f := range Facts() {
		out = append(out, Question{Language: li, Fact: f, HeldOut: HeldOut(f.Person, f.Relation) == li})
	}
	return out
}
