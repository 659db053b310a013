// How honest is the memory store's byte accounting? Fills a memory_store with many entries and
// compares its accounted bytes with the heap it really grew by (glibc mallinfo2: bytes in use,
// mmapped blocks included). Exits 1 when any scenario is off by more than 10%.
//
// Meaningful only without sanitizers (they replace malloc): build and run from a release tree:
//   cmake --preset release -B build/release-cache
//   cmake --build build/release-cache --target runhub_cache_memory_bench
//   build/release-cache/tests/cache/runhub_cache_memory_bench
#include <malloc.h>

#include <cstdio>
#include <random>
#include <string>

#include "cache/memory_store.hpp"

namespace {
using namespace runhub::cache;
using namespace std::chrono_literals;

std::size_t heap_in_use() {
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

struct scenario {
    const char* name;
    std::size_t entries;
    std::size_t min_value, max_value;  // value sizes, uniform
    std::size_t bound;                 // the store's max_bytes (evicting when reached)
};

bool run(const scenario& s) {
    std::mt19937 rng(42);
    std::uniform_int_distribution<std::size_t> size(s.min_value, s.max_value);
    std::uniform_int_distribution<int> id_len(6, 40);
    auto now = system_now();
    std::size_t before = 0, after = 0;
    store_stats st;
    {
        memory_store store({s.bound});
        before = heap_in_use();
        for (std::size_t i = 0; i < s.entries; ++i) {
            std::string id = std::to_string(i);
            id.resize(std::size_t(id_len(rng)), 'x');
            auto key = cache_key::for_run("buildkite-main", id);
            store.insert(key, make_entry(std::string(size(rng), 'j'), now, 1h, 10min));
        }
        after = heap_in_use();
        st = store.stats();
    }
    double real = double(after - before);
    double ratio = double(st.bytes) / real;
    bool ok = ratio >= 0.9 && ratio <= 1.1;
    std::printf(
        "%-28s entries %8llu  evictions %8llu  accounted %11llu  heap %11.0f  ratio %.3f %s\n",
        s.name, (unsigned long long)st.entries, (unsigned long long)st.evictions,
        (unsigned long long)st.bytes, real, ratio, ok ? "ok" : "OFF BY MORE THAN 10%");
    return ok;
}

}  // namespace

int main() {
    const std::size_t mib = 1024 * 1024;
    const scenario scenarios[] = {
        {"tiny values 0..64 B", 200'000, 0, 64, 1024 * mib},
        {"small values 64..512 B", 200'000, 64, 512, 1024 * mib},
        {"run-sized 1..3 KiB", 50'000, 1024, 3072, 1024 * mib},
        {"page-sized 8..64 KiB", 2'000, 8 * 1024, 64 * 1024, 1024 * mib},
        {"mixed 0..16 KiB at 64 MiB", 20'000, 0, 16 * 1024, 64 * mib},
        {"flood 1..3 KiB at 64 MiB", 100'000, 1024, 3072, 64 * mib},
    };
    std::printf("memory_store::entry_overhead = %zu bytes\n", memory_store::entry_overhead);
    bool all = true;
    for (const auto& s : scenarios) all = run(s) && all;
    return all ? 0 : 1;
}
