package clds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// FormatVersion is the version written by Save. Load reads this version
// and rejects others with an error naming both.
const FormatVersion = 1

const formatName = "neuronb/clds"

type savedBasis struct {
	Kind        string    `json:"kind"` // "fourier", "constant" or "custom"
	Frequencies int       `json:"frequencies,omitempty"`
	Sigma       float64   `json:"sigma,omitempty"`
	Kappa       float64   `json:"kappa,omitempty"`
	Period      []float64 `json:"period,omitempty"`
	Sqrt2       bool      `json:"sqrt2,omitempty"`
	Name        string    `json:"name,omitempty"`
	L           int       `json:"l"`
	M           int       `json:"m"`
}

type savedModel struct {
	Format  string            `json:"format"`
	Version int               `json:"version"`
	Latent  int               `json:"latent"`
	N       int               `json:"n"`
	Kinds   map[string]string `json:"kinds"`
	Lambda  float64           `json:"lambda"`
	Basis   *savedBasis       `json:"basis,omitempty"`
	Weights Weights           `json:"weights"`
}

// Save writes m as versioned JSON. Fourier and Constant bases are stored
// by their settings; a custom basis (Func or another type) by its name and
// size only, so Load must be given it again.
func (m *Model) Save(w io.Writer) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if w == nil {
		return fmt.Errorf("clds: Save: w is nil")
	}
	c := m.Config
	s := savedModel{Format: formatName, Version: FormatVersion, Latent: c.Latent, N: m.N, Lambda: c.Lambda,
		Kinds:   map[string]string{"A": c.A.String(), "B": c.B.String(), "C": c.C.String(), "D": c.D.String(), "M0": c.M0.String()},
		Weights: m.Weights}
	switch b := c.Basis.(type) {
	case nil:
	case *Fourier:
		fs := b.Settings()
		s.Basis = &savedBasis{Kind: "fourier", Frequencies: fs.Frequencies, Sigma: fs.Sigma, Kappa: fs.Kappa, Period: fs.Period, Sqrt2: fs.Sqrt2}
	case Constant:
		s.Basis = &savedBasis{Kind: "constant"}
	case Func:
		s.Basis = &savedBasis{Kind: "custom", Name: b.Name}
	default:
		s.Basis = &savedBasis{Kind: "custom", Name: fmt.Sprintf("%T", b)}
	}
	if s.Basis != nil {
		s.Basis.L, s.Basis.M = c.Basis.Len(), c.Basis.Dim()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(&s)
}

// Load reads a model written by Save. custom supplies the basis when the
// model was saved with a custom one (it must have the saved size); it is
// ignored otherwise and may be nil.
func Load(r io.Reader, custom Basis) (*Model, error) {
	if r == nil {
		return nil, fmt.Errorf("clds: Load: r is nil")
	}
	var s savedModel
	dec := json.NewDecoder(io.LimitReader(r, 1<<30))
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("clds: Load: %w", err)
	}
	if s.Format != formatName {
		return nil, fmt.Errorf("clds: Load: format %q, want %q", s.Format, formatName)
	}
	if s.Version != FormatVersion {
		return nil, fmt.Errorf("clds: Load: format version %d, this package reads version %d", s.Version, FormatVersion)
	}
	kind := func(name string) (Kind, error) {
		switch s.Kinds[name] {
		case "static":
			return Static, nil
		case "gp":
			return GP, nil
		case "zero":
			return Zero, nil
		case "flat":
			return Flat, nil
		}
		return 0, fmt.Errorf("clds: Load: kinds.%s=%q, want static, gp, zero or flat", name, s.Kinds[name])
	}
	cfg := Config{Latent: s.Latent, Lambda: s.Lambda}
	var err error
	for _, f := range []struct {
		name string
		dst  *Kind
	}{{"A", &cfg.A}, {"B", &cfg.B}, {"C", &cfg.C}, {"D", &cfg.D}, {"M0", &cfg.M0}} {
		if *f.dst, err = kind(f.name); err != nil {
			return nil, err
		}
	}
	if b := s.Basis; b != nil {
		switch b.Kind {
		case "fourier":
			if cfg.Basis, err = NewFourier(FourierSettings{Frequencies: b.Frequencies, Sigma: b.Sigma, Kappa: b.Kappa, Period: b.Period, Sqrt2: b.Sqrt2}); err != nil {
				return nil, fmt.Errorf("clds: Load: basis: %w", err)
			}
		case "constant":
			cfg.Basis = Constant{M: b.M}
		case "custom":
			if custom == nil {
				return nil, fmt.Errorf("clds: Load: the model uses the custom basis %q (L=%d, M=%d); pass it to Load", b.Name, b.L, b.M)
			}
			cfg.Basis = custom
		default:
			return nil, fmt.Errorf("clds: Load: basis kind %q, want fourier, constant or custom", b.Kind)
		}
		if cfg.Basis.Len() != b.L || cfg.Basis.Dim() != b.M {
			return nil, fmt.Errorf("clds: Load: basis has L=%d, M=%d, the saved model L=%d, M=%d", cfg.Basis.Len(), cfg.Basis.Dim(), b.L, b.M)
		}
	}
	m := &Model{Config: cfg, N: s.N, Weights: s.Weights}
	if m.N < 1 {
		return nil, fmt.Errorf("clds: Load: n=%d, want >= 1", m.N)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("clds: Load: %w", err)
	}
	return m, nil
}

// MarshalJSON writes m in Save's format, so that a *Model can sit in any
// JSON document (a results file, a notebook's cache).
func (m *Model) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := m.Save(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UnmarshalJSON reads Save's format. A model saved with a custom basis
// cannot be read this way (its basis is code, not data): use Load with
// the basis.
func (m *Model) UnmarshalJSON(data []byte) error {
	got, err := Load(bytes.NewReader(data), nil)
	if err != nil {
		return err
	}
	*m = *got
	return nil
}
