// `saccade report DIR --shared KEY[,KEY...]`: swept columns that change only the learned policy. In a
// learner comparison (`zip: {train.algorithm: [reinforce, ppo, a2c], eval.policies: [[saliency, grid],
// [], []]}`) the fixed policies run once per seed, with the first learner, since they do not depend on
// it; without --shared the other learners' settings would hold adaptive alone.
//
// Settings whose keys are equal except in the shared columns form a family. Within a family each
// setting gets
//   - the fixed (non-adaptive) policies of the other settings that it lacks: the same rows, whose
//     `run` names the runs that hold their scores files, so adaptive pairs with them seed by seed
//     (pairing.hpp); they compete for best fixed exactly as if they had run in this setting;
//   - each other setting's adaptive, as a learned reference `adaptive[KEY=VALUE ...]` named by the
//     shared columns in which that setting differs (eval.policies left out of the name unless nothing
//     else differs): paired with adaptive like any policy, never the best fixed.
//
// A sweep file can say which columns these are (`sweep.shared`, experiments/sweep/sweep.hpp): the sweep
// writes the list into OUT/manifest.json's "shared", and `saccade report OUT` uses it unless the command
// line says otherwise (--shared KEY,... or --no-shared).
#pragma once

#include <string>
#include <vector>

#include "experiments/report/summary.hpp"

namespace saccade {

// The swept columns of the settings' keys: every column but env and budget.
std::vector<std::string> swept_columns(const std::vector<SettingSummary>& settings);

// Adds to each setting the policies of its family (above) and chooses its best fixed policy again;
// call it before compare_paired. Throws std::runtime_error naming a column of `shared` that is not a
// swept column of `source` (results.csv), and the swept columns there are; `given_by` says where the
// list came from ("--shared", or the manifest's "shared").
void share_across_settings(std::vector<SettingSummary>& settings, const std::vector<std::string>& shared,
                           const std::string& source, const std::string& given_by = "--shared");

// The "shared" list of DIR/manifest.json (a sweep's sweep.shared). Empty when DIR has no manifest.json
// (a single run's directory) or the manifest has no "shared" (written before the key existed). Throws
// std::runtime_error naming the file when it is not JSON, not an object, or "shared" is not a list of
// strings.
std::vector<std::string> manifest_shared(const std::string& dir);

}  // namespace saccade
