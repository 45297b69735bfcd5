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
