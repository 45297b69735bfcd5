package synthetic

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/neuronb/neuronb/neuro/transformer/tokenizer"
)

// Special words and punctuation, shared by every language.
const (
	Pad      = "<pad>"
	BOS      = "<bos>"
	EOS      = "<eos>"
	Period   = "."
	QMark    = "?"
	Parallel = "=" // separates a sentence from its translation
)

// Language is one synthetic language: its own word for every concept,
// relation and question word, and its own word order. Order is the order
// of subject (S, the person's name), verb (V) and object (O); Subject and
// Object are particles following the subject and the object ("" for
// none).
type Language struct {
	Name     string
	Order    string // "SVO", "SOV", "VSO" or "OSV"
	Concepts [NumRelations][ValuesPerRelation]string
	Verbs    [NumRelations]string
	What     string // the question word, standing where the object would
	Subject  string // particle after the subject
	Object   string // particle after the object
}

var languages = []Language{
	{Name: "svo", Order: "SVO", Concepts: Glosses, Verbs: [NumRelations]string{"eats", "keeps", "likes", "visits"}, What: "what"},
	{Name: "sov", Order: "SOV", Subject: "wa", Object: "o", What: "nani",
		Verbs: [NumRelations]string{"taberu", "kau", "suku", "iku"},
		Concepts: [NumRelations][ValuesPerRelation]string{
			{"pani", "kome", "uro", "rinu", "shiru", "tiza"},
			{"neko", "inu", "tori", "uma", "yagi", "kaeru"},
			{"aka", "sora", "midi", "kiro", "kuro", "shiro"},
			{"machi", "kawa", "mori", "oka", "mizu", "ichi"}}},
	{Name: "vso", Order: "VSO", What: "beth",
		Verbs: [NumRelations]string{"bwyta", "cadw", "hoff", "ymwel"},
		Concepts: [NumRelations][ValuesPerRelation]string{
			{"bara", "reis", "pysk", "afal", "cawl", "caws"},
			{"cath", "ci", "adar", "ceff", "gafr", "broga"},
			{"coch", "glas", "gwyr", "melyn", "du", "gwyn"},
			{"tref", "afon", "coed", "bryn", "llyn", "farch"}}},
	{Name: "osv", Order: "OSV", Object: "ka", What: "oqo",
		Verbs: [NumRelations]string{"umo", "eka", "ilu", "avi"},
		Concepts: [NumRelations][ValuesPerRelation]string{
			{"obu", "ira", "efi", "ape", "uso", "ekko"},
			{"imi", "odo", "ibu", "ohe", "ega", "ufo"},
			{"ure", "ubi", "ogre", "ela", "oki", "ewi"},
			{"atu", "iri", "ofo", "uhi", "ale", "omak"}}},
}

// Languages returns the four languages (a copy): "svo" (English words,
// subject-verb-object), "sov" (particles wa and o, verb last), "vso" (verb
// first) and "osv" (object first, marked by ka).
func Languages() []Language { return slices.Clone(languages) }

// LanguageNames returns the languages' names in order.
func LanguageNames() []string {
	out := make([]string, len(languages))
	for i, l := range languages {
		out[i] = l.Name
	}
	return out
}

// clause orders subject, verb and object words with the particles.
func (l Language) clause(subject, verb, object string) []string {
	s := []string{subject}
	if l.Subject != "" {
		s = append(s, l.Subject)
	}
	o := []string{object}
	if l.Object != "" {
		o = append(o, l.Object)
	}
	parts := map[byte][]string{'S': s, 'V': {verb}, 'O': o}
	var out []string
	for i := 0; i < 3; i++ {
		out = append(out, parts[l.Order[i]]...)
	}
	return out
}

// Statement returns the words stating f, ending with ".":
// "ana eats rice ." in svo, "ana wa kome o taberu ." in sov.
func (l Language) Statement(f Fact) []string {
	return append(l.clause(People[f.Person], l.Verbs[f.Relation], l.Concepts[f.Relation][f.Value]), Period)
}

// Question returns the words asking for the value of relation r of person
// p, ending with "?": "ana eats what ?", "ana wa nani o taberu ?".
func (l Language) Question(p int, r Relation) []string {
	return append(l.clause(People[p], l.Verbs[r], l.What), QMark)
}

// Answer returns the words answering with f's value: "rice .".
func (l Language) Answer(f Fact) []string { return []string{l.Concepts[f.Relation][f.Value], Period} }

// entry is what a word means.
type entry struct {
	lang     int // −1 for shared words
	role     byte
	relation Relation
	value    int
}

const (
	roleConcept = 'c'
	roleVerb    = 'v'
	roleWhat    = 'w'
	roleSubject = 's'
	roleObject  = 'o'
	roleName    = 'n'
	roleOther   = '-'
)

type lexicon struct {
	tok     *tokenizer.WordLevel
	entries []entry // by id
}

var lexOnce = sync.OnceValue(func() *lexicon {
	words := []string{Pad, BOS, EOS, Period, QMark, Parallel}
	ents := []entry{{-1, roleOther, 0, 0}, {-1, roleOther, 0, 0}, {-1, roleOther, 0, 0}, {-1, roleOther, 0, 0}, {-1, roleOther, 0, 0}, {-1, roleOther, 0, 0}}
	add := func(w string, e entry) {
		words, ents = append(words, w), append(ents, e)
	}
	for p, n := range People {
		add(n, entry{-1, roleName, 0, p})
	}
	for li, l := range languages {
		for r := Relation(0); r < NumRelations; r++ {
			add(l.Verbs[r], entry{li, roleVerb, r, 0})
			for v, w := range l.Concepts[r] {
				add(w, entry{li, roleConcept, r, v})
			}
		}
		add(l.What, entry{li, roleWhat, 0, 0})
		if l.Subject != "" {
			add(l.Subject, entry{li, roleSubject, 0, 0})
		}
		if l.Object != "" {
			add(l.Object, entry{li, roleObject, 0, 0})
		}
	}
	tok, err := tokenizer.NewWordLevel(words, "")
	if err != nil {
		panic("synthetic: building the vocabulary: " + err.Error()) // a repeated word: the tables above are wrong
	}
	return &lexicon{tok: tok, entries: ents}
})

// Tokenizer returns the word-level tokenizer of the four languages (shared
// and safe for concurrent use): <pad> 0, <bos> 1, <eos> 2, then ". ? =",
// the names, and each language's words.
func Tokenizer() *tokenizer.WordLevel { return lexOnce().tok }

// ID returns the id of a word of the vocabulary, panicking if it has none
// (for the fixed words of this package).
func ID(word string) int {
	id, ok := Tokenizer().ID(word)
	if !ok {
		panic(fmt.Sprintf("synthetic: %q is not in the vocabulary", word))
	}
	return id
}

// Encode returns the ids of a text, or an error naming the first unknown
// word.
func Encode(text string) ([]int, error) {
	ids, err := Tokenizer().Encode(text)
	if err != nil {
		return nil, fmt.Errorf("synthetic: %w", err)
	}
	return ids, nil
}

// Decode returns the words of ids joined by spaces.
func Decode(ids []int) (string, error) { return Tokenizer().Decode(ids) }

func ids(words []string) []int {
	out := make([]int, len(words))
	for i, w := range words {
		out[i] = ID(w)
	}
	return out
}

// LanguageOf returns the language index of a word (−1 for the shared
// words: names, punctuation, specials) and whether the word is known.
func LanguageOf(word string) (int, bool) {
	id, ok := Tokenizer().ID(word)
	if !ok {
		return 0, false
	}
	return lexOnce().entries[id].lang, true
}

// Join renders words as text.
func Join(words []string) string { return strings.Join(words, " ") }
