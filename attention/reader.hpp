// The reader interface: the supervised attention model that reads what a policy chose.
//
//   encode(regions) -> embeddings      one row per region actually read (unread regions never are)
//   update(memory, embeddings, rows)   fold the new embeddings into those examples' memory
//   predict(memory) -> logits          the answer
//   summary(memory) -> [B, H]          what a sequential policy conditions on (it detaches it)
//   attention_weights(memory) -> [B, T]  the reader's own soft attention over what it read (traces)
//
// reader.dropout drops only in predict_dropped, the reader's training pass (its cross-entropy): every
// reader's predict passes the representation right before its output layer through drop(), which is
// the identity anywhere else (evaluation, summary, what the policy sees).
//
// Memory is either a recurrent state [B, H] (RAM) or a growing set of embeddings [B, T, D] with a
// mask (attention readers); a reader uses the part it needs.
#pragma once

#include <cstddef>
#include <vector>

#include "core/module.hpp"
#include "core/random.hpp"
#include "core/tensor.hpp"

namespace saccade {

// n regions read in one step, each from example rows[i] of the batch.
struct RegionBatch {
  Array content;            // [n, content_shape...]
  Array location;           // [n, 2] glimpse locations in [-1,1]^2 (continuous envs), else empty
  std::vector<int> region;  // [n] region indices (discrete envs), else empty
  // [n, 1] each region's straight-through weight (Decision::weight, agents/differentiable_top_k.hpp),
  // which Reader::embed multiplies into its embedding so the reader's loss reaches the policy;
  // undefined (every other policy, evaluation): the embedding as encoded.
  Var weight;
};

struct Memory {
  std::size_t batch = 0;
  Var state;   // [B, H] recurrent readers
  // Set readers, one entry per update, each [B, S, w] for the S steps it read (S = 1 step by step, all
  // of a one-shot plan's steps in read_steps; zeros, masked, for examples that read nothing then): the
  // pooling's key and value projections of each embedding, made once per item as it arrives, and the
  // embeddings themselves (items) where a reader reads them back (TurnReader). Kept per update and
  // stacked into [B, T, w] only when read (stacked()), so an episode of k steps copies its set once
  // rather than growing it by a copy at every step.
  std::vector<Var> items, keys, values;
  Array mask;  // [B, T], 1 where step t read a region
};

// The regions one step read and the examples that read them: row i of `regions` is example rows[i]'s.
struct StepRead {
  RegionBatch regions;
  std::vector<int> rows;
};

// Several steps' regions as one batch, step after step (attention/reader.cpp); their weights too, if
// any step has them (a step without reads as weight 1).
RegionBatch concat_steps(const std::vector<StepRead>& steps);
// Each step's rows, in order.
std::vector<std::vector<int>> rows_of(const std::vector<StepRead>& steps);

// A set memory's entries as one [B, T, w] (T >= 1).
Var stacked(const std::vector<Var>& entries);

// A set memory S steps on: the item, key and value rows ([n, w] each, any widths) are the S steps' rows
// one step after the other, rows[s] naming the examples of step s's; they become steps T .. T + S - 1
// of those examples, and the examples a step did not read get a zero entry, masked. An undefined item
// is not kept (a reader that never reads items back). (set_reader.cpp)
Memory append_steps(const Memory& memory, const Var& item, const Var& key, const Var& value,
                    const std::vector<std::vector<int>>& rows);

// The memory of a reader whose summary is the mean of the embeddings read (MlpReader, CnnReader,
// PreviewReader): state = their running sum [B, width], mask [B, 1] counts them (attention/reader.cpp).
Memory mean_memory_init(std::size_t batch, std::size_t width);
Memory mean_memory_add(const Memory& memory, const Var& embedding, const std::vector<int>& rows);
Var mean_memory_summary(const Memory& memory);

// Whether rows is exactly 0, 1, ..., batch-1: every example read, in order, so a reader can skip the
// gather and scatter of the compacted path.
inline bool all_rows_in_order(const std::vector<int>& rows, std::size_t batch) {
  if (rows.size() != batch) return false;
  for (std::size_t i = 0; i < batch; ++i)
    if (rows[i] != static_cast<int>(i)) return false;
  return true;
}

class Reader : public Module {
 public:
  virtual Memory init(std::size_t batch) const = 0;
  virtual Var encode(const RegionBatch& regions) const = 0;
  // What is folded into the memory: encode(regions), times regions.weight row by row when it is
  // defined (a policy trained through the reader; nothing to do, and nothing done, otherwise). The
  // episode and every read_steps call this, never encode directly.
  Var embed(const RegionBatch& regions) const;
  // Adds embedding row i to example rows[i]; examples not in rows keep their memory.
  virtual Memory update(const Memory& memory, const Var& embedding, const std::vector<int>& rows) const = 0;
  // Several steps' regions read at once, for a policy that never looks at the memory between steps
  // (fixed and one-shot policies, agents/episode.cpp): the memory that encode and update step by step
  // would give, which is what this default does. A set reader encodes them all in one call, so its
  // matrix products are a few large ones rather than a small set per step.
  virtual Memory read_steps(const Memory& memory, const std::vector<StepRead>& steps) const;
  virtual Var summary(const Memory& memory) const = 0;
  virtual Var predict(const Memory& memory) const = 0;
  // The reader's own soft attention over what it read, beside the policy's hard choices (traces, plots):
  // [B, T], T = memory.mask's columns, the weight its prediction gives each region read, summing to 1
  // over an example's read regions (memory.mask = 1) and 0 where it read nothing. Computed without a
  // gradient. A reader that pools nothing has none and returns an undefined Array (rank 0), as this
  // default does: RAM's recurrent core folds each glimpse into one state, and the mean readers (mlp,
  // cnn, preview) weigh everything alike. Set readers: their pooling's weights (set_reader.hpp);
  // TurnReader: its slot pointers' (turn_reader.hpp).
  virtual Array attention_weights(const Memory& memory) const;
  virtual std::size_t summary_size() const = 0;
  // Multiply-adds times two of one example: encoding one region, one update, one prediction.
  virtual double flops_encode() const = 0;
  virtual double flops_update(std::size_t items_so_far) const = 0;
  virtual double flops_predict(std::size_t items) const = 0;

  // reader.dropout: the probability in [0, 1) that drop() zeroes an entry in the training pass (0: never).
  void set_dropout(double p);
  double dropout() const { return dropout_; }
  // predict(memory) with inverted dropout on the representation before the output layer, masks drawn
  // from `masks`, for the reader's cross-entropy alone (agents/episode.cpp); with dropout() 0, predict.
  Var predict_dropped(const Memory& memory, Rng& masks) const;

 protected:
  // Each reader's predict calls this on its last representation: dropout inside predict_dropped,
  // the identity otherwise.
  Var drop(const Var& x) const;

 private:
  double dropout_ = 0.0;
  mutable Rng* masks_ = nullptr;  // set only while predict_dropped runs
};

}  // namespace saccade
