// Read, jump or stop (LSTM-Jump's reading, with the chunks' cheap previews to aim the jumps):
// after each chunk read (and once before the first) the policy picks the next chunk ahead of the
// one it last read, at most `max_jump` ahead, or STOP. With `any_order` it may pick any chunk not
// read yet, behind as well as ahead (a sequential selection: a passage found in its middle can still
// be read from its start).
//
//   s_r    = v^T relu(W f_r + b) + (h U)_r + j_{r-p}
//                                               f_r: chunk r's preview row, h: the reader's summary
//                                               (detached), p: the chunk read last, j: a learned bias
//                                               per jump length (e.g. "read on" once a passage is
//                                               found; with any_order per signed offset), for every
//                                               chunk r allowed: ahead within max_jump, or unread
//   s_stop = h w_s + b_s                        from step `min_steps` on, if `stop`
//   a ~ Categorical(softmax(s over the allowed choices))
//
// Reading only forward keeps the order of the text, and a chunk is never read twice. An example with
// no chunk left to read stops (a forced choice: log-probability 0). Greedy (evaluation) takes the best
// chunk, but STOP stays one sample of its probability unless `greedy_stop`, as for glimpses: the
// budget a cost or Lagrange multiplier held in training is that of the sampled STOP.
#pragma once

#include <vector>

#include "agents/policy.hpp"
#include "core/layers.hpp"

namespace saccade {

struct JumpReadingOptions {
  std::size_t input = 128;        // the reader's summary size
  std::size_t regions = 16;       // chunks per document
  std::size_t preview_size = 32;  // features per chunk preview
  std::size_t bag_slots = 0;      // > 0: each preview row is a bag of this many (feature, weight) pairs
                                  // over preview_size features, [R, 2 * bag_slots] (BagRows)
  std::size_t max_jump = 0;       // 0: anywhere ahead (forward order only)
  bool any_order = false;         // any unread chunk, not only those ahead
  std::size_t hidden = 32;
  bool stop = false;
  std::size_t min_steps = 1;
  bool greedy_stop = false;
};

class JumpReadingPolicy : public Policy {
 public:
  JumpReadingPolicy(const JumpReadingOptions& options, Rng& rng);
  std::string name() const override { return "adaptive"; }
  bool learned() const override { return true; }
  bool needs_summary() const override { return true; }
  // The previews are fixed for the episode: their scores are computed once, here.
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  // d.from records where each example stood, which log_prob() needs with d.action.
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  Scored log_prob(const PolicyContext& ctx, const Decision& d) const override;
  Decision decision_from(const PolicyContext& ctx, const std::vector<Action>& taken) const override;
  double flops_per_episode(std::size_t decisions) const override;

 private:
  // The row of jump_bias_ for a move from chunk `from` (-1: none read yet) to chunk `to`.
  std::size_t jump_row(int from, std::size_t to) const;
  Var local_scores(const Observation& obs) const;  // [B, R] from the previews
  // The logits [B, R + 1] over the chunks and STOP (column R), -1e9 where `masked` [B, R + 1] is 1
  // (not allowed), for examples standing at `from`: act() samples from them, log_prob() re-scores.
  struct Choices {
    Var logits;
    Array masked;
  };
  Choices choices(const PolicyContext& ctx, const Var& h, const std::vector<int>& from, const Var& local_scores) const;

  JumpReadingOptions opt_;
  Linear local_, local_score_, state_score_, stop_;
  Var jump_bias_;              // [R, 1]: row d-1 for a jump of d chunks; any_order: [2R+1, 1], row d+R
  Var local_scores_;           // [B, R] of the current episode
  std::vector<int> position_;  // [B] the chunk read last, -1 before the first
};

}  // namespace saccade
