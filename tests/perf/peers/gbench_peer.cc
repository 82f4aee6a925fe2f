#include <benchmark/benchmark.h>
#include <cstdint>
static void empty(benchmark::State& state) { for (auto _ : state) { benchmark::ClobberMemory(); } }
BENCHMARK(empty);
static uint64_t work(uint64_t x, int steps) { for (int i = 0; i < steps; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; } return x; }
static void one_us(benchmark::State& state) { uint64_t x = 88172645463325252u; for (auto _ : state) { x = work(x, 700); benchmark::DoNotOptimize(x); } }
BENCHMARK(one_us);
BENCHMARK_MAIN();
