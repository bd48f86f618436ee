// The table of readers (attention models): `reader.type` is an enum over these names. A row: the
// name, the envs it fits, its factory, its own reader.* keys (reader.hidden is everyone's). Adding a
// reader: docs/extending.md, "A reader".
#include "attention/chunk_reader.hpp"
#include "attention/cnn_reader.hpp"
#include "attention/mlp_reader.hpp"
#include "attention/patch_reader.hpp"
#include "attention/preview_reader.hpp"
#include "attention/ram_reader.hpp"
#include "attention/turn_reader.hpp"
#include "experiments/tables/tables.hpp"

namespace saccade {

namespace {

using T = KeyType;

std::size_t hidden(const Config& cfg) { return static_cast<std::size_t>(cfg.get<int>("reader.hidden")); }
std::size_t heads(const Config& cfg) { return static_cast<std::size_t>(cfg.get<int>("reader.heads")); }

std::unique_ptr<Reader> make_ram(const Config& cfg, const ModelInputs& in, Rng& rng) {
  RamReaderOptions o;
  o.glimpse_size = shape_size(in.spec.content_shape);
  o.glimpse_hidden = static_cast<std::size_t>(cfg.get<int>("reader.glimpse_hidden"));
  o.hidden = hidden(cfg);
  o.num_classes = in.spec.num_classes;
  o.core = cfg.get<std::string>("reader.core");
  return std::make_unique<RamReader>(o, rng);
}

std::unique_ptr<Reader> make_patch(const Config& cfg, const ModelInputs& in, Rng& rng) {
  return std::make_unique<PatchReader>(PatchReaderOptions{.content_size = shape_size(in.spec.content_shape),
                                                          .regions = in.spec.num_regions, .dim = hidden(cfg),
                                                          .heads = heads(cfg), .num_classes = in.spec.num_classes},
                                       rng);
}

std::unique_ptr<Reader> make_chunk(const Config& cfg, const ModelInputs& in, Rng& rng) {
  return std::make_unique<ChunkReader>(ChunkReaderOptions{.vocab_size = in.vocab_size, .chunk_tokens = in.region_tokens,
                                                          .regions = in.spec.num_regions, .dim = hidden(cfg),
                                                          .heads = heads(cfg), .num_classes = in.spec.num_classes},
                                       rng);
}

std::unique_ptr<Reader> make_turn(const Config& cfg, const ModelInputs& in, Rng& rng) {
  return std::make_unique<TurnReader>(TurnReaderOptions{.vocab_size = in.vocab_size, .turn_tokens = in.region_tokens,
                                                        .regions = in.spec.num_regions, .dim = hidden(cfg),
                                                        .heads = heads(cfg), .slot_values = in.slot_values},
                                      rng);
}

// RAM's fully connected baseline: 2 x 256 ReLU layers over the whole input (the `fc` reference).
std::unique_ptr<Reader> make_mlp(const Config&, const ModelInputs& in, Rng& rng) {
  return std::make_unique<MlpReader>(MlpReaderOptions{shape_size(in.spec.content_shape), 256, 2, in.spec.num_classes}, rng);
}

// A CNN over one region's content: [H, W] (one channel) or [C, H, W] (the `cnn` reference).
std::unique_ptr<Reader> make_cnn(const Config& cfg, const ModelInputs& in, Rng& rng) {
  const Shape& s = in.spec.content_shape;
  if (s.size() != 2 && s.size() != 3) throw std::invalid_argument("the cnn reader reads images [H, W] or [C, H, W]");
  CnnReaderOptions o;
  o.in_channels = s.size() == 3 ? s[0] : 1;
  o.height = s[s.size() - 2];
  o.width = s[s.size() - 1];
  o.channels.clear();
  for (const int c : cfg.get<std::vector<int>>("reader.cnn_channels")) o.channels.push_back(static_cast<std::size_t>(c));
  o.hidden = 256;
  o.num_classes = in.spec.num_classes;
  return std::make_unique<CnnReader>(o, rng);
}

// The `preview` reference's classifier (2 x 256, as `mlp`): its env hands it the previews as its one
// region (envs/preview_env.hpp), whose spec keeps their kind: bags (text) or dense rows and thumbnails.
std::unique_ptr<Reader> make_preview(const Config&, const ModelInputs& in, Rng& rng) {
  const bool bag = in.spec.preview_kind == PreviewKind::bag;
  PreviewReaderOptions o{.preview_size = shape_size(in.spec.content_shape), .num_classes = in.spec.num_classes};
  if (bag) {
    o.bag_features = in.spec.preview_features;
    o.regions = in.spec.content_shape.front();
  }
  if (in.spec.num_slots > 1) o.slot_values = in.slot_values;
  return std::make_unique<PreviewReader>(o, rng);
}

const KeySpec heads_key =
    key("reader.heads", T::Int, "4", "Attention readers (patch, chunk, turn): heads of the attention pooling.").at_least(1);

}  // namespace

const std::vector<ReaderRow>& reader_table() {
  static const std::vector<ReaderRow> table = {
      {"ram", kGlimpses, "RAM's glimpse network and recurrent core (attention/ram_reader.hpp)",
       {key("reader.core", T::Enum, "rnn", "RAM reader: recurrent core, RAM's ReLU RNN or a GRU cell.").one_of({"rnn", "gru"}),
        key("reader.glimpse_hidden", T::Int, "128", "RAM reader: width of the glimpse and location codes.").at_least(1)},
       make_ram},
      {"patch", kPatches, "patch embeddings and attention pooling over the patches read (attention/patch_reader.hpp)",
       {heads_key}, make_patch},
      {"chunk", kChunks, "token self-attention within a chunk, attention pooling over chunks (attention/chunk_reader.hpp)",
       {heads_key}, make_chunk},
      {"turn", kTurns, "turn encoder and one attention pooling per answer slot (attention/turn_reader.hpp)",
       {heads_key}, make_turn},
      {"mlp", 0u, "a fully connected 2 x 256 network over the whole image, one region: only the `fc` reference reads with it (attention/mlp_reader.hpp)",
       {}, make_mlp},
      {"cnn", 0u, "3 x 3 convolutions, each with 2 x 2 max-pooling and a ReLU, then 256 units, over the whole image, one region: only the `cnn` reference reads with it (attention/cnn_reader.hpp)",
       {key("reader.cnn_channels", T::Ints, "[32, 64, 64]", "CNN reader (the `cnn` reference): output channels of each 3x3 convolution, each followed by 2x2 max-pooling.").at_least(1)},
       make_cnn},
      {"preview", 0u, "a 2 x 256 classifier on the previews alone (a bag per region embedded and averaged, or the rows and thumbnails "
       "flattened): only the `preview` reference reads with it (attention/preview_reader.hpp)",
       {}, make_preview},
  };
  return table;
}

}  // namespace saccade
