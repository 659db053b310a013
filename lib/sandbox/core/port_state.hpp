#pragma once
// What one vendor port shares between its wrapped vendor routes, its control routes and its
// tick timer: the emulator, the current faults, the rate window, the request stats and the
// fault RNG. Thread-safe; held by shared_ptr so that in-flight requests keep it alive.
#include <memory>
#include <mutex>
#include <string>

#include "sandbox/core/emulator.hpp"
#include "sandbox/core/fault_config.hpp"
#include "sandbox/core/rate_window.hpp"
#include "sandbox/core/request_stats.hpp"
#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox {

class port_state {
  public:
    port_state(std::unique_ptr<emulator> emu, std::shared_ptr<sandbox_clock> clock,
               std::uint64_t seed, std::string base_url);

    emulator& vendor() { return *emu_; }
    const emulator& vendor() const { return *emu_; }
    sandbox_clock& clock() { return *clock_; }
    const std::string& base_url() const { return base_url_; }
    request_stats& stats() { return stats_; }
    rate_window& window() { return window_; }

    fault_config faults() const;
    // Replaces the faults and forces the outcome they name ("" lets the seed decide).
    void set_faults(fault_config c);
    // The fault of the next request (draws from the port's seeded RNG).
    fault_decision next_fault();
    // Data back to the seed; stats, faults, forced outcome and rate window cleared.
    void reset();

  private:
    std::unique_ptr<emulator> emu_;
    std::shared_ptr<sandbox_clock> clock_;
    std::string base_url_;
    std::uint64_t seed_;
    request_stats stats_;
    rate_window window_;
    mutable std::mutex mutex_;  // faults_ and rng_
    fault_config faults_;
    seeded_rng rng_;
};

}  // namespace runhub::sandbox
