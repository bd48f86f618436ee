// The bAbI dialog files (Bordes, Boureau & Weston 2017), tasks 1 and 2: dialog-babi-task1-API-calls-trn.txt,
// dialog-babi-task2-API-refine-tst-OOV.txt, ... Each line is `N user text<TAB>bot text`, N counting
// the dialogue's lines from 1; a blank line ends a dialogue. Lines without a tab are knowledge-base
// facts (`N resto_x R_cuisine italian`, tasks 3-5) and are skipped.
//
// Every line gives a user turn and a bot turn. `<SILENCE>` is the one token "<silence>" (as in the
// generator). A bot text `api_call <cuisine> <location> <people> <price>` (bAbI's order) is the API
// call: the dialogue's target is its last one, in our slot order (cuisine, location, price, people).
// It stays a bot turn too, tokens {"api_call", values...}: in task 2 an earlier call is history the
// user then refines. The LAST turn of a task 1-2 dialogue is therefore the answer itself: an env must
// cut the dialogue before its final api_call turn.
#pragma once

#include <string>
#include <vector>

#include "envs/dialogue/dialogue.hpp"
#include "envs/dialogue/generator.hpp"

namespace saccade {

// Every dialogue of the file, in order. Each api_call value must be a value of its slot in `kb`: bAbI's
// OOV test files use values outside restaurant_kb(), so pass a KB that lists them.
// Throws std::runtime_error "PATH:LINE: what" for a malformed line (no leading number, a number that
// does not continue the count, an api_call without 4 values, a value not in `kb` for its slot) and for a
// dialogue without an api_call (LINE: its first line); "PATH: what" for a missing or unreadable file.
std::vector<Dialogue> load_babi_dialogs(const std::string& path, const KnowledgeBase& kb = restaurant_kb());

}  // namespace saccade
