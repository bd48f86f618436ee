#include "agents/confusion.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace saccade {

Confusion::Confusion(std::size_t slots, std::size_t classes)
    : slots_(slots), classes_(classes), counts_(slots * classes * classes, 0) {
  if (slots == 0 || classes == 0) throw std::invalid_argument("Confusion: slots and classes must be positive");
}

void Confusion::add(const std::vector<int>& labels, const std::vector<int>& predicted) {
  if (labels.size() != predicted.size() || labels.size() % slots_ != 0)
    throw std::invalid_argument("Confusion::add: " + std::to_string(labels.size()) + " labels, " +
                                std::to_string(predicted.size()) + " answers, " + std::to_string(slots_) + " slots");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto t = static_cast<std::size_t>(labels[i]), p = static_cast<std::size_t>(predicted[i]);
    if (labels[i] < 0 || predicted[i] < 0 || t >= classes_ || p >= classes_)
      throw std::invalid_argument("Confusion::add: class out of range at " + std::to_string(i));
    ++counts_[((i % slots_) * classes_ + t) * classes_ + p];
  }
}

void Confusion::add(const Confusion& other) {
  if (empty()) {
    *this = other;
    return;
  }
  if (other.slots_ != slots_ || other.classes_ != classes_)
    throw std::invalid_argument("Confusion::add: tallies of different shapes");
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
}

std::size_t Confusion::count(std::size_t slot, std::size_t truth, std::size_t predicted) const {
  return counts_[(slot * classes_ + truth) * classes_ + predicted];
}

std::size_t Confusion::total() const {
  std::size_t n = 0;
  for (std::size_t c : counts_) n += c;
  return n;
}

std::string Confusion::class_name(std::size_t slot, std::size_t value) const {
  return slots_ > 1 ? std::to_string(slot) + "/" + std::to_string(value) : std::to_string(value);
}

std::vector<ClassScore> class_scores(const Confusion& c) {
  std::vector<ClassScore> out;
  for (std::size_t s = 0; s < c.slots(); ++s) {
    for (std::size_t k = 0; k < c.classes(); ++k) {
      ClassScore score{.slot = s, .value = k};
      for (std::size_t j = 0; j < c.classes(); ++j) {
        score.support += c.count(s, k, j);
        score.predicted += c.count(s, j, k);
      }
      const double hits = static_cast<double>(c.count(s, k, k));
      if (score.predicted > 0) score.precision = hits / static_cast<double>(score.predicted);
      if (score.support > 0) score.recall = hits / static_cast<double>(score.support);
      if (score.precision + score.recall > 0)
        score.f1 = 2 * score.precision * score.recall / (score.precision + score.recall);
      out.push_back(score);
    }
  }
  return out;
}

double macro_f1(const std::vector<ClassScore>& scores) {
  double sum = 0;
  std::size_t n = 0;
  for (const ClassScore& s : scores) {
    if (s.support == 0 && s.predicted == 0) continue;
    sum += s.f1;
    ++n;
  }
  return n ? sum / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace saccade
