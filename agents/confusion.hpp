// Which class a reader answered against the true one, tallied over scored examples, and what follows
// from it: each class's precision, recall and F1, and their macro mean (what accuracy hides when the
// labels are imbalanced: a text task's majority class is 31% of it).
//
// An example of a multi-slot env (a dialogue's API call, EnvSpec::num_slots) answers once per slot, and
// each slot is its own classification: slot 0's value 3 and slot 1's value 3 are different classes. So
// the tally is per slot, a class is a (slot, value) pair, and it is named "SLOT/VALUE" ("2/5"); in a
// one-slot env just "VALUE". Every (example, slot) answer is one count: the confusion's diagonal over
// its total is the per-slot accuracy, which is the example accuracy (every slot right) only for one
// slot.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace saccade {

class Confusion {
 public:
  Confusion() = default;
  Confusion(std::size_t slots, std::size_t classes);

  // labels and predicted: [examples * slots], example-major (Episode::labels' layout).
  void add(const std::vector<int>& labels, const std::vector<int>& predicted);
  void add(const Confusion& other);  // the same shape, or this one empty

  std::size_t slots() const { return slots_; }
  std::size_t classes() const { return classes_; }
  std::size_t count(std::size_t slot, std::size_t truth, std::size_t predicted) const;
  std::size_t total() const;
  bool empty() const { return classes_ == 0; }
  std::string class_name(std::size_t slot, std::size_t value) const;  // "VALUE", or "SLOT/VALUE"

 private:
  std::size_t slots_ = 0, classes_ = 0;
  std::vector<std::size_t> counts_;  // [slot][truth][predicted]
};

// One class's scores, as scikit-learn's precision_recall_fscore_support(zero_division=0): a class
// never predicted has precision 0, one with no true example recall 0, and F1 is 0 when both are.
struct ClassScore {
  std::size_t slot = 0, value = 0;
  double precision = 0, recall = 0, f1 = 0;
  std::size_t support = 0;    // true examples of the class
  std::size_t predicted = 0;  // answers naming it
};

// Every (slot, value) class of the tally, slot-major, those with no example and no answer included.
std::vector<ClassScore> class_scores(const Confusion& c);

// The mean F1 over the classes that occur among the true labels or the answers (support or predicted
// > 0), as scikit-learn's f1_score(y_true, y_pred, average="macro") with its default labels (the
// union of both): a class of the task that the scored split never shows and no answer names does not
// pull the mean down. NaN for an empty tally.
double macro_f1(const std::vector<ClassScore>& scores);

}  // namespace saccade
