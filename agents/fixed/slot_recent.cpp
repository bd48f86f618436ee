// `slot_recent`, a fixed turn policy for dialogue: for each answer slot, the last turn whose preview
// says it mentions a value of that slot; budget left over goes to the most recent user turns. It is
// the rule a slot-filling system's bookkeeping suggests (the value stated last wins, a change
// overrides the request) and uses only the previews a learned policy sees: a turn's preview row
// (envs/dialogue/turns.hpp) has [0] 1 for a user turn and [3 + s] 1 if the turn mentions a value of
// slot s. Small talk that mentions a value ("i was in paris last summer") fools it: that is the trap
// the generated dialogues set for any rule that cannot read.
//
// The plan, over the turns the example has (a short dialogue has fewer than the env's regions):
//   1. each slot's last mentioning turn, slot after slot in the fixed order cuisine, location, party
//      size, price; a turn already planned for an earlier slot is not planned again (the opening
//      request often states several values), and the budget ends the list when the slots' turns
//      outnumber it. Why this order: a slot no read turn mentions is answered without evidence (the
//      turn reader's pointer has nothing to point at), and a guess among 3 price ranges or 4 party
//      sizes is right far more often than among 16 cuisines or locations, so the slots with the most
//      values are served first. Chosen on validation (dialogue_turns.yaml, budget 3: 51.9% of API
//      calls right, against 44.8% serving the most recent mentions first, with or without the turns
//      that are the last mention of most slots ahead of them, and 50.5% in the slots' index order
//      cuisine, location, price, party size); at budget 4 every slot's turn fits and the order does
//      not matter
//   2. the budget left goes to the most recent user turns not yet planned; once every user turn is
//      planned the rest is left unspent (as `last_user`: bot turns state no values)
// The plan is read in dialogue order. Its row is in experiments/tables/fixed_policies.cpp.
#include <algorithm>
#include <stdexcept>

#include "agents/fixed_policy.hpp"

namespace saccade {

namespace {

// Features of a dialogue preview row (envs/dialogue/turns.hpp); agents/ sees only the env interface.
constexpr std::size_t kUserFeature = 0, kFirstSlotFeature = 3;

// The order slots are served in: cuisine, location, party size, price (the previews' slot features
// are cuisine 0, location 1, price 2, people 3: envs/dialogue/dialogue.hpp); other slot counts (not
// the restaurant world) in index order.
std::vector<std::size_t> slot_order(std::size_t slots) {
  if (slots == 4) return {0, 1, 3, 2};
  std::vector<std::size_t> order(slots);
  for (std::size_t s = 0; s < slots; ++s) order[s] = s;
  return order;
}

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
  std::vector<int> plan;
  for (std::size_t s : slot_order(S)) {
    const int r = last[s];
    if (r >= 0 && plan.size() < in.k && std::find(plan.begin(), plan.end(), r) == plan.end()) plan.push_back(r);
  }
  for (auto it = in.has.rbegin(); it != in.has.rend() && plan.size() < in.k; ++it)
    if (flag(*it, kUserFeature) && std::find(plan.begin(), plan.end(), *it) == plan.end()) plan.push_back(*it);
  std::sort(plan.begin(), plan.end());
  return plan;
}

}  // namespace saccade
