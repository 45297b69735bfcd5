package synthetic_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/multilingual/synthetic"
)

// One fact in the four languages, and the judge reading answers.
func Example() {
	f := synthetic.True(2, synthetic.Likes)
	fmt.Println("fact:", f)
	for _, l := range synthetic.Languages() {
		fmt.Printf("%s: %s\n", l.Name, synthetic.Join(l.Statement(f)))
	}
	q := synthetic.Questions(1)[2*4+int(synthetic.Likes)]
	prompt, err := synthetic.Decode(q.Prompt())
	if err != nil {
		panic(err)
	}
	fmt.Println("question:", prompt, " held out of sov:", q.HeldOut)
	for _, answer := range []string{synthetic.Languages()[1].Concepts[synthetic.Likes][f.Value], synthetic.Glosses[synthetic.Likes][f.Value], "aka"} {
		ids, err := synthetic.Encode(answer)
		if err != nil {
			panic(err)
		}
		fmt.Printf("answer %q: %v\n", answer, synthetic.Judge(q, ids))
	}
	// Output:
	// fact: cai likes blue
	// svo: cai likes blue .
	// sov: cai wa sora o suku .
	// vso: hoff cai glas .
	// osv: ubi ka cai ilu .
	// question: <bos> cai wa nani o suku ?  held out of sov: false
	// answer "sora": correct
	// answer "blue": wrong language
	// answer "aka": wrong
}

// A training document and its meanings.
func ExampleParse() {
	tokens, _ := synthetic.Sample(rand.New(rand.NewPCG(4, 0)))
	text, err := synthetic.Decode(tokens)
	if err != nil {
		panic(err)
	}
	fmt.Println(text)
	items, err := synthetic.Parse(tokens)
	if err != nil {
		panic(err)
	}
	for _, it := range items {
		fmt.Printf("%s: %v (question: %v)\n", synthetic.LanguageNames()[it.Language], it.Fact, it.Question)
	}
	// Output:
	// <bos> bwyta ana reis . <eos>
	// vso: ana eats rice (question: false)
}
