#include "sandbox/core/port_state.hpp"

namespace runhub::sandbox {

port_state::port_state(std::unique_ptr<emulator> emu, std::shared_ptr<sandbox_clock> clock,
                       std::uint64_t seed, std::string base_url)
    : emu_(std::move(emu)),
      clock_(std::move(clock)),
      base_url_(std::move(base_url)),
      seed_(seed),
      rng_(seed, "faults:" + std::string(emu_->vendor())) {}

fault_config port_state::faults() const {
    std::lock_guard lock(mutex_);
    return faults_;
}

void port_state::set_faults(fault_config c) {
    emu_->set_forced_outcome(c.outcome);
    std::lock_guard lock(mutex_);
    faults_ = std::move(c);
}

fault_decision port_state::next_fault() {
    std::lock_guard lock(mutex_);
    return decide_fault(faults_, rng_);
}

void port_state::reset() {
    emu_->reset();
    emu_->set_forced_outcome("");
    stats_.clear();
    window_.clear();
    std::lock_guard lock(mutex_);
    faults_ = fault_config{};
    rng_ = seeded_rng(seed_, "faults:" + std::string(emu_->vendor()));
}

}  // namespace runhub::sandbox
