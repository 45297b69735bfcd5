package synthetic

import "fmt"

// Trained is one shipped model's training: its seed and budget, the wall
// time from the start of its seed's run (the smaller budgets are snapshots
// of the run of the largest), the mean loss of its last 20 steps and its
// question answering.
type Trained struct {
	Seed      uint64  `json:"seed"`
	Budget    int     `json:"budget"`
	Seconds   float64 `json:"seconds"`
	FinalLoss float64 `json:"final_loss"`
	Ability   Ability `json:"ability"`
}

// Record is what the training command wrote beside the shipped models
// (models/record.json): the recipe, the source revision and every model's
// training.
type Record struct {
	Recipe   Recipe    `json:"recipe"`
	Revision string    `json:"revision"`
	Models   []Trained `json:"models"`
}

// CheckpointDir is the directory of the model of a seed and budget under
// models/: "seed-S/steps-B".
func CheckpointDir(seed uint64, budget int) string {
	return fmt.Sprintf("seed-%d/steps-%d", seed, budget)
}
