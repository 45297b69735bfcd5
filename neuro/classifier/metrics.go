package classifier

import "fmt"

// checkLabels validates a pair of label vectors over classes 0 … classes−1.
func checkLabels(fn string, truth, pred []int, classes int) error {
	if len(truth) == 0 || len(truth) != len(pred) {
		return fmt.Errorf("classifier: %s: %d true and %d predicted labels, want the same number ≥ 1", fn, len(truth), len(pred))
	}
	if classes < 1 {
		return fmt.Errorf("classifier: %s: %d classes, want ≥ 1", fn, classes)
	}
	for i := range truth {
		if truth[i] < 0 || truth[i] >= classes {
			return fmt.Errorf("classifier: %s: truth[%d] = %d, want a class in [0, %d)", fn, i, truth[i], classes)
		}
		if pred[i] < 0 || pred[i] >= classes {
			return fmt.Errorf("classifier: %s: pred[%d] = %d, want a class in [0, %d)", fn, i, pred[i], classes)
		}
	}
	return nil
}

// Confusion returns the confusion matrix C[t][p], the number of rows of
// true class t predicted as class p.
func Confusion(truth, pred []int, classes int) ([][]int, error) {
	if err := checkLabels("Confusion", truth, pred, classes); err != nil {
		return nil, err
	}
	c := make([][]int, classes)
	for k := range c {
		c[k] = make([]int, classes)
	}
	for i := range truth {
		c[truth[i]][pred[i]]++
	}
	return c, nil
}

// MacroF1 returns the unweighted mean over classes of
// F1_k = 2·P_k·R_k/(P_k + R_k), with precision P_k = TP_k/(TP_k + FP_k) and
// recall R_k = TP_k/(TP_k + FN_k), over the classes that occur in truth or
// pred; a class whose F1 is undefined (0/0) counts 0. This is scikit-
// learn's f1_score(average="macro") with its default zero_division.
func MacroF1(truth, pred []int, classes int) (float64, error) {
	c, err := Confusion(truth, pred, classes)
	if err != nil {
		return 0, fmt.Errorf("classifier: MacroF1: %w", err)
	}
	var sum float64
	var n int
	for k := 0; k < classes; k++ {
		tp := c[k][k]
		var fn, fp int
		for j := 0; j < classes; j++ {
			if j != k {
				fn += c[k][j]
				fp += c[j][k]
			}
		}
		if tp+fn+fp == 0 {
			continue // the class occurs in neither
		}
		n++
		// F1 = 2TP/(2TP + FP + FN), 0 when TP = 0.
		sum += 2 * float64(tp) / float64(2*tp+fp+fn)
	}
	return sum / float64(n), nil
}

// BalancedAccuracy returns the mean over the classes that occur in truth
// of their recall TP_k/(TP_k + FN_k): scikit-learn's
// balanced_accuracy_score. Chance level is 1/(number of true classes)
// whatever the class proportions.
func BalancedAccuracy(truth, pred []int, classes int) (float64, error) {
	c, err := Confusion(truth, pred, classes)
	if err != nil {
		return 0, fmt.Errorf("classifier: BalancedAccuracy: %w", err)
	}
	var sum float64
	var n int
	for k := 0; k < classes; k++ {
		var total int
		for _, v := range c[k] {
			total += v
		}
		if total == 0 {
			continue
		}
		n++
		sum += float64(c[k][k]) / float64(total)
	}
	return sum / float64(n), nil
}
