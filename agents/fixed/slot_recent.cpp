// `slot_recent`, a fixed turn policy for dialogue: for each answer slot, the last turn whose preview
// says it mentions a value of that slot; budget left over goes to the most recent user turns. It is
// the rule a slot-filling system's bookkeeping suggests (the value stated last wins, a change
// overrides the request) and uses only the previews a learned policy sees: a turn's preview row
// (envs/dialogue/turns.hpp) has [0] 1 for a user turn and [3 + s] 1 if the turn mentions a value of
// slot s. Small talk that mentions a value ("i was in paris last summer") fools it: that is the trap
// the generated dialogues set for any rule that cannot read.
//
// The plan, over the turns the example has (a short dialogue has fewer than the env's regions):
//   1. each slot's last mentioning turn; a turn that is the last mention of several slots is read once
//   2. when those turns outnumber the budget, the turns that are the last mention of the most slots
//      come first, then, among turns covering as many slots, the most recent first. Why: an example
//      counts as right only when every slot is, so a read that covers two slots is worth more than
//      one that covers one; and recency, not the slots' fixed order (cuisine, location, price,
//      people), breaks ties, so no slot is the one given up on every example (a fixed order would
//      always drop people at budget 3) and the later of two mentions, the likelier final value, is
//      kept
//   3. the budget left goes to the most recent user turns not yet planned; once every user turn is
//      planned the rest of the budget is left unspent (as `last_user`: bot turns state no values)
// The plan is read in dialogue order. Its row is in experiments/tables/fixed_policies.cpp.
#include <algorithm>
#include <stdexcept>

#include "agents/fixed_policy.hpp"

namespace saccade {

namespace {

// Features of a dialogue preview row (envs/dialogue/turns.hpp); agents/ sees only the env interface.
constexpr std::size_t kUserFeature = 0, kFirstSlotFeature = 3;

}  // namespace

std::vector<int> slot_recent_turns(const RegionPlanInput& in) {
  const std::size_t B = in.obs.steps_left.size(), R = in.spec.num_regions, S = in.spec.num_slots;
  const std::size_t P = in.obs.preview.size() / std::max<std::size_t>(1, B * R);
  if (in.spec.preview_kind != PreviewKind::per_region || P < kFirstSlotFeature + S)
    throw std::invalid_argument("slot_recent: needs [R, P] previews whose features 3 .. 3 + slots flag the slots a turn mentions");
  const float* rows = in.obs.preview.data() + in.example * R * P;
  const auto flag = [&](int region, std::size_t feature) { return rows[static_cast<std::size_t>(region) * P + feature] > 0.5f; };

  std::vector<int> last(S, -1);  // each slot's last mentioning turn (has is in dialogue order)
  for (int r : in.has)
    for (std::size_t s = 0; s < S; ++s)
      if (flag(r, kFirstSlotFeature + s)) last[s] = r;
  std::vector<int> turns;  // distinct, with how many slots each is the last mention of
  std::vector<std::size_t> covers;
  for (int r : last) {
    if (r < 0) continue;
    const auto at = std::find(turns.begin(), turns.end(), r);
    if (at != turns.end()) {
      ++covers[static_cast<std::size_t>(at - turns.begin())];
    } else {
      turns.push_back(r);
      covers.push_back(1);
    }
  }
  std::vector<std::size_t> order(turns.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return covers[a] != covers[b] ? covers[a] > covers[b] : turns[a] > turns[b];
  });

  std::vector<int> plan;
  for (std::size_t i = 0; i < order.size() && plan.size() < in.k; ++i) plan.push_back(turns[order[i]]);
  for (auto it = in.has.rbegin(); it != in.has.rend() && plan.size() < in.k; ++it)
    if (flag(*it, kUserFeature) && std::find(plan.begin(), plan.end(), *it) == plan.end()) plan.push_back(*it);
  std::sort(plan.begin(), plan.end());
  return plan;
}

}  // namespace saccade
