// The CSV reader's structural scan kernels (csv_reader.cc), exposed for tests, the fuzz target and the
// benchmark. Private to ingest/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace openaml::csv_internal {

/// Bytes a kernel may read past the end of its input (the reader's buffer keeps that much padding).
inline constexpr size_t kScanPadding = 64;

/// How the reader finds the structural characters (the delimiter, '\n' and '"') of its buffer.
enum class ScanKernel : unsigned char {
  kScalar,  // one byte at a time (a reference, and the fallback of a build without SSE2)
  kSse2,    // 4 x 16 bytes per 64-byte block (the baseline x86-64 target)
  kAvx2,    // 2 x 32 bytes per block, positions written without a branch per bit (AVX2 + BMI1 + POPCNT)
};

const char* KernelName(ScanKernel kernel);

/// The kernels this build can run on this CPU, the fastest last.
std::vector<ScanKernel> AvailableKernels();

/// The kernel readers use: the fastest available one, chosen once per process, unless forced.
ScanKernel ActiveKernel();

/// Make readers created from now on use `kernel` (tests and benchmarks; not thread-safe with readers being
/// created concurrently). False, and no change, when this build or CPU cannot run it.
bool ForceKernel(ScanKernel kernel);
/// Back to the automatic choice.
void ResetKernel();

/// Write the offsets from `p` of every delimiter, '\n' and '"' in [p, p + n), in increasing order, to `out`;
/// return how many. Reads up to kScanPadding bytes past p + n (never uses them); `out` needs room for
/// n + kScanPadding entries (kernels write past the count). n must be below 2^32.
size_t IndexStructurals(ScanKernel kernel, const char* p, size_t n, char delimiter, uint32_t* out);

}  // namespace openaml::csv_internal
