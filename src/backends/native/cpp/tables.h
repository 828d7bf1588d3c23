// The kernel tables, one per instruction set, and the choice among them (made once, when the
// addon or a test program starts). Each table is generic.h compiled inside its own namespace
// under its instruction set's target options (#pragma GCC target), over that set's SIMD traits
// (simd/*.h); the avx512 table adds today's AVX-512-only kernels (simd/avx512_kernels.h).
// Nothing here needs Node.js: test/harness.cc includes it directly.

#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define MEMONET_X86 1
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#define MEMONET_NEON 1
#endif

#include "kernel_table.h"
#include "rng_scalar.h"

#define MEMONET_TABLE_ENTRIES(NAME)                                                            \
  NAME, MinMany, Below, AnyBelow, Separation, GroupRows, LayerTiles, GenerateLanesScalar, \
      FlagBlockScalar, PolarScalar, Coverage

// portable: plain C++ (baseline target; where the CPU has popcnt, the copy compiled for it).
namespace memonet {
namespace portable_base {
#include "simd/portable.h"
#include "generic.h"
const KernelTable kTable = {MEMONET_TABLE_ENTRIES("portable")};
}  // namespace portable_base
}  // namespace memonet

#ifdef MEMONET_X86
#pragma GCC push_options
#pragma GCC target("popcnt")
namespace memonet {
namespace portable_popcnt {
#include "simd/portable.h"
#include "generic.h"
const KernelTable kTable = {MEMONET_TABLE_ENTRIES("portable")};
}  // namespace portable_popcnt
}  // namespace memonet
#pragma GCC pop_options

// avx2: AVX2 without FMA (bit identity forbids fused products), POPCNT, BMI2.
#pragma GCC push_options
#pragma GCC target("avx2,popcnt,bmi,bmi2")
namespace memonet {
namespace avx2 {
#include "simd/avx2.h"
#include "generic.h"
const KernelTable kTable = {MEMONET_TABLE_ENTRIES("avx2")};
}  // namespace avx2
}  // namespace memonet
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vpopcntdq,popcnt,bmi,bmi2")
namespace memonet {
namespace avx512 {
#include "simd/avx512.h"
#include "generic.h"
#include "simd/avx512_kernels.h"
const KernelTable kTable = {"avx512",        MinManyTable,   BelowAvx512,     AnyBelowAvx512,
                            Separation,      GroupRows,      LayerTiles,      GenerateLanesAvx512,
                            FlagBlockAvx512, PolarTable,     Coverage};
}  // namespace avx512
}  // namespace memonet
#pragma GCC pop_options
#endif

#ifdef MEMONET_NEON
namespace memonet {
namespace neon {
#include "simd/neon.h"
#include "generic.h"
const KernelTable kTable = {MEMONET_TABLE_ENTRIES("neon")};
}  // namespace neon
}  // namespace memonet
#endif

namespace memonet {

struct TableEntry {
  const KernelTable* table;
  bool supported;  // by this CPU
};

// Every table compiled in, fastest first, with whether this CPU runs it.
inline std::vector<TableEntry> CompiledTables() {
  std::vector<TableEntry> all;
#ifdef MEMONET_X86
  __builtin_cpu_init();
  const bool popcnt = __builtin_cpu_supports("popcnt");
  all.push_back({&avx512::kTable, __builtin_cpu_supports("avx512f") &&
                                      __builtin_cpu_supports("avx512bw") &&
                                      __builtin_cpu_supports("avx512dq") &&
                                      __builtin_cpu_supports("avx512vpopcntdq") &&
                                      __builtin_cpu_supports("bmi2") && popcnt});
  all.push_back({&avx2::kTable, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
                                    __builtin_cpu_supports("bmi") && popcnt});
  all.push_back({popcnt ? &portable_popcnt::kTable : &portable_base::kTable, true});
#else
#ifdef MEMONET_NEON
  all.push_back({&neon::kTable, true});
#endif
  all.push_back({&portable_base::kTable, true});
#endif
  return all;
}

// The table named `name` ("auto" or empty: the first supported one); null with *error set when
// it is not compiled in or this CPU cannot run it.
inline const KernelTable* ChooseTable(const std::string& name, std::string* error) {
  const std::vector<TableEntry> all = CompiledTables();
  std::string available;
  for (const TableEntry& e : all) {
    if (!e.supported) continue;
    if (name.empty() || name == "auto" || name == e.table->name) return e.table;
    available += available.empty() ? "" : ", ";
    available += e.table->name;
  }
  *error = "MEMONET_SIMD=" + name + " is not a kernel table this CPU runs (available: " +
           available + ", auto)";
  return nullptr;
}

}  // namespace memonet
