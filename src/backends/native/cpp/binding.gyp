{
  "targets": [
    {
      "target_name": "memonet_native",
      "sources": ["kernels.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-std=c++17", "-ffp-contract=off", "-fno-fast-math", "-pthread"],
      "ldflags": ["-pthread"]
    }
  ]
}
