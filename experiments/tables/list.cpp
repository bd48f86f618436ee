// `saccade list`: the tables as a researcher reads them, what each name is, which envs it fits and
// the keys it brings, so the names a config may use are one command away.
#include <sstream>

#include "experiments/tables/choose.hpp"

namespace saccade {

namespace {

std::string fits_text(unsigned fits) {
  if (fits == 0) return "(references only)";
  std::string out;
  for (EnvKind kind : {kGlimpses, kPatches, kChunks, kTurns})
    if (fits & kind) out += (out.empty() ? "" : ", ") + env_kind_name(kind);
  return out;
}

std::string keys_text(const std::vector<KeySpec>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k.path;
  return out.empty() ? "" : "  [" + out + "]";
}

template <class Row>
void section(std::ostringstream& out, const char* title, const std::vector<Row>& table) {
  out << title << "\n";
  for (const auto& r : table) {
    out << "  " << r.name << " — " << r.doc << "\n      fits: " << fits_text(r.fits);
    if constexpr (requires { r.keys; }) out << keys_text(r.keys);
    out << "\n";
  }
}

}  // namespace

std::string tables_text() {
  std::ostringstream out;
  section(out, "readers (reader.type):", reader_table());
  section(out, "learned policies (policy.type, trained and scored as `adaptive`):", learned_policy_table());
  section(out, "fixed policies (eval.policies):", fixed_policy_table());
  section(out, "full-view references (eval.policies; read more than the budget):", reference_table());
  out << "learners (train.algorithm):\n";
  for (const auto& r : trainer_table()) out << "  " << r.name << " — " << r.doc << keys_text(r.keys) << "\n";
  out << "How to add one: docs/extending.md\n";
  return out.str();
}

}  // namespace saccade
