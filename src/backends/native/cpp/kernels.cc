// memonet's native kernels: the Node-API glue (node-addon-api) over context.h. The addon exports
// `tables()` (the kernel tables compiled in, fastest first, and whether this CPU runs each) and
// the class `Context` (new Context(simd, threads)): one context owns its kernel table, its
// thread pool and its scratch buffers, and serves the JavaScript thread that made it; `close()`
// joins its threads (the garbage collector does it otherwise). Results are bit-identical to the
// TypeScript reference on every table and thread count.

#define NAPI_VERSION 8
#include <napi.h>

#include "context.h"
#include "distances.h"  // geometry: the distance tile kernel (self-contained)

namespace {

using memonet::Context;

// The data of a typed array of the wanted type (a TypeError naming `what` otherwise).
template <typename T>
T* Data(const Napi::Value& v, napi_typedarray_type want, const char* what, size_t* length = nullptr) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != want) {
    throw Napi::TypeError::New(v.Env(), what);
  }
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  if (length != nullptr) *length = a.ElementLength();
  return reinterpret_cast<T*>(static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset());
}

int64_t Int(const Napi::Value& v, const char* what) {
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), what);
  return v.As<Napi::Number>().Int64Value();
}

double Real(const Napi::Value& v, const char* what) {
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), what);
  return v.As<Napi::Number>().DoubleValue();
}

void RangeError(const Napi::Env& env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

// Checks a bit matrix's layout and its row list; returns the -1 - t convention's t or -1.
int64_t CheckRows(const Napi::Env& env, const char* kernel, size_t bitsLength, int64_t words,
                  const int32_t* rows, size_t rowsLength, int64_t count) {
  if (words <= 0 || words % 16 != 0) {
    RangeError(env, std::string("native.") + kernel + ": wordsPerRow must be a positive multiple of 16");
  }
  if (count < 0 || static_cast<size_t>(count) > rowsLength) {
    RangeError(env, std::string("native.") + kernel + ": count exceeds the row list");
  }
  return memonet::FirstBadRow(rows, count, static_cast<int64_t>(bitsLength) / words);
}

class ContextWrap : public Napi::ObjectWrap<ContextWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Context",
                       {InstanceMethod("info", &ContextWrap::Info),
                        InstanceMethod("close", &ContextWrap::Close),
                        InstanceMethod("firstLayer", &ContextWrap::FirstLayer),
                        InstanceMethod("maskedMinMany", &ContextWrap::MaskedMinMany),
                        InstanceMethod("maskedBelow", &ContextWrap::MaskedBelow),
                        InstanceMethod("maskedAnyBelow", &ContextWrap::MaskedAnyBelow),
                        InstanceMethod("separation", &ContextWrap::Separation),
                        InstanceMethod("sampleHyperplanes", &ContextWrap::SampleHyperplanes),
                        InstanceMethod("squaredDistances", &ContextWrap::SquaredDistances),
                        InstanceMethod("coverage", &ContextWrap::Coverage)});
  }

  // new Context(simd: "auto" | table name, threads: number (0: MEMONET_THREADS or all cores))
  explicit ContextWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ContextWrap>(info) {
    Napi::Env env = info.Env();
    const std::string simd = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "auto";
    const int64_t threads = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int64Value() : 0;
    std::string error;
    const memonet::KernelTable* table = memonet::ChooseTable(simd, &error);
    if (table == nullptr) throw Napi::Error::New(env, error);
    const int n = threads > 0 ? static_cast<int>(std::min<int64_t>(threads, 64)) : memonet::ThreadCount();
    ctx_ = std::make_unique<Context>(table, n);
  }

 private:
  Context& Ctx(const Napi::Env& env) {
    if (!ctx_) throw Napi::Error::New(env, "native: the kernel context is closed");
    return *ctx_;
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    Context& c = Ctx(info.Env());
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("simd", c.table().name);
    o.Set("threads", c.threads());
    return o;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    ctx_.reset();
    return info.Env().Undefined();
  }

  // Geometry (src/backends/reference/distances.ts): squaredDistances(a, aRows, b, bRows, dim, out)
  // fills out[i * bRows + j] = ||a_i - b_j||^2 (distances.h), on this context's pool.
  Napi::Value SquaredDistances(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Context& c = Ctx(env);
    size_t aLen, bLen, outLen;
    const float* a = Data<float>(info[0], napi_float32_array, "native.squaredDistances: a must be a Float32Array", &aLen);
    const int64_t aRows = Int(info[1], "native.squaredDistances: aRows must be a number");
    const float* b = Data<float>(info[2], napi_float32_array, "native.squaredDistances: b must be a Float32Array", &bLen);
    const int64_t bRows = Int(info[3], "native.squaredDistances: bRows must be a number");
    const int64_t dim = Int(info[4], "native.squaredDistances: dim must be a number");
    double* out = Data<double>(info[5], napi_float64_array, "native.squaredDistances: out must be a Float64Array", &outLen);
    if (dim < 1 || aRows < 0 || bRows < 0 || aLen < static_cast<size_t>(aRows * dim) ||
        bLen < static_cast<size_t>(bRows * dim) || outLen < static_cast<size_t>(aRows * bRows)) {
      RangeError(env, "native.squaredDistances: arrays too short");
    }
    memonet_distances::SquaredDistances(
        a, static_cast<int>(aRows), b, static_cast<int>(bRows), static_cast<int>(dim), out,
        [&c](int tasks, const std::function<void(int)>& fn) { c.Parallel(tasks, fn); });
    return Napi::Number::New(env, 0);
  }

  // firstLayer({x, rows, dim, weights, width, bias, bits?, wordsPerRow?, values?, rowOffset})
  Napi::Value FirstLayer(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Context& c = Ctx(env);
    if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "native.firstLayer: options object expected");
    Napi::Object o = info[0].As<Napi::Object>();
    size_t xLen, wLen, bLen, outLen = 0;
    memonet::LayerArgs a{};
    a.x = Data<float>(o.Get("x"), napi_float32_array, "native.firstLayer: x must be a Float32Array", &xLen);
    a.rows = static_cast<int>(Int(o.Get("rows"), "native.firstLayer: rows must be a number"));
    a.dim = static_cast<int>(Int(o.Get("dim"), "native.firstLayer: dim must be a number"));
    a.w = Data<float>(o.Get("weights"), napi_float32_array, "native.firstLayer: weights must be a Float32Array", &wLen);
    a.width = static_cast<int>(Int(o.Get("width"), "native.firstLayer: width must be a number"));
    a.bias = Data<float>(o.Get("bias"), napi_float32_array, "native.firstLayer: bias must be a Float32Array", &bLen);
    const int64_t offset = Int(o.Get("rowOffset"), "native.firstLayer: rowOffset must be a number");
    if (a.rows < 0 || a.dim < 0 || a.width < 0 || offset < 0) RangeError(env, "native.firstLayer: negative size");
    if (xLen < static_cast<size_t>(a.rows) * a.dim || wLen < static_cast<size_t>(a.width) * a.dim || bLen < static_cast<size_t>(a.width)) {
      RangeError(env, "native.firstLayer: x, weights or bias too short");
    }
    memonet::LayerOut out{nullptr, 0, nullptr};
    const Napi::Value bits = o.Get("bits");
    if (!bits.IsUndefined() && !bits.IsNull()) {
      out.bits = Data<uint32_t>(bits, napi_uint32_array, "native.firstLayer: bits must be a Uint32Array", &outLen);
      out.words = Int(o.Get("wordsPerRow"), "native.firstLayer: wordsPerRow must be a number");
      if (out.words % 2 != 0 || out.words * 32 < a.width || outLen < static_cast<size_t>(offset + a.rows) * out.words) {
        RangeError(env, "native.firstLayer: bits cannot hold the rows");
      }
      out.bits += offset * out.words;
    }
    const Napi::Value values = o.Get("values");
    if (!values.IsUndefined() && !values.IsNull()) {
      out.values = Data<float>(values, napi_float32_array, "native.firstLayer: values must be a Float32Array", &outLen);
      if (outLen < static_cast<size_t>(offset + a.rows) * a.width) RangeError(env, "native.firstLayer: values too short");
      out.values += offset * a.width;
    }
    if (a.rows > 0 && a.width > 0) c.FirstLayer(a, out);
    return env.Undefined();
  }

  // maskedMinMany(bits, wordsPerRow, masks, k, rows, count, stopAt, out Int32Array(k)) -> 0, or
  // -1 - t when rows[t] is not a row of bits (nothing computed; so for all popcount kernels).
  Napi::Value MaskedMinMany(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Context& c = Ctx(env);
    size_t bitsLen, masksLen, rowsLen, outLen;
    const uint32_t* bits = Data<uint32_t>(info[0], napi_uint32_array, "native.maskedMinMany: bits must be a Uint32Array", &bitsLen);
    const int64_t words = Int(info[1], "native.maskedMinMany: wordsPerRow must be a number");
    const uint32_t* masks = Data<uint32_t>(info[2], napi_uint32_array, "native.maskedMinMany: masks must be a Uint32Array", &masksLen);
    const int64_t k = Int(info[3], "native.maskedMinMany: maskCount must be a number");
    const int32_t* rows = Data<int32_t>(info[4], napi_int32_array, "native.maskedMinMany: rows must be an Int32Array", &rowsLen);
    const int64_t count = Int(info[5], "native.maskedMinMany: count must be a number");
    const int64_t stopAt = Int(info[6], "native.maskedMinMany: stopAt must be a number");
    int32_t* out = Data<int32_t>(info[7], napi_int32_array, "native.maskedMinMany: out must be an Int32Array", &outLen);
    const int64_t bad = CheckRows(env, "maskedMinMany", bitsLen, words, rows, rowsLen, count);
    if (bad >= 0) return Napi::Number::New(env, static_cast<double>(-1 - bad));
    if (k < 0 || masksLen < static_cast<size_t>(k * words) || outLen < static_cast<size_t>(k)) {
      RangeError(env, "native.maskedMinMany: masks or out too short");
    }
    c.MinMany(bits, static_cast<int>(words), masks, static_cast<int>(k), rows, static_cast<int>(count),
              static_cast<int>(stopAt), out);
    return Napi::Number::New(env, 0);
  }

  // maskedBelow(bits, wordsPerRow, mask, rows, count, bound, out) -> number written
  Napi::Value MaskedBelow(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Context& c = Ctx(env);
    size_t bitsLen, maskLen, rowsLen, outLen;
    const uint32_t* bits = Data<uint32_t>(info[0], napi_uint32_array, "native.maskedBelow: bits must be a Uint32Array", &bitsLen);
    const int64_t words = Int(info[1], "native.maskedBelow: wordsPerRow must be a number");
    const uint32_t* mask = Data<uint32_t>(info[2], napi_uint32_array, "native.maskedBelow: mask must be a Uint32Array", &maskLen);
    const int32_t* rows = Data<int32_t>(info[3], napi_int32_array, "native.maskedBelow: rows must be an Int32Array", &rowsLen);
    const int64_t count = Int(info[4], "native.maskedBelow: count must be a number");
    const double bound = Real(info[5], "native.maskedBelow: bound must be a number");
    int32_t* out = Data<int32_t>(info[6], napi_int32_array, "native.maskedBelow: out must be an Int32Array", &outLen);
    const int64_t bad = CheckRows(env, "maskedBelow", bitsLen, words, rows, rowsLen, count);
    if (bad >= 0) return Napi::Number::New(env, static_cast<double>(-1 - bad));
    if (maskLen < static_cast<size_t>(words)) RangeError(env, "native.maskedBelow: mask too short");
    const size_t n = c.Below(bits, static_cast<int>(words), mask, rows, static_cast<int>(count), bound, out, outLen);
    return Napi::Number::New(env, static_cast<double>(n));
  }

  // maskedAnyBelow(bits, wordsPerRow, masks, thresholds Float64Array, k, rows, count, out Uint8Array)
  Napi::Value MaskedAnyBelow(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Context& c = Ctx(env);
    size_t bitsLen, masksLen, thrLen, rowsLen, outLen;
    const uint32_t* bits = Data<uint32_t>(info[0], napi_uint32_array, "native.maskedAnyBelow: bits must be a Uint32Array", &bitsLen);
    const int64_t words = Int(info[1], "native.maskedAnyBelow: wordsPerRow must be a number");
    const uint32_t* masks = Data<uint32_t>(info[2], napi_uint32_array, "native.maskedAnyBelow: masks must be a Uint32Array", &masksLen);
    const double* thr = Data<double>(info[3], napi_float64_array, "native.maskedAnyBelow: thresholds must be a Float64Array", &thrLen);
    const int64_t k = Int(info[4], "native.maskedAnyBelow: maskCount must be a number");
    const int32_t* rows = Data<int32_t>(info[5], napi_int32_array, "native.maskedAnyBelow: rows must be an Int32Array", &rowsLen);
    const int64_t count = Int(info[6], "native.maskedAnyBelow: count must be a number");
    uint8_t* out = Data<uint8_t>(info[7], napi_uint8_array, "native.maskedAnyBelow: out must be a Uint8Array", &outLen);
    if (k < 0 || masksLen < static_cast<size_t>(k * words) || thrLen < static_cast<size_t>(k) ||
        outLen < static_cast<size_t>(std::max<int64_t>(count, 0))) {
      RangeError(env, "native.maskedAnyBelow: arrays too short");
    }
    const int64_t bad = CheckRows(env, "maskedAnyBelow", bitsLen, words, rows, rowsLen, count);
    if (bad >= 0) return Napi::Number::New(env, static_cast<double>(-1 - bad));
    c.AnyBelow(bits, static_cast<int>(words), masks, thr, static_cast<int>(k), rows, static_cast<int>(count), out);
    return Napi::Number::New(env, 0);
  }

  // coverage(bits, wordsPerRow, masks, k, bounds Float64Array, rows, count, out Uint32Array) -> 0,
  // or -1 - t at a bad row: out holds ceil(count / 32) words per mask (see Context::Coverage).
  Napi::Value Coverage(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Context& c = Ctx(env);
    size_t bitsLen, masksLen, boundsLen, rowsLen, outLen;
    const uint32_t* bits = Data<uint32_t>(info[0], napi_uint32_array, "native.coverage: bits must be a Uint32Array", &bitsLen);
    const int64_t words = Int(info[1], "native.coverage: wordsPerRow must be a number");
    const uint32_t* masks = Data<uint32_t>(info[2], napi_uint32_array, "native.coverage: masks must be a Uint32Array", &masksLen);
    const int64_t k = Int(info[3], "native.coverage: maskCount must be a number");
    const double* bounds = Data<double>(info[4], napi_float64_array, "native.coverage: bounds must be a Float64Array", &boundsLen);
    const int32_t* rows = Data<int32_t>(info[5], napi_int32_array, "native.coverage: rows must be an Int32Array", &rowsLen);
    const int64_t count = Int(info[6], "native.coverage: count must be a number");
    uint32_t* out = Data<uint32_t>(info[7], napi_uint32_array, "native.coverage: out must be a Uint32Array", &outLen);
    const int64_t bad = CheckRows(env, "coverage", bitsLen, words, rows, rowsLen, count);
    if (bad >= 0) return Napi::Number::New(env, static_cast<double>(-1 - bad));
    if (k < 0 || masksLen < static_cast<size_t>(k * words) || boundsLen < static_cast<size_t>(k) ||
        outLen < static_cast<size_t>(k * ((count + 31) / 32))) {
      RangeError(env, "native.coverage: masks, bounds or out too short");
    }
    c.Coverage(bits, static_cast<int>(words), masks, static_cast<int>(k), bounds, rows, static_cast<int>(count), out);
    return Napi::Number::New(env, 0);
  }

  // separation(bits, wordsPerRow, validBits, negRows, posRows, stopAtFirst, out Float64Array(4))
  // out = [maxFirst, unseparated, exampleNeg, examplePos]; returns 0, or -1 - t when a row index
  // is not a row of bits (t counts negRows then posRows).
  Napi::Value Separation(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Context& c = Ctx(env);
    size_t bitsLen, negLen, posLen, outLen;
    const uint32_t* bits = Data<uint32_t>(info[0], napi_uint32_array, "native.separation: bits must be a Uint32Array", &bitsLen);
    const int64_t words = Int(info[1], "native.separation: wordsPerRow must be a number");
    const int64_t validBits = Int(info[2], "native.separation: validBits must be a number");
    const int32_t* neg = Data<int32_t>(info[3], napi_int32_array, "native.separation: negative rows must be an Int32Array", &negLen);
    const int32_t* pos = Data<int32_t>(info[4], napi_int32_array, "native.separation: positive rows must be an Int32Array", &posLen);
    if (!info[5].IsBoolean()) throw Napi::TypeError::New(env, "native.separation: stopAtFirst must be a boolean");
    const bool stopAtFirst = info[5].As<Napi::Boolean>().Value();
    double* out = Data<double>(info[6], napi_float64_array, "native.separation: out must be a Float64Array", &outLen);
    if (outLen < 4) RangeError(env, "native.separation: out too short");
    const int64_t badNeg = CheckRows(env, "separation", bitsLen, words, neg, negLen, static_cast<int64_t>(negLen));
    if (badNeg >= 0) return Napi::Number::New(env, static_cast<double>(-1 - badNeg));
    const int64_t badPos = CheckRows(env, "separation", bitsLen, words, pos, posLen, static_cast<int64_t>(posLen));
    if (badPos >= 0) return Napi::Number::New(env, static_cast<double>(-1 - static_cast<int64_t>(negLen) - badPos));
    c.Separation(bits, static_cast<int>(words), static_cast<int>(validBits), neg, static_cast<int>(negLen), pos,
                 static_cast<int>(posLen), stopAtFirst, out);
    return Napi::Number::New(env, 0);
  }

  // sampleHyperplanes(state Float64Array(5), dim, count, lambda, weights, bias): continues the
  // stream (state = s0..s3, spare) and updates state.
  Napi::Value SampleHyperplanes(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Context& c = Ctx(env);
    size_t stLen, wLen, bLen;
    double* st = Data<double>(info[0], napi_float64_array, "native.sampleHyperplanes: state must be a Float64Array", &stLen);
    const int64_t dim = Int(info[1], "native.sampleHyperplanes: dim must be a number");
    const int64_t count = Int(info[2], "native.sampleHyperplanes: count must be a number");
    const double lambda = Real(info[3], "native.sampleHyperplanes: lambda must be a number");
    float* w = Data<float>(info[4], napi_float32_array, "native.sampleHyperplanes: weights must be a Float32Array", &wLen);
    float* b = Data<float>(info[5], napi_float32_array, "native.sampleHyperplanes: bias must be a Float32Array", &bLen);
    if (stLen < 5 || dim < 0 || count < 0 || wLen < static_cast<size_t>(dim * count) || bLen < static_cast<size_t>(count)) {
      RangeError(env, "native.sampleHyperplanes: arrays too short for dim x count");
    }
    memonet::RngState r{static_cast<uint32_t>(st[0]), static_cast<uint32_t>(st[1]), static_cast<uint32_t>(st[2]),
                        static_cast<uint32_t>(st[3]), st[4]};
    c.SampleHyperplanes(r, dim, count, lambda, w, b);
    st[0] = r.s0;
    st[1] = r.s1;
    st[2] = r.s2;
    st[3] = r.s3;
    st[4] = r.spare;
    return env.Undefined();
  }

  std::unique_ptr<Context> ctx_;
};

// tables() -> [{name, supported}] in order of preference ("auto" takes the first supported).
Napi::Value Tables(const Napi::CallbackInfo& info) {
  const std::vector<memonet::TableEntry> all = memonet::CompiledTables();
  Napi::Array list = Napi::Array::New(info.Env(), all.size());
  for (size_t i = 0; i < all.size(); i++) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("name", all[i].table->name);
    o.Set("supported", all[i].supported);
    list.Set(static_cast<uint32_t>(i), o);
  }
  return list;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("tables", Napi::Function::New(env, Tables, "tables"));
  exports.Set("Context", ContextWrap::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Init)
