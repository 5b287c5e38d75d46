{
  "targets": [
    {
      "target_name": "twist_torch",
      "sources": ["src/addon.cc", "src/ops.cc", "src/caching-allocator.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node discover.mjs include)"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "<!@(node discover.mjs defines)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-O2", "-fexceptions", "-frtti", "-Wno-unused-parameter", "<!@(node discover.mjs cxxstd)"],
      "libraries": ["<!@(node discover.mjs libs)"],
      "ldflags": ["<!@(node discover.mjs ldflags)"]
    }
  ]
}
