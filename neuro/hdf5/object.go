package hdf5

import (
	"errors"
	"fmt"
	"strings"
)

// Kind is the kind of an HDF5 object.
type Kind int

// Object kinds.
const (
	KindGroup    Kind = 1
	KindDataset  Kind = 2
	KindDatatype Kind = 3 // a committed (named) datatype
)

func (k Kind) String() string {
	switch k {
	case KindGroup:
		return "group"
	case KindDataset:
		return "dataset"
	case KindDatatype:
		return "datatype"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Object is a group, dataset or committed datatype.
type Object interface {
	// Path is the path the object was opened by, "/" for the root group.
	Path() string
	Kind() Kind
	// Address is the file address of the object header; two paths name
	// the same object (hard links) when their addresses are equal.
	Address() uint64
	// Attrs returns the object's attributes, ordered by name, or by
	// creation order when the object tracks it (as h5py lists them).
	Attrs() ([]*Attribute, error)
	// Attr returns the attribute called name; a missing attribute is an
	// error wrapping ErrNotFound.
	Attr(name string) (*Attribute, error)
}

// object is what groups, datasets and datatypes share.
type object struct {
	f    *File
	path string
	addr uint64
	oh   *objectHeader
}

func (o *object) Path() string    { return o.path }
func (o *object) Address() uint64 { return o.addr }

func (o *object) Attrs() ([]*Attribute, error) {
	oh := o.oh
	oh.mu.Lock()
	if !oh.attrsDone {
		oh.attrs, oh.attrsErr = o.f.attributes(oh, o.path)
		oh.attrsDone = true
	}
	a, err := append([]*Attribute(nil), oh.attrs...), oh.attrsErr
	oh.mu.Unlock()
	if err != nil {
		return nil, wrap(o.path, "attributes", err)
	}
	return a, nil
}

func (o *object) Attr(name string) (*Attribute, error) {
	all, err := o.Attrs()
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.Name == name {
			return a, nil
		}
	}
	return nil, &Error{Path: o.path, Op: fmt.Sprintf("attribute %q", name), Err: ErrNotFound}
}

// Group is an HDF5 group: a set of named links to other objects.
type Group struct{ object }

// Kind returns KindGroup.
func (g *Group) Kind() Kind { return KindGroup }

// NamedDatatype is a committed (named) datatype object.
type NamedDatatype struct {
	object
	Type *Datatype
}

// Kind returns KindDatatype.
func (t *NamedDatatype) Kind() Kind { return KindDatatype }

// LinkType says how a link names its target.
type LinkType int

// Link types.
const (
	HardLink     LinkType = 0
	SoftLink     LinkType = 1
	ExternalLink LinkType = 64
)

func (t LinkType) String() string {
	switch t {
	case HardLink:
		return "hard link"
	case SoftLink:
		return "soft link"
	case ExternalLink:
		return "external link"
	}
	return fmt.Sprintf("user-defined link %d", int(t))
}

// Link is a named entry of a group.
type Link struct {
	Name string
	Type LinkType
	// Address is a hard link's object header address.
	Address uint64
	// Target is a soft link's path, or an external link's path inside
	// File.
	Target string
	File   string

	order    int64
	hasOrder bool
}

// Root returns the root group.
func (f *File) Root() (*Group, error) {
	o, err := f.open("/", f.rootAddr)
	if err != nil {
		return nil, err
	}
	g, ok := o.(*Group)
	if !ok {
		return nil, &Error{Path: "/", Err: formatError("the root object is a %v", o.Kind())}
	}
	return g, nil
}

// open returns the object whose header is at addr, named p.
func (f *File) open(p string, addr uint64) (Object, error) {
	oh, err := f.header(addr)
	if err != nil {
		return nil, wrap(p, "", err)
	}
	base := object{f: f, path: p, addr: addr, oh: oh}
	_, hasSpace := oh.find(msgDataspace)
	_, hasLayout := oh.find(msgLayout)
	dt, hasType := oh.find(msgDatatype)
	switch {
	case hasSpace || hasLayout:
		ds, err := f.openDataset(base)
		if err != nil {
			return nil, wrap(p, "dataset", err)
		}
		return ds, nil
	case hasType:
		body, err := f.messageData(dt, 0)
		if err != nil {
			return nil, wrap(p, "datatype", err)
		}
		t, err := f.parseDatatype(body)
		if err != nil {
			return nil, wrap(p, "datatype", err)
		}
		return &NamedDatatype{object: base, Type: t}, nil
	}
	return &Group{object: base}, nil
}

// Object returns the object at path p (absolute, or relative to the root),
// following soft links.
func (f *File) Object(p string) (Object, error) {
	root, err := f.Root()
	if err != nil {
		return nil, err
	}
	return root.Object(p)
}

// Group returns the group at path p.
func (f *File) Group(p string) (*Group, error) {
	o, err := f.Object(p)
	return objectAs[*Group](o, err, "group")
}

// Dataset returns the dataset at path p.
func (f *File) Dataset(p string) (*Dataset, error) {
	o, err := f.Object(p)
	return objectAs[*Dataset](o, err, "dataset")
}

// objectAs returns o as a T, or an error naming o's path and kind when it
// is another kind of object (want names the kind asked for).
func objectAs[T Object](o Object, err error, want string) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	t, ok := o.(T)
	if !ok {
		return zero, &Error{Path: o.Path(), Err: fmt.Errorf("%w: a %v, not a %s", ErrType, o.Kind(), want)}
	}
	return t, nil
}

// maxLinkHops bounds the soft links followed while resolving one path.
const maxLinkHops = 64

// Object returns the object at path p relative to g ("/"-separated; an
// absolute path starts at the root), following soft links.
func (g *Group) Object(p string) (Object, error) {
	hops := 0
	return g.f.resolve(g, p, &hops)
}

// Group returns the group at path p relative to g.
func (g *Group) Group(p string) (*Group, error) {
	o, err := g.Object(p)
	return objectAs[*Group](o, err, "group")
}

// Dataset returns the dataset at path p relative to g.
func (g *Group) Dataset(p string) (*Dataset, error) {
	o, err := g.Object(p)
	return objectAs[*Dataset](o, err, "dataset")
}

func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

func (f *File) resolve(start *Group, p string, hops *int) (Object, error) {
	cur := Object(start)
	if strings.HasPrefix(p, "/") {
		root, err := f.Root()
		if err != nil {
			return nil, err
		}
		cur = root
	}
	for _, name := range strings.Split(p, "/") {
		if name == "" || name == "." {
			continue
		}
		g, ok := cur.(*Group)
		if !ok {
			return nil, &Error{Path: cur.Path(), Op: fmt.Sprintf("member %q", name), Err: fmt.Errorf("%w: a %v has no members", ErrNotFound, cur.Kind())}
		}
		l, err := g.link(name)
		if err != nil {
			return nil, err
		}
		next := joinPath(g.path, name)
		switch l.Type {
		case HardLink:
			o, err := f.open(next, l.Address)
			if err != nil {
				return nil, err
			}
			cur = o
		case SoftLink:
			if *hops++; *hops > maxLinkHops {
				return nil, &Error{Path: next, Op: "soft link", Err: formatError("more than %d soft links (a cycle?)", maxLinkHops)}
			}
			o, err := f.resolve(g, l.Target, hops)
			if err != nil {
				return nil, wrap(next, "soft link to "+l.Target, err)
			}
			cur = withPath(o, next)
		case ExternalLink:
			return nil, &Error{Path: next, Op: "external link", Err: unsupported("link to %s in file %s", l.Target, l.File)}
		default:
			return nil, &Error{Path: next, Op: "link", Err: unsupported("%v", l.Type)}
		}
	}
	return cur, nil
}

// withPath returns o renamed to p (an object reached through a soft link
// keeps the path it was asked for, as h5py does).
func withPath(o Object, p string) Object {
	switch v := o.(type) {
	case *Group:
		c := *v
		c.path = p
		return &c
	case *Dataset:
		c := *v
		c.path = p
		return &c
	case *NamedDatatype:
		c := *v
		c.path = p
		return &c
	}
	return o
}

// link returns the link called name.
func (g *Group) link(name string) (Link, error) {
	links, err := g.Links()
	if err != nil {
		return Link{}, err
	}
	for _, l := range links {
		if l.Name == name {
			return l, nil
		}
	}
	return Link{}, &Error{Path: joinPath(g.path, name), Err: ErrNotFound}
}

// Names returns the names of g's members in the order Links gives.
func (g *Group) Names() ([]string, error) {
	links, err := g.Links()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(links))
	for i, l := range links {
		names[i] = l.Name
	}
	return names, nil
}

// Entry is one link visited by Walk.
type Entry struct {
	// Path is the entry's full path.
	Path string
	// Link is the link that names the entry in its parent group (for the
	// root, a hard link called "/").
	Link Link
	// Object is the linked object; nil for soft and external links.
	Object Object
	// Repeat is true when Object was already visited under another path
	// (a second hard link); Walk does not descend into it again.
	Repeat bool
}

// ErrSkipDir may be returned by a Walk callback on a group to skip its
// members.
var ErrSkipDir = errors.New("skip this group")

// Walk calls fn for the root group and then for every link below it,
// depth first, members in Links order. Soft and external links are
// reported but not followed; an object reachable by several hard links is
// descended into once. An error from fn (other than ErrSkipDir) stops the
// walk and is returned.
func (f *File) Walk(fn func(e Entry) error) error {
	root, err := f.Root()
	if err != nil {
		return err
	}
	seen := map[uint64]bool{root.addr: true}
	var walk func(g *Group) error
	walk = func(g *Group) error {
		links, err := g.Links()
		if err != nil {
			return err
		}
		for _, l := range links {
			e := Entry{Path: joinPath(g.path, l.Name), Link: l}
			if l.Type == HardLink {
				o, err := f.open(e.Path, l.Address)
				if err != nil {
					return err
				}
				e.Object = o
				e.Repeat = seen[l.Address]
				seen[l.Address] = true
			}
			err := fn(e)
			if err == ErrSkipDir {
				continue
			}
			if err != nil {
				return err
			}
			if sub, ok := e.Object.(*Group); ok && !e.Repeat {
				if err := walk(sub); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err = fn(Entry{Path: "/", Link: Link{Name: "/", Address: root.addr}, Object: root})
	if err == ErrSkipDir {
		return nil
	}
	if err != nil {
		return err
	}
	return walk(root)
}

// Dereference returns the object an object reference points to. Its path
// is found by a walk from the root (the first path in Walk order); an
// object that no path reaches is an error.
func (f *File) Dereference(r Reference) (Object, error) {
	if r.IsNull() {
		return nil, &Error{Op: "dereference", Err: fmt.Errorf("%w: null reference", ErrNotFound)}
	}
	var found Object
	stop := errors.New("found")
	err := f.Walk(func(e Entry) error {
		if e.Object != nil && e.Object.Address() == uint64(r) {
			found = e.Object
			return stop
		}
		return nil
	})
	if err != nil && err != stop {
		return nil, err
	}
	if found == nil {
		return nil, &Error{Op: fmt.Sprintf("dereference address %d", uint64(r)), Err: ErrNotFound}
	}
	return found, nil
}
