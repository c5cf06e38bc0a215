/* fuzz.h: the one entry point every fuzz target defines. Targets build
 * two ways: with libFuzzer (make fuzz, clang) and with replay.c, which
 * feeds a corpus and deterministic mutations of it (make test). */
#ifndef INTAKE_FUZZ_H
#define INTAKE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
