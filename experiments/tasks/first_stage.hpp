// A first stage inside the run (`reader.pretrain: CONFIG`): before any policy trains, the run trains
// the reader that config describes (e.g. experiments/configs/text_pretrain.yaml: the chunk reader on
// uncluttered fortunes) under the run's own seed, in OUT/pretrain, and every policy's reader starts
// from it (as reader.init would). One sweep file then holds a per-seed first stage: each run has its
// own, trained on its own seed's split, so no reader has seen the run's test examples. A resumed run
// keeps a finished first stage and resumes an interrupted one.
#pragma once

#include "experiments/config/config.hpp"

namespace saccade {

// reader.pretrain, when set: the file exists, reader.init is not set too, and the first stage's config
// loads and checks (ConfigError at the key otherwise).
void check_first_stage(const Config& resolved);

// Runs the first stage if reader.pretrain is set (resuming: unless OUT/pretrain finished it), then returns
// the config with reader.init pointing at its checkpoint (unchanged when reader.pretrain is unset).
Config with_first_stage(const Config& resolved, bool resume);

}  // namespace saccade
