package notebooks_test

import (
	"fmt"

	"github.com/neuronb/neuronb/notebooks"
)

func ExampleMemo() {
	// In a notebook, the first cell that asks computes; later cells read
	// the stored value ($GONB_TMP_DIR/memo-squares.json).
	squares := func() ([]int, error) {
		fmt.Println("computing")
		return []int{0, 1, 4, 9}, nil
	}
	a, err := notebooks.Memo("squares", squares)
	if err != nil {
		panic(err)
	}
	b, err := notebooks.Memo("squares", squares)
	if err != nil {
		panic(err)
	}
	fmt.Println(a, b)
	// Output:
	// computing
	// [0 1 4 9] [0 1 4 9]
}

func ExampleMust() {
	squares := notebooks.Must(notebooks.Memo("must-squares", func() ([]int, error) { return []int{0, 1, 4}, nil }))
	notebooks.Check(nil, nil) // panics with the first error, if any
	fmt.Println(squares)
	// Output:
	// [0 1 4]
}
