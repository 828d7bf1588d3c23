// Checks every kernel table this CPU runs (1, 2 and 3 threads) against golden outputs of the
// TypeScript reference backend (scripts/native-goldens.mjs), bit for bit, without Node.js: the
// kernels are included directly. Built natively for x86 and cross-compiled for aarch64 (run under
// qemu-aarch64); see the README ("Native kernels: tests without Node.js").
//
// Usage: harness <goldens.bin>            check; exit 1 on any difference
//        harness --bench [table]          single-thread timings of the main kernels (CPU time)

#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <string>

#include "../context.h"

namespace {

using memonet::Context;

struct Array {
  int type = 0;
  std::vector<uint8_t> bytes;
  template <typename T>
  const T* as() const { return reinterpret_cast<const T*>(bytes.data()); }
  template <typename T>
  size_t size() const { return bytes.size() / sizeof(T); }
};

std::map<std::string, Array> Load(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::map<std::string, Array> out;
  if (!in) {
    std::fprintf(stderr, "harness: cannot read %s\n", path);
    std::exit(2);
  }
  static const int kSizes[] = {4, 4, 4, 8, 1};
  for (;;) {
    uint32_t len = 0;
    if (!in.read(reinterpret_cast<char*>(&len), 4)) break;
    std::string name(len, '\0');
    in.read(&name[0], len);
    uint8_t type = 0;
    uint32_t count = 0;
    in.read(reinterpret_cast<char*>(&type), 1);
    in.read(reinterpret_cast<char*>(&count), 4);
    Array a;
    a.type = type;
    a.bytes.resize(static_cast<size_t>(count) * kSizes[type]);
    in.read(reinterpret_cast<char*>(a.bytes.data()), static_cast<std::streamsize>(a.bytes.size()));
    out[name] = std::move(a);
  }
  return out;
}

int failures = 0;

void Check(bool ok, const std::string& table, int threads, const std::string& what) {
  if (!ok) {
    failures++;
    std::printf("FAIL %s (%d threads): %s\n", table.c_str(), threads, what.c_str());
  }
}

bool SameBytes(const void* a, const void* b, size_t n) { return std::memcmp(a, b, n) == 0; }

const Array& Get(const std::map<std::string, Array>& g, const std::string& name) {
  auto it = g.find(name);
  if (it == g.end()) {
    std::fprintf(stderr, "harness: goldens lack %s\n", name.c_str());
    std::exit(2);
  }
  return it->second;
}

void CheckTable(const memonet::KernelTable* table, int threads, const std::map<std::string, Array>& g) {
  Context ctx(table, threads);
  const std::string name = table->name;
  for (const char* layer : {"sparse", "dense", "wide"}) {
    const std::string p = std::string("layer.") + layer + ".";
    const int32_t* shape = Get(g, p + "shape").as<int32_t>();
    const int rows = shape[0], dim = shape[1], width = shape[2], words = shape[3];
    memonet::LayerArgs a{Get(g, p + "x").as<float>(), rows, dim, Get(g, p + "w").as<float>(), width,
                         Get(g, p + "b").as<float>()};
    std::vector<uint32_t> bits(static_cast<size_t>(rows) * words, 0xdeadbeef);
    ctx.FirstLayer(a, {bits.data(), words, nullptr});
    Check(SameBytes(bits.data(), Get(g, p + "bits").bytes.data(), bits.size() * 4), name, threads,
          p + "bits");
    std::vector<float> relu(static_cast<size_t>(rows) * width, -1.0f);
    ctx.FirstLayer(a, {nullptr, 0, relu.data()});
    Check(SameBytes(relu.data(), Get(g, p + "relu").bytes.data(), relu.size() * 4), name, threads,
          p + "relu");
  }
  const int32_t* shape = Get(g, "pop.shape").as<int32_t>();
  const int words = shape[2];
  const uint32_t* bits = Get(g, "pop.bits").as<uint32_t>();
  const uint32_t* masks = Get(g, "pop.masks").as<uint32_t>();
  const Array& list = Get(g, "pop.rows");
  const int count = static_cast<int>(list.size<int32_t>());
  const int32_t* rows = list.as<int32_t>();
  for (int k : {1, 3, 8, 16, 20}) {
    for (int stopAt : {-1, 150}) {
      std::vector<int32_t> out(k);
      ctx.MinMany(bits, words, masks, k, rows, count, stopAt, out.data());
      const std::string key = "pop.min." + std::to_string(k) + "." + std::to_string(stopAt);
      const Array& want = Get(g, key);
      if (stopAt < 0) {
        Check(SameBytes(out.data(), want.bytes.data(), want.bytes.size()), name, threads, key);
      } else {
        // With an early exit, minima at or below stopAt are only bounds: compare min(v, stopAt).
        bool ok = true;
        for (int q = 0; q < k; q++) {
          const int32_t w = want.as<int32_t>()[q];
          ok = ok && (w <= stopAt ? out[q] <= stopAt : out[q] == w);
        }
        Check(ok, name, threads, key);
      }
    }
  }
  for (const char* bound : {"140", "160.5", "175"}) {
    std::vector<int32_t> out(count);
    const size_t n = ctx.Below(bits, words, masks, rows, count, std::atof(bound), out.data(), out.size());
    const Array& want = Get(g, std::string("pop.below.") + bound);
    Check(n == want.size<int32_t>() && SameBytes(out.data(), want.bytes.data(), want.bytes.size()), name,
          threads, std::string("pop.below.") + bound);
  }
  for (int k : {1, 7, 20}) {
    std::vector<uint8_t> out(count, 7);
    ctx.AnyBelow(bits, words, masks, Get(g, "pop.thresholds").as<double>(), k, rows, count, out.data());
    const Array& want = Get(g, "pop.any." + std::to_string(k));
    Check(SameBytes(out.data(), want.bytes.data(), out.size()), name, threads, "pop.any." + std::to_string(k));
  }
  for (int k : {1, 7, 20}) {
    for (int n : {45, count}) {
      const int outWords = (n + 31) / 32;
      std::vector<uint32_t> out(static_cast<size_t>(k) * outWords, 0xdeadbeef);
      ctx.Coverage(bits, words, masks, k, Get(g, "pop.coverBounds").as<double>(), rows, n, out.data());
      const std::string key = "pop.cover." + std::to_string(k) + "." + std::to_string(n);
      const Array& want = Get(g, key);
      Check(out.size() * 4 == want.bytes.size() && SameBytes(out.data(), want.bytes.data(), want.bytes.size()),
            name, threads, key);
    }
  }
  {
    const Array& neg = Get(g, "sep.neg");
    const Array& pos = Get(g, "sep.pos");
    for (bool stop : {false, true}) {
      double out[4];
      ctx.Separation(Get(g, "sep.bits").as<uint32_t>(), words, shape[1], neg.as<int32_t>(),
                     static_cast<int>(neg.size<int32_t>()), pos.as<int32_t>(),
                     static_cast<int>(pos.size<int32_t>()), stop, out);
      const double* want = Get(g, "sep.out").as<double>();
      Check(stop ? out[1] >= 1 : SameBytes(out, want, sizeof out), name, threads,
            stop ? "separation (stop at first)" : "separation");
    }
  }
  for (const char* which : {"small", "mnist"}) {
    const std::string p = std::string("rng.") + which + ".";
    const double* args = Get(g, p + "args").as<double>();
    const int64_t dim = static_cast<int64_t>(args[0]), n = static_cast<int64_t>(args[1]);
    const double* st = Get(g, p + "state").as<double>();
    memonet::RngState r{static_cast<uint32_t>(st[0]), static_cast<uint32_t>(st[1]),
                        static_cast<uint32_t>(st[2]), static_cast<uint32_t>(st[3]), st[4]};
    std::vector<float> w(dim * n), b(n);
    ctx.SampleHyperplanes(r, dim, n, args[2], w.data(), b.data());
    Check(SameBytes(w.data(), Get(g, p + "w").bytes.data(), w.size() * 4), name, threads, p + "w");
    Check(SameBytes(b.data(), Get(g, p + "b").bytes.data(), b.size() * 4), name, threads, p + "b");
    const double* after = Get(g, p + "after").as<double>();
    const double got[5] = {static_cast<double>(r.s0), static_cast<double>(r.s1), static_cast<double>(r.s2),
                           static_cast<double>(r.s3), r.spare};
    Check(SameBytes(got, after, 4 * sizeof(double)) && (got[4] == after[4] || (got[4] != got[4] && after[4] != after[4])),
          name, threads, p + "state after");
  }
}

double CpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Single-thread CPU time of the main kernels on MNIST-like data, per table.
void Bench(const memonet::KernelTable* table) {
  Context ctx(table, 1);
  memonet::RngState r{1, 2, 3, 4, NAN};
  // First layer: 8192 rows x 784 inputs, 19% non-zero (as MNIST), 1024 neurons.
  const int rows = 8192, dim = 784, width = 1024, words = 32;
  std::vector<float> x(static_cast<size_t>(rows) * dim), w(static_cast<size_t>(width) * dim), b(width);
  ctx.SampleHyperplanes(r, dim, width, 0.5, w.data(), b.data());
  for (size_t i = 0; i < x.size(); i++) {
    const uint32_t u = memonet::NextUint32(r);
    const size_t j = i % dim;
    const bool centre = j / 28 > 4 && j / 28 < 23 && j % 28 > 5 && j % 28 < 22;
    x[i] = centre && (u & 1) ? static_cast<float>(u >> 8) * 1e-7f : 0.0f;
  }
  std::vector<uint32_t> bits(static_cast<size_t>(rows) * words);
  memonet::LayerArgs a{x.data(), rows, dim, w.data(), width, b.data()};
  double t0 = CpuSeconds();
  ctx.FirstLayer(a, {bits.data(), words, nullptr});
  const double layer = CpuSeconds() - t0;
  // Second layer: 16 masks over 63 000 rows of 1024 bits, no early exit.
  const int n = 63000;
  std::vector<uint32_t> big(static_cast<size_t>(n) * words);
  for (auto& v : big) v = memonet::NextUint32(r);
  std::vector<uint32_t> masks(16 * words);
  for (auto& v : masks) v = memonet::NextUint32(r);
  std::vector<int32_t> list(n);
  for (int i = 0; i < n; i++) list[i] = i;
  std::vector<int32_t> out(16);
  t0 = CpuSeconds();
  const int reps = 5;
  for (int i = 0; i < reps; i++) ctx.MinMany(big.data(), words, masks.data(), 16, list.data(), n, -1, out.data());
  const double pop = (CpuSeconds() - t0) / reps;
  std::vector<float> w2(static_cast<size_t>(5000) * dim), b2(5000);
  t0 = CpuSeconds();
  ctx.SampleHyperplanes(r, dim, 5000, 0.5, w2.data(), b2.data());
  const double sample = CpuSeconds() - t0;
  std::printf("%-9s first layer %6.1f ns/(row x neuron)  popcount %5.2f G words/s (64-bit)  sampling %5.1f ns/normal\n",
              table->name, 1e9 * layer / (static_cast<double>(rows) * width),
              16.0 * n * words / 2 / pop / 1e9, 1e9 * sample / (5000.0 * dim));
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<memonet::TableEntry> all = memonet::CompiledTables();
  if (argc >= 2 && std::string(argv[1]) == "--bench") {
    for (const auto& e : all) {
      if (e.supported && (argc < 3 || std::string(argv[2]) == e.table->name)) Bench(e.table);
    }
    return 0;
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: harness <goldens.bin> | --bench [table]\n");
    return 2;
  }
  const auto goldens = Load(argv[1]);
  int tables = 0;
  for (const auto& e : all) {
    if (!e.supported) {
      std::printf("skip %s (this CPU does not run it)\n", e.table->name);
      continue;
    }
    for (int threads : {1, 2, 3}) CheckTable(e.table, threads, goldens);
    std::printf("%s %s (1, 2, 3 threads)\n", failures == 0 ? "ok" : "checked", e.table->name);
    tables++;
  }
  if (failures > 0) {
    std::printf("%d differences from the reference\n", failures);
    return 1;
  }
  std::printf("all %d tables bit-identical to the reference\n", tables);
  return 0;
}
