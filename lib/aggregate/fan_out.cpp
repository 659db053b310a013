#include "aggregate/fan_out.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

namespace runhub::aggregate {
namespace asio = boost::asio;
using connectors::clock;

namespace {

// Shared by the collecting coroutine and the calls; everything here is touched on the strand.
struct gathering {
    gathering(asio::any_io_executor ex, std::size_t n) : results(n), cancels(n), wake(ex) {}
    std::vector<std::optional<fetch_result>> results;
    std::vector<asio::cancellation_signal> cancels;
    std::size_t pending = 0;
    asio::steady_timer wake;  // the collector sleeps on it; the last call to answer cancels it
};

fetch_result from_outcome(connectors::outcome<connectors::run_page> o) {
    fetch_result r;
    if (o.ok()) {
        r.status = source_status::ok;
        r.page = std::move(o.value);
        r.cache = o.cache;
        if (o.cache.how == connectors::cache_note::kind::stale) {
            r.status = source_status::stale;
            if (o.cache.stale_because) r.error = std::move(*o.cache.stale_because);
        }
    } else {
        r.status = o.error.kind == http::upstream_error_kind::timeout ? source_status::timeout
                                                                      : source_status::error;
        r.error = std::move(o.error);
    }
    return r;
}

fetch_result timed_out(std::string detail) {
    fetch_result r;
    r.status = source_status::timeout;
    r.error.kind = http::upstream_error_kind::timeout;
    r.error.detail = std::move(detail);
    return r;
}

void settle(gathering& g, std::size_t i, fetch_result r) {
    if (g.results[i]) return;  // already timed out: a late answer is dropped
    g.results[i] = std::move(r);
    if (--g.pending == 0) g.wake.cancel();
}

asio::awaitable<void> call_one(std::shared_ptr<gathering> g, std::size_t i, fetch_job job,
                               clock::time_point deadline) {
    fetch_result r;
    try {
        auto o = co_await job.source->list(std::move(job.query), std::move(job.position), job.limit,
                                           deadline);
        r = from_outcome(std::move(o));
    } catch (const std::exception& e) {
        r.status = source_status::error;
        r.error.kind = http::upstream_error_kind::network;
        r.error.detail = std::string("connector threw: ") + e.what();
    }
    settle(*g, i, std::move(r));
}

asio::awaitable<std::vector<fetch_result>> collect(asio::strand<asio::any_io_executor> strand,
                                                   std::vector<fetch_job> jobs,
                                                   clock::time_point request_deadline) {
    auto g = std::make_shared<gathering>(strand, jobs.size());
    std::vector<clock::time_point> deadlines(jobs.size());
    auto start = clock::now();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        deadlines[i] = std::min(request_deadline, start + jobs[i].source->source().timeout);
        if (deadlines[i] <= start) {
            g->results[i] = timed_out("no time left before the request deadline");
            continue;
        }
        ++g->pending;
        auto call = call_one(g, i, std::move(jobs[i]), deadlines[i]);
        // The call's cancellation state clears its slot (in g->cancels) when its frame goes,
        // which is after this handler ran: keep g alive until a later turn of the strand.
        auto done = [g, strand](std::exception_ptr) mutable {
            auto release = [keep = std::move(g)] {};
            asio::post(strand, std::move(release));
        };
        asio::co_spawn(strand, std::move(call),
                       asio::bind_cancellation_slot(g->cancels[i].slot(), std::move(done)));
    }
    while (g->pending > 0) {
        auto now = clock::now();
        auto next = clock::time_point::max();
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            if (g->results[i]) continue;
            if (deadlines[i] <= now) {
                g->results[i] = timed_out("no answer before the deadline");
                --g->pending;
                g->cancels[i].emit(asio::cancellation_type::terminal);
            } else {
                next = std::min(next, deadlines[i]);
            }
        }
        if (g->pending == 0) break;
        g->wake.expires_at(next);
        co_await g->wake.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    std::vector<fetch_result> out;
    out.reserve(jobs.size());
    for (auto& r : g->results) out.push_back(std::move(*r));
    co_return out;
}

}  // namespace

asio::awaitable<std::vector<fetch_result>> fan_out(std::vector<fetch_job> jobs,
                                                   clock::time_point request_deadline) {
    auto ex = co_await asio::this_coro::executor;
    auto strand = asio::make_strand(ex);
    auto task = collect(strand, std::move(jobs), request_deadline);
    auto results = co_await asio::co_spawn(strand, std::move(task), asio::use_awaitable);
    co_return results;
}

}  // namespace runhub::aggregate
