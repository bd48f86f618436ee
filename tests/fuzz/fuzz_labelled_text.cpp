// The text corpora's readers: CSV and JSONL `text,label` files, the same bytes through both.
#include "envs/text/labelled_file.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  saccade::fuzz::reads([&] { saccade::read_labelled_csv(saccade::fuzz::as_file(data, size, ".csv")); });
  saccade::fuzz::reads([&] { saccade::read_labelled_jsonl(saccade::fuzz::as_file(data, size, ".jsonl")); });
  return 0;
}
