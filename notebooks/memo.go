package notebooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sync"
)

// Memo returns the value stored under name by an earlier call, or calls
// compute, stores its value under name and returns it. In a notebook each
// cell is a fresh program, so a value computed in one cell (a fitted
// model) is stored as JSON in the kernel session's scratch directory
// ($GONB_TMP_DIR, removed when the kernel stops) and read back by later
// cells; outside a notebook (a test, a program) values are kept in memory
// for the life of the process. A stored value that no longer decodes (its
// type changed) is computed again.
//
// JSON keeps exported fields only. So that nothing is dropped silently,
// Memo refuses a T that holds unexported struct fields or interface values
// anywhere, unless that part implements json.Marshaler and
// json.Unmarshaler itself (as *clds.Model does).
func Memo[T any](name string, compute func() (T, error)) (T, error) {
	var zero T
	if !memoName.MatchString(name) {
		return zero, fmt.Errorf("notebooks: Memo: name %q, want letters, digits, '-', '_' or '.'", name)
	}
	if compute == nil {
		return zero, fmt.Errorf("notebooks: Memo: compute is nil")
	}
	if err := jsonFaithful(reflect.TypeFor[T](), "T", map[reflect.Type]bool{}); err != nil {
		return zero, fmt.Errorf("notebooks: Memo(%q): %w", name, err)
	}
	if data, ok, err := memoLoad(name); err != nil {
		return zero, err
	} else if ok {
		var v T
		if json.Unmarshal(data, &v) == nil {
			return v, nil
		}
	}
	v, err := compute()
	if err != nil {
		return zero, err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return zero, fmt.Errorf("notebooks: Memo(%q): %w", name, err)
	}
	return v, memoStore(name, data)
}

// Forget removes the value stored under name, so that the next Memo
// computes it again (after changing the code that computes it).
func Forget(name string) error {
	memoMu.Lock()
	delete(memoMem, name)
	memoMu.Unlock()
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		return nil
	}
	err := os.Remove(filepath.Join(dir, "memo-"+name+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

var (
	memoName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	memoMu   sync.Mutex
	memoMem  = map[string][]byte{}
)

func memoLoad(name string) ([]byte, bool, error) {
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		memoMu.Lock()
		defer memoMu.Unlock()
		data, ok := memoMem[name]
		return data, ok, nil
	}
	data, err := os.ReadFile(filepath.Join(dir, "memo-"+name+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("notebooks: Memo(%q): %w", name, err)
	}
	return data, true, nil
}

func memoStore(name string, data []byte) error {
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		memoMu.Lock()
		memoMem[name] = data
		memoMu.Unlock()
		return nil
	}
	if err := os.WriteFile(filepath.Join(dir, "memo-"+name+".json"), data, 0o644); err != nil {
		return fmt.Errorf("notebooks: Memo(%q): %w", name, err)
	}
	return nil
}

var (
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// jsonFaithful reports a part of t that a JSON round trip would lose: an
// unexported struct field or an interface value, where neither the type
// nor its pointer marshals itself.
func jsonFaithful(t reflect.Type, path string, seen map[reflect.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	pt := reflect.PointerTo(t)
	if (t.Implements(marshalerType) || pt.Implements(marshalerType)) && pt.Implements(unmarshalerType) {
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		return fmt.Errorf("%s is an interface (%v): JSON cannot restore its concrete type", path, t)
	case reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		return fmt.Errorf("%s has type %v, which JSON cannot store", path, t)
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return jsonFaithful(t.Elem(), path+"[]", seen)
	case reflect.Map:
		if err := jsonFaithful(t.Key(), path+" key", seen); err != nil {
			return err
		}
		return jsonFaithful(t.Elem(), path+"[key]", seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				return fmt.Errorf("%s (%v) has the unexported field %s, which JSON would drop silently; give the type MarshalJSON and UnmarshalJSON", path, t, f.Name)
			}
			if f.Tag.Get("json") == "-" {
				return fmt.Errorf("%s.%s is tagged json:\"-\", so it would not be stored", path, f.Name)
			}
			if err := jsonFaithful(f.Type, path+"."+f.Name, seen); err != nil {
				return err
			}
		}
	}
	return nil
}
