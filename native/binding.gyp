{
  "targets": [
    {
      "target_name": "memonet_native",
      "sources": ["kernels.cc"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-std=c++17", "-ffp-contract=off", "-fno-fast-math", "-pthread"],
      "ldflags": ["-pthread"]
    }
  ]
}
