{
  "targets": [
    {
      "target_name": "twist_augment",
      "sources": ["src/augment.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "../common"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-fexceptions", "-ffp-contract=off", "-fno-fast-math", "-Wno-unused-parameter"]
    }
  ]
}
