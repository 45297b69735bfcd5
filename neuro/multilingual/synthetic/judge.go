package synthetic

import (
	"fmt"
)

// Item is one parsed statement or question-answer of a document.
type Item struct {
	Language int
	Fact     Fact // the meaning stated or answered
	Question bool // a question with its answer
}

// Parse reads a document (with or without <bos> and <eos>) as items of
// the languages and returns their meanings: the meaning-level reading
// that makes the four languages comparable. Translation pairs give two
// items. Words out of place are an error naming the position.
func Parse(tokens []int) ([]Item, error) {
	lex := lexOnce()
	var out []Item
	var cur []int
	flush := func(end int, question bool) error {
		it, err := parseClause(lex, cur, question)
		if err != nil {
			return fmt.Errorf("synthetic: Parse: clause ending at token %d: %w", end, err)
		}
		out, cur = append(out, it), nil
		return nil
	}
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		if t < 0 || t >= len(lex.entries) {
			return nil, fmt.Errorf("synthetic: Parse: token %d = %d outside the vocabulary", i, t)
		}
		switch t {
		case ID(BOS), ID(EOS), ID(Parallel):
			if len(cur) > 0 {
				return nil, fmt.Errorf("synthetic: Parse: clause cut at token %d", i)
			}
		case ID(Period):
			if err := flush(i, false); err != nil {
				return nil, err
			}
		case ID(QMark):
			// The answer follows: one concept word and a period.
			if i+2 >= len(tokens) || tokens[i+2] != ID(Period) {
				return nil, fmt.Errorf("synthetic: Parse: question at token %d without an answer", i)
			}
			cur = append(cur, tokens[i+1])
			if err := flush(i+2, true); err != nil {
				return nil, err
			}
			i += 2
		default:
			cur = append(cur, t)
		}
	}
	if len(cur) > 0 {
		return nil, fmt.Errorf("synthetic: Parse: unfinished clause at the end")
	}
	return out, nil
}

// parseClause reads subject, verb and object (for a question the object
// slot holds the question word and the answer is the last token) in any
// language's order, checking that the order and particles are the
// language's.
func parseClause(lex *lexicon, clause []int, question bool) (Item, error) {
	words := clause
	answer := -1
	if question {
		words, answer = clause[:len(clause)-1], clause[len(clause)-1]
	}
	li := -1
	for _, t := range words {
		if e := lex.entries[t]; e.lang >= 0 {
			li = e.lang
			break
		}
	}
	if li < 0 {
		return Item{}, fmt.Errorf("no word of any language")
	}
	l := languages[li]
	var it Item
	it.Language, it.Question = li, question
	person, verb, object := -1, -1, -1
	for _, t := range words {
		e := lex.entries[t]
		switch {
		case e.role == roleName:
			person = e.value
		case e.lang != li:
			return Item{}, fmt.Errorf("word %q of another language in a %s clause", lex.tok.Words()[t], l.Name)
		case e.role == roleVerb:
			verb = t
			it.Fact.Relation = e.relation
		case e.role == roleConcept || (question && e.role == roleWhat):
			object = t
		}
	}
	if person < 0 || verb < 0 || object < 0 {
		return Item{}, fmt.Errorf("a %s clause needs a name, a verb and an object", l.Name)
	}
	it.Fact.Person = person
	objWord := lex.tok.Words()[object]
	want := l.clause(People[person], l.Verbs[it.Fact.Relation], objWord)
	if len(want) != len(words) {
		return Item{}, fmt.Errorf("%q is not in %s word order", lex.text(words), l.Name)
	}
	for i, w := range want {
		if ID(w) != words[i] {
			return Item{}, fmt.Errorf("word %d of a %s clause is %q, want %q", i, l.Name, lex.tok.Words()[words[i]], w)
		}
	}
	val := object
	if question {
		val = answer
	}
	e := lex.entries[val]
	if e.role != roleConcept || e.lang != li || e.relation != it.Fact.Relation {
		return Item{}, fmt.Errorf("%q is not a value of %s in %s", lex.tok.Words()[val], it.Fact.Relation, l.Name)
	}
	it.Fact.Value = e.value
	return it, nil
}

func (lex *lexicon) text(ids []int) string {
	w := lex.tok.Words()
	out := make([]string, len(ids))
	for i, t := range ids {
		out[i] = w[t]
	}
	return Join(out)
}

// Verdict is the judge's reading of an answer.
type Verdict int

const (
	// Other: the answer is not a value word of the asked relation.
	Other Verdict = iota
	// Correct: the true value, in the language asked.
	Correct
	// WrongLanguage: the true value, in another language.
	WrongLanguage
	// Wrong: another value of the relation.
	Wrong
)

func (v Verdict) String() string {
	switch v {
	case Correct:
		return "correct"
	case WrongLanguage:
		return "wrong language"
	case Wrong:
		return "wrong"
	}
	return "other"
}

// Judge reads the first token a model generates after a Question's
// prompt, at the level of meaning: the deterministic judge of the
// languages' question answering.
func Judge(q Question, answer []int) Verdict {
	if len(answer) == 0 || answer[0] < 0 || answer[0] >= len(lexOnce().entries) {
		return Other
	}
	e := lexOnce().entries[answer[0]]
	switch {
	case e.role != roleConcept || e.relation != q.Fact.Relation:
		return Other
	case e.value != q.Fact.Value:
		return Wrong
	case e.lang != q.Language:
		return WrongLanguage
	}
	return Correct
}
