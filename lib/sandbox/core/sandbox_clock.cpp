#include "sandbox/core/emulator.hpp"

namespace runhub::sandbox {

sandbox_clock::sandbox_clock(std::optional<std::chrono::system_clock::time_point> start)
    : start_(start), started_at_(std::chrono::steady_clock::now()) {}

std::chrono::system_clock::time_point sandbox_clock::now() const {
    auto offset = std::chrono::milliseconds(offset_ms_.load());
    if (!start_) return std::chrono::system_clock::now() + offset;
    auto elapsed = std::chrono::steady_clock::now() - started_at_;
    return *start_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(elapsed) +
           offset;
}

void sandbox_clock::advance(std::chrono::milliseconds by) { offset_ms_.fetch_add(by.count()); }

}  // namespace runhub::sandbox
