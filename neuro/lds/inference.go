package lds

import "fmt"

// Filter validates m and tr and returns the Kalman filter's output.
func (m *Model) Filter(tr Trial) (*Filtered, error) {
	s, err := m.smootherFor([]Trial{tr})
	if err != nil {
		return nil, err
	}
	var f Filtered
	if err := s.filter(&tr, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// Smooth validates m and tr and returns the smoothed posterior moments.
func (m *Model) Smooth(tr Trial) (*Posterior, error) {
	s, err := m.smootherFor([]Trial{tr})
	if err != nil {
		return nil, err
	}
	var p Posterior
	if err := s.smooth(&tr, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// LogLik returns the marginal log-likelihood Σ_b log p(Y_b) of the trials
// (dynamax's marginal_log_prob), with the latent states integrated out,
// computed by the Kalman filter.
func (m *Model) LogLik(trials []Trial) (float64, error) {
	s, err := m.smootherFor(trials)
	if err != nil {
		return 0, err
	}
	var f Filtered
	var ll float64
	for i := range trials {
		if err := s.filter(&trials[i], &f); err != nil {
			return 0, fmt.Errorf("trials[%d]: %w", i, err)
		}
		ll += f.LogLik
	}
	return ll, nil
}

// LogLikPerBin returns LogLik divided by the number of observed bins
// (ObservedBins), the held-out score used to compare models across data
// sets of different sizes.
func (m *Model) LogLikPerBin(trials []Trial) (float64, error) {
	ll, err := m.LogLik(trials)
	if err != nil {
		return 0, err
	}
	bins := ObservedBins(trials)
	if bins == 0 {
		return 0, errorf("LogLikPerBin: trials have no observed bin")
	}
	return ll / float64(bins), nil
}

func (m *Model) smootherFor(trials []Trial) (*Smoother, error) {
	s, err := NewSmoother(m)
	if err != nil {
		return nil, err
	}
	if err := validateTrials(trials, s.d, s.n); err != nil {
		return nil, err
	}
	return s, nil
}
