// Learning where to look, in one file: RAM (Mnih et al. 2014) on scikit-learn's digits placed at
// random on a 24 x 24 canvas. A location policy picks each glimpse from a cheap 8 x 8 thumbnail and the
// reader's state (a spatial soft-argmax, agents/spatial_location.hpp); REINFORCE trains it while
// cross-entropy trains the reader. The same reader is then trained under two fixed policies (a grid
// scan, and the thumbnail's brightest peaks), for the same epochs and data, and all are scored on the
// test split: adaptive against fixed, like for like. (With 30 epochs, seed 0: adaptive 0.760, grid
// 0.234, saliency 0.869: the learned policy beats the blind scan and loses to the rule that reads the
// same thumbnail, as on Fashion-MNIST in docs/results/image.md. The settings are those of
// tests/cpp/agents/test_training_learns.cpp, not chosen on validation: a demonstration, not a result.) It uses only the library's public headers; `saccade run` does the same from YAML with
// progress, checkpoints and results files (README.md).
//
//   build/train_glimpses [--epochs 30] [--budget 2] [--seed 0]
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "agents/evaluate.hpp"
#include "agents/fixed_policy.hpp"
#include "agents/spatial_location.hpp"
#include "agents/glimpse_rules.hpp"
#include "agents/reinforce.hpp"
#include "attention/ram_reader.hpp"
#include "envs/image/dataset.hpp"
#include "envs/image/image_env.hpp"

using namespace saccade;

// ---- options -------------------------------------------------------------------------------------
struct Options {
  std::size_t epochs = 30, budget = 2, batch = 32, canvas = 24, hidden = 64;
  std::uint64_t seed = 0;
  double lr = 3e-3;
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

// ---- env: digits on a 24 x 24 canvas, read through a 2-scale retina -------------------------------
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
  g.retina = {.glimpse = 6, .scales = 2};  // a 6x6 patch and a 12x12 one averaged down to 6x6
  g.budget = o.budget;
  g.preview_factor = 3;                    // the 8x8 thumbnail every policy may look at
  return g;
}

// ---- one policy's run: a fresh reader trained under `policy`, scored on the test split -----------
double train_and_test(const char* name, const Options& o, const Data& d, Policy& policy, Reader& reader) {
  const CanvasSpec canvas = CanvasSpec::translated(o.canvas);
  ImageGlimpseEnv train(d.train, canvas, glimpse_options(o)), val(d.val, canvas, glimpse_options(o)),
      test(d.test, canvas, glimpse_options(o));
  Rng init = Rng::stream(o.seed, "baseline-init"), rng = Rng::stream(o.seed, std::string("policy-") + name);
  // The learner: REINFORCE with a learned baseline for the policy, paid the reader's probability of
  // the true class (dense while the reader is weak); cross-entropy for the reader.
  ReinforceTrainer trainer(train, reader, policy, ReinforceOptions{.lr = o.lr, .reward = "probability"}, init);

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
  return std::make_unique<RamReader>(RamReaderOptions{.glimpse_size = 2 * 6 * 6, .glimpse_hidden = o.hidden, .hidden = o.hidden, .num_classes = d.train->num_classes}, rng);
}

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const Data d = load_digits(o.seed);

  // ---- adaptive: a Gaussian (std 0.15) around a soft-argmax over the thumbnail and the reader's state ----
  const auto adaptive_reader = make_reader(o, d);
  Rng policy_init = Rng::stream(o.seed, "policy-init");
  SpatialLocationPolicy adaptive({.gaussian = {.input = o.hidden, .std = 0.15f}, .height = 8, .width = 8}, policy_init);
  const double learned = train_and_test("adaptive", o, d, adaptive, *adaptive_reader);

  // ---- fixed: a blind grid scan, and glimpses at the thumbnail's brightest peaks (the same preview the
  // learned policy sees: the strongest fixed rule); each with its own reader, epochs and data ----
  for (const auto& [name, rule] : {std::pair<const char*, GlimpseRule>{"grid", grid_glimpses}, {"saliency", saliency_glimpses}}) {
    const auto reader = make_reader(o, d);
    FixedGlimpsePolicy fixed(name, rule, o.budget);
    const double accuracy = train_and_test(name, o, d, fixed, *reader);
    std::printf("adaptive - %s: %+.3f test accuracy at %zu glimpses\n", name, learned - accuracy, o.budget);
  }
  return 0;
}
