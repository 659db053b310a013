#include "http/circuit_breaker.hpp"

namespace runhub::http {

circuit_breaker::circuit_breaker(breaker_options o) : opts_(o) {}

bool circuit_breaker::allow(clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (state_ == state::open && now - opened_at_ >= opts_.open_for) {
        state_ = state::half_open;
        probe_in_flight_ = false;
    }
    switch (state_) {
        case state::closed:
            return true;
        case state::open:
            return false;
        case state::half_open:
            if (probe_in_flight_) return false;
            probe_in_flight_ = true;
            return true;
    }
    return false;
}

void circuit_breaker::record_success() {
    std::lock_guard lock(mutex_);
    state_ = state::closed;
    failures_ = 0;
    probe_in_flight_ = false;
}

void circuit_breaker::record_failure(clock::time_point now) {
    std::lock_guard lock(mutex_);
    ++failures_;
    if (state_ == state::half_open || failures_ >= opts_.failure_threshold) {
        state_ = state::open;
        opened_at_ = now;
        probe_in_flight_ = false;
    }
}

void circuit_breaker::record_neutral() {
    std::lock_guard lock(mutex_);
    probe_in_flight_ = false;
}

circuit_breaker::state circuit_breaker::current(clock::time_point now) const {
    std::lock_guard lock(mutex_);
    if (state_ == state::open && now - opened_at_ >= opts_.open_for) return state::half_open;
    return state_;
}

int circuit_breaker::consecutive_failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

std::string_view to_string(circuit_breaker::state s) {
    switch (s) {
        case circuit_breaker::state::closed:
            return "closed";
        case circuit_breaker::state::open:
            return "open";
        case circuit_breaker::state::half_open:
            return "half_open";
    }
    return "unknown";
}

}  // namespace runhub::http
