#!/bin/sh
# Generates the TypeScript types of proto/*.proto into proto/gen/ with the loader options the
# services load them with (proto/loader-options.json). Never edit proto/gen/ by hand.
set -e
cd "$(dirname "$0")/.."
rm -rf proto/gen
npx proto-loader-gen-types --longs=Number --enums=String --defaults --oneofs --grpcLib=@grpc/grpc-js --importFileExtension=.js \
  --outDir=proto/gen proto/*.proto
