#pragma once
// A tiny emulator for the core's tests: GET /fake/runs, GET /fake/runs/{id}, POST /fake/runs,
// header `x-fake-key: k1`, a 429 carrying its rate_limit_state in headers, a 503, and counters
// of tick() and reset() calls. Independent of every real vendor.
#include <atomic>
#include <memory>

#include "sandbox/core/emulator.hpp"

namespace runhub::test {

class fake_emulator : public sandbox::emulator {
  public:
    explicit fake_emulator(sandbox::emulator_options o) : opts_(std::move(o)) {}

    std::string_view vendor() const override { return "fake"; }
    void add_routes(http::router& r) override;
    std::string auth_header() const override { return "x-fake-key"; }
    std::string auth_value() const override { return "k1"; }
    boost::json::object scope() const override;
    void reset() override { ++resets; }
    http::response rate_limited(const sandbox::rate_limit_state& s) const override;
    http::response server_error() const override;
    void tick() override { ++ticks; }

    std::atomic<int> ticks{0};
    std::atomic<int> resets{0};
    const sandbox::emulator_options& options() const { return opts_; }

  private:
    sandbox::emulator_options opts_;
};

std::unique_ptr<sandbox::emulator> make_fake_emulator(const sandbox::emulator_options& o);

}  // namespace runhub::test
