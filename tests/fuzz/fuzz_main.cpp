// The libFuzzer entry point of one target, chosen at compile time (-DDT_FUZZ_TARGET=...).
#include "tests/fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return dt::DT_FUZZ_TARGET(data, size);
}
