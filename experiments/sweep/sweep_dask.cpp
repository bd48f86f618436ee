#include "experiments/sweep/sweep_dask.hpp"

#include <iostream>

#include "experiments/sweep/python_driver.hpp"

namespace saccade {

int run_sweep_on_dask(const SweepPlan& plan, const SweepOptions& o, const std::string& scheduler,
                      const std::vector<std::string>& gather_args) {
  const std::vector<std::size_t> todo = prepare_sweep(plan, o);
  if (todo.empty()) {
    std::cout << "sweep: every one of the " << plan.runs.size() << " runs has finished already\n"
              << "results: " << o.out_dir << "/results.csv\n";
    return 0;
  }
  std::string trials;
  for (std::size_t i : todo) trials += (trials.empty() ? "" : ",") + std::to_string(i);
  std::vector<std::string> args = {"--scheduler", scheduler, "--cli", o.executable, "--out", o.out_dir, "--trials", trials, "--"};
  args.insert(args.end(), gather_args.begin(), gather_args.end());
  exec_python_module(o.executable, "dask_sweep", args, "python3-distributed");
}

}  // namespace saccade
