// The `slot_recent` fixed turn policy (agents/fixed/slot_recent.cpp), built by name from its table row,
// on hand-built dialogue previews whose right plan is worked out by hand: each slot's last mentioning
// turn (a bot turn's mention counts too), a turn shared by several slots read once with the budget left
// going to the last user turns, more slots than budget (slots served in the order cuisine, location,
// party size, price), a short dialogue (fewer turns than regions, junk previews on the turns it does not
// have), two examples in one batch, and previews without slot features refused.
#define BOOST_TEST_MODULE slot_recent
#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include <xtensor/xbuilder.hpp>

#include "experiments/tables/choose.hpp"

using namespace saccade;

namespace {

using V = std::vector<int>;
constexpr std::size_t R = 10, P = 9;  // 3 fixed features, 4 slots, 2 hashed-word buckets (ignored)
enum Slot { cuisine = 0, location = 1, price = 2, people = 3 };

// A turn of the hand-built dialogues: its region, speaker and the slots it mentions.
struct Turn {
  int region;
  bool user;
  std::vector<Slot> mentions;
};

// B dialogues' previews [B, R, P] as envs/dialogue/turns.hpp lays them out; regions not listed are
// zero, as the dialogue env leaves the turns a short dialogue does not have. Every turn gets a word
// bucket so that a rule summing the row would not tell mentions from words.
Array previews(const std::vector<std::vector<Turn>>& dialogues) {
  Array p = xt::zeros<float>({dialogues.size(), R, P});
  for (std::size_t b = 0; b < dialogues.size(); ++b) {
    for (const Turn& t : dialogues[b]) {
      const auto r = static_cast<std::size_t>(t.region);
      p(b, r, 0) = t.user ? 1.0f : 0.0f;
      p(b, r, 1) = static_cast<float>(r) / static_cast<float>(R - 1);
      p(b, r, 2) = 0.5f;
      for (Slot s : t.mentions) p(b, r, 3 + static_cast<std::size_t>(s)) = 1.0f;
      p(b, r, 7) = 0.25f;
    }
  }
  return p;
}

// The plans slot_recent makes at `budget`; `first[b]` is example b's first region (a right-aligned
// short dialogue: the regions before it are flagged read at reset, as the dialogue env does).
std::vector<V> plans(const Array& preview, std::size_t budget, const std::vector<std::size_t>& first = {}) {
  const std::size_t B = preview.shape()[0];
  EnvSpec spec;
  spec.num_regions = R;
  spec.num_slots = 4;
  spec.preview_kind = PreviewKind::per_region;
  Observation obs;
  obs.preview = preview;
  obs.steps_left.assign(B, static_cast<int>(budget));
  obs.read.assign(B * R, 0);
  for (std::size_t b = 0; b < first.size(); ++b)
    for (std::size_t r = 0; r < first[b]; ++r) obs.read[b * R + r] = 1;
  std::unique_ptr<Policy> policy = make_fixed_policy("slot_recent", "slot_recent", spec, budget);
  Rng rng(1);
  const Var summary;
  std::vector<V> out(B);
  for (std::size_t step = 0; step < R; ++step) {
    const PolicyContext ctx{spec, obs, summary, step};
    if (step == 0) policy->begin(ctx, rng, true);
    const Decision d = policy->act(ctx, rng, true);
    BOOST_TEST(!d.log_prob.defined());
    for (std::size_t b = 0; b < B; ++b)
      if (d.action.region[b] >= 0) out[b].push_back(d.action.region[b]);
  }
  return out;
}

V plan1(const std::vector<Turn>& dialogue, std::size_t budget) { return plans(previews({dialogue}), budget)[0]; }

// A booking of 10 turns (user on even regions): the opening request states cuisine and location (2),
// the user answers price (4) and people (6), the bot repeats the location back (7), the user changes
// the cuisine (8). Last mentions: cuisine 8, location 7 (the bot's), price 4, people 6.
const std::vector<Turn> kBooking = {
    {0, true, {}}, {1, false, {}}, {2, true, {cuisine, location}}, {3, false, {}}, {4, true, {price}},
    {5, false, {}}, {6, true, {people}}, {7, false, {location}}, {8, true, {cuisine}}, {9, false, {}}};

}  // namespace

BOOST_AUTO_TEST_CASE(each_slots_last_mention_in_dialogue_order) {
  BOOST_TEST(plan1(kBooking, 4) == (V{4, 6, 7, 8}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_shared_turn_is_read_once_and_the_rest_goes_to_the_last_user_turns) {
  // The opening request (2) is the last mention of every slot: read once; the 3 reads left go to the
  // most recent user turns (8, 6, 4), not to the bot's (9) nor to earlier user turns (0).
  const std::vector<Turn> d = {{0, true, {}}, {1, false, {}}, {2, true, {cuisine, location, price, people}},
                               {3, false, {}}, {4, true, {}}, {5, false, {}}, {6, true, {}}, {7, false, {}},
                               {8, true, {}}, {9, false, {}}};
  BOOST_TEST(plan1(d, 4) == (V{2, 4, 6, 8}), boost::test_tools::per_element());
  // kBooking without the bot repeating the location: the request (2) is the location's last mention,
  // turns 2, 4, 6, 8 cover the four slots, and a fifth read goes to the one user turn left (0).
  std::vector<Turn> plain = kBooking;
  plain[7].mentions.clear();
  BOOST_TEST(plan1(plain, 5) == (V{0, 2, 4, 6, 8}), boost::test_tools::per_element());
  // The shared request and a change: cuisine's last mention is 8, the others' 2; leftover to 6, 4.
  std::vector<Turn> changed = d;
  changed[8].mentions = {cuisine};
  BOOST_TEST(plan1(changed, 4) == (V{2, 4, 6, 8}), boost::test_tools::per_element());
  BOOST_TEST(plan1(changed, 2) == (V{2, 8}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(more_slots_than_budget_serves_cuisine_location_people_price) {
  // Last mentions: cuisine and location 2 (one turn for both), price 4, people 6. Budget 2: the
  // request for cuisine (location comes with it), then people's turn; price's is left.
  const std::vector<Turn> d = {{0, true, {}}, {1, false, {}}, {2, true, {cuisine, location}}, {3, false, {}},
                               {4, true, {price}}, {5, false, {}}, {6, true, {people}}, {7, false, {}}};
  BOOST_TEST(plan1(d, 2) == (V{2, 6}), boost::test_tools::per_element());
  BOOST_TEST(plan1(d, 3) == (V{2, 4, 6}), boost::test_tools::per_element());
  // Four one-slot turns, people's the oldest: the fixed order, not recency, decides what is left out.
  const std::vector<Turn> spread = {{1, true, {people}}, {3, true, {price}}, {5, true, {location}}, {7, true, {cuisine}}};
  BOOST_TEST(plan1(spread, 1) == (V{7}), boost::test_tools::per_element());
  BOOST_TEST(plan1(spread, 2) == (V{5, 7}), boost::test_tools::per_element());
  BOOST_TEST(plan1(spread, 3) == (V{1, 5, 7}), boost::test_tools::per_element());
  // The same slots in another order of turns: cuisine's the oldest, price's the newest.
  const std::vector<Turn> reversed = {{1, true, {cuisine}}, {3, true, {location}}, {5, true, {people}}, {7, true, {price}}};
  BOOST_TEST(plan1(reversed, 1) == (V{1}), boost::test_tools::per_element());
  BOOST_TEST(plan1(reversed, 3) == (V{1, 3, 5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_short_dialogue_plans_only_the_turns_it_has) {
  // Example 0 has 4 turns (regions 6..9): the request (6) states everything, 8 is a user filler. Its
  // regions 0..5 carry junk previews (user turns mentioning every slot) that the rule must not see.
  // Only two user turns exist, so 2 of the 4 reads are left unspent. Example 1, in the same batch,
  // is kBooking with all ten turns.
  std::vector<Turn> short_one = {{6, true, {cuisine, location, price, people}}, {7, false, {}}, {8, true, {}}, {9, false, {}}};
  for (int r = 0; r < 6; ++r) short_one.push_back({r, true, {cuisine, location, price, people}});
  const std::vector<V> p = plans(previews({short_one, kBooking}), 4, {6, 0});
  BOOST_TEST(p[0] == (V{6, 8}), boost::test_tools::per_element());
  BOOST_TEST(p[1] == (V{4, 6, 7, 8}), boost::test_tools::per_element());
  // No slot mentioned at all: the last user turns, as `last_user` would read them.
  const std::vector<Turn> none = {{4, true, {}}, {5, false, {}}, {6, true, {}}, {7, false, {}}, {8, true, {}}, {9, false, {}}};
  BOOST_TEST(plans(previews({none}), 2, {4})[0] == (V{6, 8}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(previews_without_slot_features_are_refused) {
  EnvSpec spec;
  spec.num_regions = R;
  spec.num_slots = 4;
  spec.preview_kind = PreviewKind::per_region;
  Observation obs;
  obs.preview = xt::zeros<float>({std::size_t{1}, R, std::size_t{5}});  // too narrow for 4 slots
  obs.steps_left.assign(1, 4);
  std::unique_ptr<Policy> policy = make_fixed_policy("slot_recent", "slot_recent", spec, 4);
  Rng rng(1);
  BOOST_CHECK_THROW(policy->begin(PolicyContext{spec, obs, Var(), 0}, rng, true), std::invalid_argument);
}
