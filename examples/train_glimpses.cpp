// Learning where to look, in one file: RAM (Mnih et al. 2014) on scikit-learn's digits placed on a
// cluttered canvas. A Gaussian location policy picks each glimpse from the reader's state; REINFORCE
// trains it while cross-entropy trains the reader. The same reader is then trained under a fixed grid
// scan, for the same epochs and data, and both are scored on the test split: adaptive against fixed,
// like for like. It uses only the library's public headers; `saccade run` does the same from YAML with
// progress, checkpoints and results files (README.md).
//
//   build/train_glimpses [--epochs 8] [--budget 3] [--seed 0]
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "agents/evaluate.hpp"
#include "agents/fixed_policy.hpp"
#include "agents/gaussian_location.hpp"
#include "agents/glimpse_rules.hpp"
#include "agents/reinforce.hpp"
#include "attention/ram_reader.hpp"
#include "envs/image/dataset.hpp"
#include "envs/image/image_env.hpp"

using namespace saccade;

// ---- options -------------------------------------------------------------------------------------
struct Options {
  std::size_t epochs = 8, budget = 3, batch = 32, canvas = 24, hidden = 64;
  std::uint64_t seed = 0;
  double lr = 2e-3;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const auto value = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--epochs") o.epochs = value;
    else if (flag == "--budget") o.budget = value;
    else if (flag == "--seed") o.seed = value;
    else {
      std::fprintf(stderr, "usage: %s [--epochs N] [--budget N] [--seed N]\n", argv[0]);
      std::exit(2);
    }
  }
  return o;
}

// ---- env: digits on a cluttered canvas, read through a 2-scale retina ----------------------------
struct Data {
  std::shared_ptr<const ImageDataset> train, val, test;
};

Data load_digits(std::uint64_t seed) {
  ImageSplits s = load_image_splits("digits", seed);  // scikit-learn's 1,797 8x8 digits (Debian package)
  return {std::make_shared<const ImageDataset>(std::move(s.train)), std::make_shared<const ImageDataset>(std::move(s.validation)),
          std::make_shared<const ImageDataset>(std::move(s.test))};
}

ImageGlimpseOptions glimpse_options(const Options& o) {
  ImageGlimpseOptions g;
  g.retina = {.glimpse = 4, .scales = 2};  // a 4x4 patch and a 8x8 one averaged down to 4x4
  g.budget = o.budget;
  g.preview_factor = 2;
  return g;
}

// ---- one policy's run: a fresh reader trained under `policy`, scored on the test split -----------
double train_and_test(const char* name, const Options& o, const Data& d, Policy& policy, Reader& reader) {
  const CanvasSpec canvas = CanvasSpec::cluttered(o.canvas, 3, 4);
  ImageGlimpseEnv train(d.train, canvas, glimpse_options(o)), val(d.val, canvas, glimpse_options(o)),
      test(d.test, canvas, glimpse_options(o));
  Rng init = Rng::stream(o.seed, "baseline-init"), rng = Rng::stream(o.seed, std::string("policy-") + name);
  // The learner: REINFORCE with a learned baseline for the policy, cross-entropy for the reader.
  ReinforceTrainer trainer(train, reader, policy, ReinforceOptions{.lr = o.lr}, init);

  // ---- the loop: epochs, batches, one update each, then validation ----
  for (std::size_t epoch = 1; epoch <= o.epochs; ++epoch) {
    Rng epoch_rng = Rng::stream(o.seed, "epoch-" + std::to_string(epoch));
    const std::vector<std::size_t> order = epoch_rng.permutation(train.num_examples());
    const std::uint64_t canvas_seed = epoch_rng.next_u64();  // new clutter every epoch
    double loss = 0.0;
    std::size_t batches = 0;
    for (std::size_t b = 0; b + o.batch <= order.size(); b += o.batch, ++batches) {
      const std::vector<std::size_t> examples(order.begin() + static_cast<long>(b), order.begin() + static_cast<long>(b + o.batch));
      loss += trainer.train_batch(examples, canvas_seed, rng).loss;
    }
    Rng val_rng = Rng::stream(o.seed, "validation");
    const EvalResult v = evaluate(val, reader, policy, val.num_examples(), 250, /*seed=*/1, val_rng);
    std::printf("[%s] epoch %zu  loss %.3f  val accuracy %.3f\n", name, epoch, loss / static_cast<double>(batches), v.accuracy);
  }

  // ---- accuracy: single-sample, greedy, on the test split, scored once ----
  Rng test_rng = Rng::stream(o.seed, "test");
  const EvalResult t = evaluate(test, reader, policy, test.num_examples(), 250, /*seed=*/2, test_rng);
  std::printf("[%s] test accuracy %.3f with %.1f glimpses, %.2f MFLOPs/example\n", name, t.accuracy, t.mean_regions,
              t.flops_per_example / 1e6);
  return t.accuracy;
}

std::unique_ptr<RamReader> make_reader(const Options& o, const Data& d) {
  Rng rng = Rng::stream(o.seed, "reader-init");  // the same starting reader for every policy
  return std::make_unique<RamReader>(RamReaderOptions{.glimpse_size = 2 * 4 * 4, .glimpse_hidden = o.hidden, .hidden = o.hidden, .num_classes = d.train->num_classes}, rng);
}

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const Data d = load_digits(o.seed);

  // ---- adaptive: RAM's location policy, a Gaussian (std 0.1) around a mean from the reader's state ----
  const auto adaptive_reader = make_reader(o, d);
  Rng policy_init = Rng::stream(o.seed, "policy-init");
  GaussianLocationPolicy adaptive({.input = o.hidden, .std = 0.1f}, policy_init);
  const double learned = train_and_test("adaptive", o, d, adaptive, *adaptive_reader);

  // ---- fixed: the budget's glimpses on a grid scan, same reader, epochs and data ----
  const auto grid_reader = make_reader(o, d);
  FixedGlimpsePolicy grid("grid", grid_glimpses, o.budget);
  const double fixed = train_and_test("grid", o, d, grid, *grid_reader);

  std::printf("adaptive - grid: %+.3f test accuracy at %zu glimpses\n", learned - fixed, o.budget);
  return 0;
}
