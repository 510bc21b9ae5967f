// SGD passes alone (no parsing): a feature cache shaped like the scale benchmark's (20 one-hot features per
// row out of ~400: 10 categorical attributes of 2-12 values, 10 numeric ones in 50 quantile bins; labels from
// a known logistic model), trained for PASSES passes without early stop. Prints wall and CPU time per pass and
// ns per row, and a checksum of the weights (equal across runs: training is deterministic).
// Usage: bench_engine_sgd [ROWS=7000000] [THREADS=2] [PASSES=10] [SEED=7] [CACHE_MEMORY_MB=256]
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "openaml/learn/feature_cache.h"
#include "openaml/learn/sgd_trainer.h"

using namespace openaml::learn;

static double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec * 1e-6;
}

int main(int argc, char** argv) {
  const long rows = argc > 1 ? std::atol(argv[1]) : 7000000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  const int passes = argc > 3 ? std::atoi(argv[3]) : 10;
  const uint64_t seed = argc > 4 ? std::atoll(argv[4]) : 7;
  const size_t memory_mb = argc > 5 ? std::atoll(argv[5]) : 256;
  std::mt19937_64 rng(42);
  std::normal_distribution<double> n01(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  const int cardinality[20] = {12, 4, 8, 3, 3, 3, 2, 10, 5, 3, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50};
  std::vector<uint32_t> first(21, 0);
  for (int a = 0; a < 20; ++a) first[a + 1] = first[a] + cardinality[a];
  std::vector<double> effect(first[20]);
  for (double& e : effect) e = n01(rng) * 0.3;
  auto cache = *FeatureCache::Make("", memory_mb << 20);
  if (!std::getenv("UNSHUFFLED_CACHE")) cache->StoreRowsShuffled(seed);  // as the train job does
  std::vector<uint32_t> idx(20);
  std::vector<float> val(20, 1.0f);
  for (long r = 0; r < rows; ++r) {
    double logit = -2.0;
    for (int a = 0; a < 20; ++a) {
      // Skewed categorical values; uniform quantile bins.
      int v = a < 10 ? std::min<int>(cardinality[a] - 1, static_cast<int>(-std::log(u(rng)) * 1.5))
                     : static_cast<int>(rng() % cardinality[a]);
      idx[a] = first[a] + v;
      logit += effect[idx[a]];
    }
    float y = u(rng) < 1 / (1 + std::exp(-logit)) ? 1.0f : 0.0f;
    (void)cache->Append(y, idx, val);
  }
  (void)cache->Finish();
  std::vector<float> scale(first[20], 1.0f);
  SgdOptions options;
  options.parameters.shuffle = ShuffleType::kAuto;
  options.parameters.seed = seed;
  options.parameters.max_passes = passes;
  options.early_stop = false;
  options.threads = threads;
  auto wall = std::chrono::steady_clock::now();
  double cpu = CpuSeconds();
  options.on_pass = [&](int pass, double loss) {
    auto now = std::chrono::steady_clock::now();
    double w = std::chrono::duration<double>(now - wall).count(), c = CpuSeconds() - cpu;
    std::printf("pass %2d: loss %.6f  wall %.3f s  CPU %.3f s  %.1f ns/row CPU\n", pass, loss, w, c, c / rows * 1e9);
    wall = now;
    cpu += c;
  };
  std::printf("%ld rows, %u features, cache %.0f MB%s, %d threads\n", rows, first[20], cache->bytes() / 1e6,
              cache->spilled() ? " (spilled)" : "", threads);
  auto result = TrainSgd(*cache, first[20], scale, options);
  if (!result.ok()) return 1;
  double sum = 0;
  for (float w : result->weights) sum += std::fabs(w);
  std::printf("checksum %.9g bias %.9g\n", sum, result->bias[0]);
  return 0;
}
