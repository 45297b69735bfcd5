package synthetic

import (
	"fmt"
	"math/rand/v2"
)

// Relation is what a fact says about a person.
type Relation int

// The relations of the world, each with six possible values.
const (
	Eats Relation = iota
	Keeps
	Likes
	Visits
	NumRelations
)

func (r Relation) String() string {
	if r < 0 || r >= NumRelations {
		return fmt.Sprintf("Relation(%d)", int(r))
	}
	return [...]string{"eats", "keeps", "likes", "visits"}[r]
}

// ValuesPerRelation is the number of concepts each relation ranges over.
const ValuesPerRelation = 6

// Glosses names the concepts of each relation in English (the words of
// the SVO language): Glosses[r][v] is value v of relation r.
var Glosses = [NumRelations][ValuesPerRelation]string{
	Eats:   {"bread", "rice", "fish", "apple", "soup", "cheese"},
	Keeps:  {"cat", "dog", "bird", "horse", "goat", "frog"},
	Likes:  {"red", "blue", "green", "yellow", "black", "white"},
	Visits: {"town", "river", "forest", "hill", "lake", "market"},
}

// People are the persons facts are about. Their names are the same word
// in every language, as proper names are across real languages: the only
// words the languages share besides punctuation.
var People = []string{"ana", "bo", "cai", "dov", "eli", "fen", "gus", "hal", "ida", "jun", "kai", "lu"}

// Fact is one meaning: Person (an index of People) Relation Value (an
// index of Glosses[Relation]).
type Fact struct {
	Person   int
	Relation Relation
	Value    int
}

func (f Fact) String() string {
	return fmt.Sprintf("%s %s %s", People[f.Person], f.Relation, Glosses[f.Relation][f.Value])
}

// worldSeed fixes the world: which value each person has for each
// relation.
const worldSeed = 2506_09890

var values = func() [][NumRelations]int {
	rng := rand.New(rand.NewPCG(worldSeed, 1))
	v := make([][NumRelations]int, len(People))
	for p := range v {
		for r := range v[p] {
			v[p][r] = rng.IntN(ValuesPerRelation)
		}
	}
	return v
}()

// True returns the fact about person p and relation r.
func True(p int, r Relation) Fact { return Fact{p, r, values[p][r]} }

// Facts returns every true fact of the world (12 people × 4 relations),
// person by person.
func Facts() []Fact {
	out := make([]Fact, 0, len(People)*int(NumRelations))
	for p := range People {
		for r := Relation(0); r < NumRelations; r++ {
			out = append(out, True(p, r))
		}
	}
	return out
}

// HeldOut returns the language (an index of Languages) in which the fact
// about person p and relation r never appears in training: language
// (p + r) mod 4, so that each language misses 12 facts, 3 per relation.
// Asking it in that language tests cross-lingual transfer: the model can
// know the answer only from the other languages.
func HeldOut(p int, r Relation) int { return (p + int(r)) % len(languages) }
