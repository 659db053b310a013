#pragma once
// A source's connector behind the cache: list pages, runs and failures are answered from the
// cache while fresh, identical misses share one upstream call, and when the source fails an
// entry within its stale window is served instead, marked stale (outcome::cache). What the
// inner connector says "does not exist" or refuses as the caller's mistake is never hidden
// behind a stale entry.
#include <memory>

#include "cache/cache.hpp"
#include "connectors/common/connector.hpp"
#include "connectors/common/monitored_connector.hpp"

namespace runhub::cache {

class cached_connector final : public connectors::connector {
  public:
    cached_connector(std::shared_ptr<connectors::connector> inner, std::shared_ptr<cache> c);

    const connectors::source_config& source() const override { return inner_->source(); }
    boost::asio::awaitable<connectors::outcome<connectors::run_page>> list(
        connectors::list_query q, std::string position, int limit,
        connectors::clock::time_point deadline) override;
    boost::asio::awaitable<connectors::outcome<model::run>> get(
        std::string native_id, connectors::clock::time_point deadline) override;
    // A hit answers the entry's bytes as they are (no parse): the run with its raw object is
    // the entry's value, without it the entry's variant.
    boost::asio::awaitable<connectors::outcome<connectors::serialized_run>> get_json(
        std::string native_id, connectors::clock::time_point deadline, bool include_raw) override;
    boost::asio::awaitable<connectors::outcome<std::vector<model::test_failure>>> failures(
        std::string native_id, connectors::clock::time_point deadline) override;
    // Writes go straight through; the cached run is dropped so the next read sees the change.
    boost::asio::awaitable<connectors::outcome<connectors::trigger_result>> trigger(
        connectors::trigger_request req, connectors::clock::time_point deadline) override;
    boost::asio::awaitable<connectors::outcome<model::run>> cancel(
        std::string native_id, connectors::clock::time_point deadline) override;
    connectors::outcome<connectors::webhook_event> read_webhook(
        const http::header_fields& h, std::string_view body,
        std::string_view secret) const override {
        return inner_->read_webhook(h, body, secret);
    }

  private:
    // Whether the source's budget has no call left right now (an expired entry is then answered
    // stale at once while it refreshes, instead of waiting for the budget).
    bool budget_spent() const;

    std::shared_ptr<connectors::connector> inner_;
    std::shared_ptr<cache> cache_;
    // The inner connector when it is the source's monitored one (it knows the budget).
    std::shared_ptr<const connectors::monitored_connector> monitored_;
};

// The bytes a run is cached as (model::to_json(r, true) serialized), and back (nullopt when
// they are not a run).
std::string run_to_bytes(const model::run& r);
std::optional<model::run> run_from_bytes(std::string_view bytes);

// The bytes a page is cached as, and back (nullopt when they are not a page).
std::string page_to_bytes(const connectors::run_page& p);
std::optional<connectors::run_page> page_from_bytes(std::string_view bytes);

}  // namespace runhub::cache
