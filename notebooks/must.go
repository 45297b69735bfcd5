package notebooks

// Must returns v, or panics with err when it is not nil: the notebook
// idiom for a call whose failure should stop the cell with its message
// (GoNB shows the panic under the cell). Library code returns errors.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Check panics with the first non-nil error of errs, for calls that
// return only an error.
func Check(errs ...error) {
	for _, err := range errs {
		if err != nil {
			panic(err)
		}
	}
}

// Must2 is Must for calls that return two values and an error.
func Must2[T, U any](a T, b U, err error) (T, U) {
	if err != nil {
		panic(err)
	}
	return a, b
}
