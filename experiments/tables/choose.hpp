// Choosing rows for a run: what a config's names mean for its kind of env, checked against the tables
// (experiments/tables/tables.hpp) before any data loads, and the fixed policies built from their rows.
#pragma once

#include <memory>
#include <string>

#include "experiments/tables/tables.hpp"

namespace saccade {

// reader.type, else the env kind's own reader (ram, patch, chunk, turn).
std::string reader_type(const Config& cfg, EnvKind kind);
// policy.type, else the env kind's default learned policy (gaussian, topk, jump, topk).
std::string policy_type(const Config& cfg, EnvKind kind);

// reader.type and policy.type fit `kind` (and pass the policy row's own check), every name in
// eval.policies is a fixed policy or a reference that fits it, and there is something to run. A
// ConfigError at the offending key or list item otherwise, with the choices and a "did you mean".
void check_rows(const Config& cfg, EnvKind kind);

// The fixed policy `name` (a FixedPolicyRow) reading up to `budget` regions of an env with `spec`:
// its region rule for discrete regions, its glimpse rule for glimpse locations. `label` names it.
std::unique_ptr<Policy> make_fixed_policy(std::string_view name, const std::string& label, const EnvSpec& spec, std::size_t budget);

// Every table as text, for `saccade list` (experiments/tables/list.cpp).
std::string tables_text();

}  // namespace saccade
