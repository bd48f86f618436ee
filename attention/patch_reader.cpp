#include "attention/patch_reader.hpp"

#include "core/ops.hpp"

namespace saccade {

PatchReader::PatchReader(const PatchReaderOptions& o, Rng& rng)
    : opt_(o), in1_(o.content_size, o.dim, rng), in2_(o.dim, o.dim, rng) {
  register_module("in1", in1_);
  register_module("in2", in2_);
  build_set({o.regions, o.dim, o.heads, o.num_classes}, rng);
}

Var PatchReader::encode_content(const RegionBatch& r) const {
  const std::size_t n = r.content.shape()[0];
  const Var x = reshape(Var(r.content), {n, opt_.content_size});
  return relu(in2_(relu(in1_(x))));
}

double PatchReader::flops_content() const {
  const double d = static_cast<double>(opt_.dim);
  return 2.0 * (static_cast<double>(opt_.content_size) * d + d * d);
}

}  // namespace saccade
