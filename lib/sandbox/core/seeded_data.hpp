#pragma once
// Deterministic building blocks for the emulators' generated data: the same seed and salt give
// the same sequence on every machine (no std::uniform_*_distribution, whose output is
// implementation-defined).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runhub::sandbox {

class seeded_rng {
public:
    // `salt` separates the streams of different vendors and purposes under one seed.
    seeded_rng(std::uint64_t seed, std::string_view salt);
    std::uint64_t next();                    // splitmix64
    std::int64_t uniform(std::int64_t lo, std::int64_t hi);  // inclusive
    double real();                           // [0, 1)
    bool chance(double p);
    std::string hex(std::size_t n);          // n lowercase hex digits
    std::string uuid();                      // 8-4-4-4-12 lowercase hex, version 4 shape
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(v.size()) - 1))];
    }

private:
    std::uint64_t state_;
};

// Realistic pools for names and attributes.
const std::vector<std::string>& branch_names();
const std::vector<std::string>& suite_names();       // "checkout-flow", "smoke", ...
const std::vector<std::string>& test_case_names();   // "login with valid password", ...
const std::vector<std::string>& device_names();      // "Pixel 8 (Android 14)", ...
const std::vector<std::string>& environment_names(); // "staging", "production", ...
const std::vector<std::string>& failure_messages();  // assertion / timeout messages
const std::vector<std::string>& user_names();        // "Ada Lovelace", ...

// "2026-11-23T12:34:56.789Z"
std::string rfc3339_ms(std::chrono::system_clock::time_point t);
// "2026-11-23T12:34:56Z"
std::string rfc3339_s(std::chrono::system_clock::time_point t);
// Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)"; false on anything else.
bool parse_rfc3339(std::string_view text, std::chrono::system_clock::time_point& out);
std::int64_t unix_seconds(std::chrono::system_clock::time_point t);
std::int64_t unix_millis(std::chrono::system_clock::time_point t);

}  // namespace runhub::sandbox
