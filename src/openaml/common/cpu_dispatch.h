// Run-time choice among a hot loop's kernels (its versions for instruction sets: the CSV reader's structural
// scan, the record typer): the fastest one this build and CPU can run, unless a test or benchmark forces
// another. One binary then runs everywhere x86-64 does and uses AVX2 where there is AVX2.
#pragma once

#include <algorithm>
#include <atomic>
#include <initializer_list>
#include <vector>

namespace openaml {

/// Whether this CPU runs AVX2 code (with BMI1 and POPCNT, which the AVX2 kernels also use). Checked once.
bool CpuHasAvx2();

/// The kernels of one hot loop and which one runs. Thread-safe; Force/Reset are meant for tests and
/// benchmarks (callers that already picked a kernel keep it).
template <typename Kernel>
class KernelChoice {
 public:
  /// `kernels`: all of them, slowest first (the first must always run); `runs(k)`: whether this build and
  /// CPU can run k.
  KernelChoice(std::initializer_list<Kernel> kernels, bool (*runs)(Kernel)) {
    for (Kernel k : kernels) {
      if (runs(k)) available_.push_back(k);
    }
  }
  /// The kernels that can run here, the fastest last.
  const std::vector<Kernel>& Available() const { return available_; }
  /// The fastest available, or the forced one.
  Kernel Active() const {
    const int forced = forced_.load(std::memory_order_relaxed);
    return forced >= 0 ? static_cast<Kernel>(forced) : available_.back();
  }
  /// Use `kernel` from now on; false, and no change, when it cannot run here.
  bool Force(Kernel kernel) {
    if (std::find(available_.begin(), available_.end(), kernel) == available_.end()) return false;
    forced_.store(static_cast<int>(kernel), std::memory_order_relaxed);
    return true;
  }
  /// Back to the fastest.
  void Reset() { forced_.store(-1, std::memory_order_relaxed); }

 private:
  std::vector<Kernel> available_;
  std::atomic<int> forced_{-1};
};

}  // namespace openaml
