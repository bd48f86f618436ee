// A reader of dialogue turns that fills several slots by pointing at the values the turns it read
// mention: an attention-sum reader (Kadlec et al. 2016) over turns, with bAbI-style match-type features
// (Bordes et al. 2017) telling which tokens are slot values and of which slot.
//
//   content  = one turn: [speaker (0 user, 1 bot), L token ids (0 = <pad>, 1 = <unk>), L value codes]
//              code 0: no slot value; 1 + g: the global candidate g in [0, G), slot s owning
//              [offset_s, offset_s + slot_values[s]) (offset_s the prefix sum)
//   x_l      = E[id_l] + K[kind_l] + Q[l]          kind_l = 0 (no value) or 1 + slot of g
//   c        = attention pooling of {x_l : id_l != pad} with a learned query
//   h        = c + Sp[speaker] + P[region]
//   m[g]     = 1 if some token of the turn has code 1 + g (a constant)
//   encode   = [h, m]                               [n, D + G]
//   memory   = the set of [h_t, m_t] read so far    [B, T, D + G], masked where an example read nothing
//   summary  = attention pooling of {h_t} with a learned query                         [B, D]
//   score    = q_s . (h_t W_k) / sqrt(D)            q_s: a learned query per slot
//   alpha    = softmax over t of score, over the turns read that mention a value of slot s
//   P[s, g]  = sum_t alpha[s, t] m_t[g]             the attention-sum pointer
//   logits   = log(P[s, offset_s + v] + eps) for v < slot_values[s], then -30 up to Vmax   [B*S, Vmax]
//
// Pointing is what lets it answer with a value it never saw in training: an out-of-vocabulary value
// arrives as <unk> with its code, and P[s, g] does not depend on which token carried g. A turn enters
// slot s's softmax only if it mentions a value of slot s, so whatever the parameters, a value mentioned by
// the one such turn gets all of P; with no such turn, alpha is all zero and slot s predicts uniformly
// (the eps). A pad-only turn pools to the turn pooling's output bias (attention/pooling.hpp): finite,
// and no gradient reaches E, K or Q through it.
//
// Parameters, in order: token, kind, token_position, turn_pool, speaker, position, summary_pool,
// slot_query, slot_key.
#pragma once

#include <cstddef>
#include <vector>

#include "attention/pooling.hpp"
#include "attention/reader.hpp"
#include "core/layers.hpp"

namespace saccade {

struct TurnReaderOptions {
  std::size_t vocab_size = 0;     // token ids in [0, vocab_size); 0 is <pad>, 1 is <unk>
  std::size_t turn_tokens = 24;   // token slots per turn (L)
  std::size_t regions = 30;       // turns per dialogue (R), for the turn position embedding
  std::size_t dim = 64;           // D
  std::size_t heads = 4;          // in both poolings
  std::vector<std::size_t> slot_values;  // S slots; slot s has slot_values[s] candidate values. G = sum.
};

class TurnReader : public Reader {
 public:
  // eps of the log: a value no read turn mentions keeps a finite logit, log(eps) ~ -9.2.
  static constexpr float kEps = 1e-4f;
  // The logit of a column past a slot's own values (a constant, no gradient): softmax gives it ~1e-9.
  static constexpr float kPadLogit = -30.0f;

  TurnReader(const TurnReaderOptions& options, Rng& rng);

  Memory init(std::size_t batch) const override;
  // content [n, 1 + 2L], region [n] -> [n, D + G]. Throws, naming the turn and token, on a speaker not 0
  // or 1, an id not an integer in [0, vocab_size), a code not an integer in [0, G], or a code on <pad>.
  Var encode(const RegionBatch& regions) const override;
  // Appends [h, m] (and the summary pooling's key and value projections of h) for the examples in rows.
  Memory update(const Memory& memory, const Var& embedding, const std::vector<int>& rows) const override;
  // All the steps' turns encoded in one call (as SetReader::read_steps).
  Memory read_steps(const Memory& memory, const std::vector<StepRead>& steps) const override;
  Var summary(const Memory& memory) const override;  // [B, D]
  Var predict(const Memory& memory) const override;  // [B * S, Vmax], row b * S + s
  // What its answer attends to: alpha [B, S, T] averaged over the slots that point at some turn read
  // (a slot none of whose values the turns read mention has no weights to give). A read turn that
  // mentions no value gets 0; an example whose turns mention none attends to nothing: all 0. (The
  // summary pooling is what the policy conditions on, detached: the loss never trains it.)
  Array attention_weights(const Memory& memory) const override;
  std::size_t summary_size() const override { return opt_.dim; }

  // Multiply-adds x 2 (L = turn_tokens, D = dim, S slots, G candidates, T turns read):
  //   encode:  turn pooling: k, v projections      2 L D^2
  //                          query, out projections 2 D^2   (per turn, as ChunkReader counts them)
  //                          scores, weighted sum   2 L D
  //            summary pooling: k, v of h          2 D^2   (made in update, once per item, as SetReader)
  //   update:  0
  //   predict: slot queries through W_k            S D^2
  //            scores                              S T D
  //            pointer sum alpha m                 S T G
  // Lookups, adds, softmaxes and logs are O(L D) or O(S G) elementwise work and not counted. summary()
  // is not part of predict; a sequential policy that reads it pays 2 (2 D^2 + 2 T D) per decision.
  double flops_encode() const override;
  double flops_update(std::size_t) const override { return 0.0; }
  double flops_predict(std::size_t items) const override;

  const TurnReaderOptions& options() const { return opt_; }
  std::size_t slots() const { return opt_.slot_values.size(); }
  std::size_t candidates() const { return offsets_.back(); }  // G
  std::size_t max_values() const { return max_values_; }      // Vmax
  std::size_t offset(std::size_t slot) const { return offsets_[slot]; }
  // The slot of global candidate g.
  std::size_t slot_of(std::size_t g) const;

  const AttentionPooling& turn_pooling() const { return turn_pool_; }
  const AttentionPooling& summary_pooling() const { return summary_pool_; }
  const Var& slot_query() const { return slot_query_; }  // [S, D]
  const Linear& slot_key() const { return slot_key_; }   // W_k [D, D], no bias (softmax over t drops it)
  // alpha [B, S, T] of the last predict (values, off the tape), for traces: which turn each slot read.
  const Array& last_slot_weights() const { return last_alpha_; }

 private:
  // The embeddings of steps' turns (rows[s] the examples of step s, in order) added to the set.
  Memory append(const Memory& memory, const Var& embedding, const std::vector<std::vector<int>>& rows) const;
  TurnReaderOptions opt_;
  std::vector<std::size_t> offsets_;  // S + 1 prefix sums of slot_values
  std::vector<int> slot_of_;          // [G]
  std::size_t max_values_ = 0;
  Embedding token_, kind_, token_position_;
  AttentionPooling turn_pool_;
  Embedding speaker_, position_;
  AttentionPooling summary_pool_;
  Var slot_query_;
  Linear slot_key_;
  mutable Array last_alpha_;  // the one piece of mutable state: do not share across threads
};

}  // namespace saccade
