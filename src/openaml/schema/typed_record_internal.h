// The record typer's kernels (typed_record.cc), exposed for tests and benchmarks. Private to schema/ (and
// the ingest benchmark).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace openaml::typed_record_internal {

enum class TyperKernel : unsigned char {
  kScalar,  // one value at a time (value_rules_internal.h)
  kAvx2,    // NUMERIC values four at a time (AVX2), the values that are not short decimals one at a time
};

const char* KernelName(TyperKernel kernel);
/// The kernels this build can run on this CPU, the fastest last.
std::vector<TyperKernel> AvailableKernels();
/// Make every RecordTyper use `kernel` from now on (tests, benchmarks); false, and no change, when this
/// build or CPU cannot run it. Not thread-safe with typers running.
bool ForceKernel(TyperKernel kernel);
/// Back to the automatic choice (the fastest).
void ResetKernel();

/// Whether the AVX2 kernel may read the 8 bytes at `p` although fewer belong to the field: they never
/// cross a 4 KB page boundary, so the read cannot fault (the bytes past the field are shifted out, never
/// used). Address-sanitizer builds never read past a field.
inline bool MayReadEightBytes(const char* p) { return (reinterpret_cast<std::uintptr_t>(p) & 4095) <= 4096 - 8; }

}  // namespace openaml::typed_record_internal
