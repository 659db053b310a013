#pragma once
// Wraps a source's connector with its health: every call first asks the source's circuit
// breaker (an open circuit fails at once with kind circuit_open, no upstream call), and its
// outcome and latency are recorded. The aggregator and the facade see only the wrapper.
#include <memory>

#include "connectors/common/connector.hpp"
#include "connectors/common/source_health.hpp"

namespace runhub::connectors {

class monitored_connector final : public connector {
  public:
    // `budget` is the source's outbound budget (drawn on by its HTTP client), kept here to be
    // shown; null when it has none.
    monitored_connector(std::shared_ptr<connector> inner, http::breaker_options breaker,
                        std::shared_ptr<const http::rate_budget> budget = nullptr);

    const source_config& source() const override { return inner_->source(); }
    boost::asio::awaitable<outcome<run_page>> list(list_query q, std::string position, int limit,
                                                   clock::time_point deadline) override;
    boost::asio::awaitable<outcome<model::run>> get(std::string native_id,
                                                    clock::time_point deadline) override;
    boost::asio::awaitable<outcome<std::vector<model::test_failure>>> failures(
        std::string native_id, clock::time_point deadline) override;

    boost::asio::awaitable<outcome<trigger_result>> trigger(trigger_request req,
                                                            clock::time_point deadline) override;
    boost::asio::awaitable<outcome<model::run>> cancel(std::string native_id,
                                                       clock::time_point deadline) override;
    // No upstream call: not admitted by the breaker, not recorded.
    outcome<webhook_event> read_webhook(const http::header_fields& h, std::string_view body,
                                        std::string_view secret) const override {
        return inner_->read_webhook(h, body, secret);
    }

    health_snapshot health() const { return health_->snapshot(clock::now()); }
    std::optional<http::budget_snapshot> budget() const {
        if (!budget_ || !budget_->limited()) return std::nullopt;
        return budget_->snapshot(clock::now());
    }

  private:
    template <class T>
    bool admit(outcome<T>& refused);
    template <class T>
    void settle(const outcome<T>& o, clock::time_point started);

    std::shared_ptr<connector> inner_;
    std::shared_ptr<source_health> health_;
    std::shared_ptr<const http::rate_budget> budget_;
};

}  // namespace runhub::connectors
