#pragma once
// An in-memory connector for the aggregator's tests: newest-first runs served in pages, with
// scripted failures, latency, hangs, inserts at the top, and counts of calls.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/common/connector.hpp"

namespace runhub::aggregate::testing {

// A run of `source` with native id "r<n>" created at `ms` after the epoch.
model::run make_run(const std::string& source, int n, std::int64_t ms);

// Counts the calls in flight across every fake that shares it.
struct flight_meter {
    int now = 0;
    int max = 0;
};

class fake_connector final : public connectors::connector {
  public:
    enum class paging {
        keyset,  // position = the last run handed out: stable under inserts at the top
        offset,  // position = an index: inserts at the top repeat runs across a page boundary
    };

    fake_connector(std::string name, std::vector<model::run> runs, int max_page,
                   paging p = paging::keyset);

    const connectors::source_config& source() const override { return config_; }
    boost::asio::awaitable<connectors::outcome<connectors::run_page>> list(
        connectors::list_query q, std::string position, int limit,
        connectors::clock::time_point deadline) override;
    boost::asio::awaitable<connectors::outcome<model::run>> get(
        std::string native_id, connectors::clock::time_point deadline) override;
    boost::asio::awaitable<connectors::outcome<std::vector<model::test_failure>>> failures(
        std::string native_id, connectors::clock::time_point deadline) override;

    // A new run that sorts before every other one.
    void add(model::run r);

    // Scripting.
    std::chrono::milliseconds latency{0};
    bool hang = false;                      // never answers; a cancellation ends the wait
    std::chrono::milliseconds stubborn{0};  // answers only after this, ignoring cancellation
    bool fail_all = false;
    std::map<int, connectors::connector_error> fail_call;  // by call number, 1-based
    std::shared_ptr<flight_meter> meter = std::make_shared<flight_meter>();

    // Observations.
    int calls = 0;
    std::vector<std::string> positions;  // as asked, in order
    std::vector<int> limits;
    std::vector<connectors::clock::time_point> deadlines;
    int canceled = 0;  // calls ended by a cancellation

    connectors::source_config config_;

  private:
    connectors::run_page page_at(const std::string& position, int limit) const;

    std::vector<model::run> runs_;  // newest first
    int max_page_;
    paging paging_;
};

}  // namespace runhub::aggregate::testing
