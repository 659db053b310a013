#include "fake_connector.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "aggregate/cursor_state.hpp"

namespace runhub::aggregate::testing {
namespace asio = boost::asio;
using connectors::clock;

model::run make_run(const std::string& source, int n, std::int64_t ms) {
    model::run r;
    r.source = source;
    r.vendor = "zof";
    r.native_id = "r" + std::to_string(n);
    r.id = model::make_run_id(source, r.native_id);
    r.status = model::run_status::passed;
    r.created_at = model::timestamp(std::chrono::milliseconds(ms));
    return r;
}

fake_connector::fake_connector(std::string name, std::vector<model::run> runs, int max_page,
                               paging p)
    : runs_(std::move(runs)), max_page_(max_page), paging_(p) {
    config_.name = std::move(name);
    config_.vendor = "zof";
    config_.timeout = std::chrono::milliseconds(60'000);
    std::sort(runs_.begin(), runs_.end(), model::newer_first);
}

void fake_connector::add(model::run r) { runs_.insert(runs_.begin(), std::move(r)); }

connectors::run_page fake_connector::page_at(const std::string& position, int limit) const {
    std::size_t start = 0;
    if (!position.empty()) {
        if (paging_ == paging::offset) {
            start = std::stoul(position);
        } else {
            auto bar = position.find('|');
            watermark w{
                model::timestamp(std::chrono::milliseconds(std::stoll(position.substr(0, bar)))),
                position.substr(bar + 1)};
            while (start < runs_.size() && !after_watermark(runs_[start], w)) ++start;
        }
    }
    auto n = static_cast<std::size_t>(std::max(1, std::min(limit, max_page_)));
    auto end = std::min(runs_.size(), start + n);
    connectors::run_page page;
    if (start < end) page.runs.assign(runs_.begin() + start, runs_.begin() + end);
    if (end < runs_.size()) {
        if (paging_ == paging::offset) {
            page.next = std::to_string(end);
        } else {
            const auto& last = runs_[end - 1];
            page.next = std::to_string(last.created_at->time_since_epoch().count()) + "|" + last.id;
        }
    }
    return page;
}

asio::awaitable<connectors::outcome<connectors::run_page>> fake_connector::list(
    connectors::list_query, std::string position, int limit, clock::time_point deadline) {
    ++calls;
    positions.push_back(position);
    limits.push_back(limit);
    deadlines.push_back(deadline);
    int call = calls;
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer timer(ex);
    auto meter_ref = meter;
    ++meter_ref->now;
    meter_ref->max = std::max(meter_ref->max, meter_ref->now);
    if (stubborn.count() > 0) {
        co_await asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
        auto until = clock::now() + stubborn;
        while (clock::now() < until) {
            timer.expires_at(until);
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        }
    } else if (hang || latency.count() > 0) {
        timer.expires_after(hang ? std::chrono::hours(1) : latency);
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            ++canceled;
            --meter_ref->now;
            connectors::connector_error e;
            e.kind = http::upstream_error_kind::canceled;
            co_return connectors::outcome<connectors::run_page>::failure(std::move(e));
        }
    }
    --meter_ref->now;
    if (fail_all || fail_call.count(call)) {
        connectors::connector_error e;
        e.kind = http::upstream_error_kind::server;
        e.http_status = 503;
        if (fail_call.count(call)) e = fail_call[call];
        co_return connectors::outcome<connectors::run_page>::failure(std::move(e));
    }
    co_return connectors::outcome<connectors::run_page>::success(page_at(position, limit));
}

asio::awaitable<connectors::outcome<model::run>> fake_connector::get(std::string,
                                                                     clock::time_point) {
    connectors::connector_error e;
    e.unsupported = true;
    co_return connectors::outcome<model::run>::failure(std::move(e));
}

asio::awaitable<connectors::outcome<std::vector<model::test_failure>>> fake_connector::failures(
    std::string, clock::time_point) {
    connectors::connector_error e;
    e.unsupported = true;
    co_return connectors::outcome<std::vector<model::test_failure>>::failure(std::move(e));
}

}  // namespace runhub::aggregate::testing
