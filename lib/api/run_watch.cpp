#include "api/run_watch.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <vector>

namespace runhub::api {

namespace asio = boost::asio;
using connectors::clock;
using wake_channel = asio::experimental::concurrent_channel<void(boost::system::error_code)>;

namespace {

// One watched run: what is known of it and who waits.
struct watched_run {
    std::mutex mu;
    std::optional<model::run> latest;
    std::optional<connectors::connector_error> error;  // the last poll's, when it failed
    std::uint64_t version = 0;                         // bumped on every news
    std::vector<std::shared_ptr<wake_channel>> waiters;
    bool polling = false;

    void notify_locked() {
        ++version;
        for (auto& w : waiters) w->try_send(boost::system::error_code{});
    }
};

}  // namespace

struct run_watch::state {
    watch_options opts;
    mutable std::mutex mu;
    std::map<std::string, std::shared_ptr<watched_run>> runs;  // by facade run id
    std::atomic<std::uint64_t> polls{0};

    std::shared_ptr<watched_run> entry(const std::string& id) {
        std::lock_guard lock(mu);
        auto& w = runs[id];
        if (!w) w = std::make_shared<watched_run>();
        return w;
    }
    void forget_if_idle(const std::string& id, const std::shared_ptr<watched_run>& w) {
        std::lock_guard lock(mu);
        std::lock_guard wl(w->mu);
        if (w->waiters.empty() && !w->polling) {
            auto it = runs.find(id);
            if (it != runs.end() && it->second == w) runs.erase(it);
        }
    }
};

namespace {

asio::awaitable<void> poll(std::shared_ptr<run_watch::state> st, std::shared_ptr<watched_run> w,
                           std::shared_ptr<connectors::connector> source, std::string native_id,
                           std::string id) {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer pause(ex);
    auto interval = st->opts.first_interval;
    connectors::outcome<model::run> got;
    for (;;) {
        st->polls.fetch_add(1, std::memory_order_relaxed);
        got = co_await source->get(native_id, clock::now() + st->opts.call_timeout);
        bool stop = false;
        {
            std::lock_guard lock(w->mu);
            // A poll that answers an unfinished state after a webhook said the run ended
            // (the vendor lagging, or a read begun before the news) does not undo the end.
            if (got.ok() && w->latest && w->latest->terminal && !got.value->terminal)
                got.value = w->latest;
            if (got.ok()) {
                const bool changed = !w->latest || w->latest->status != got.value->status ||
                                     w->latest->terminal != got.value->terminal;
                w->latest = *got.value;
                w->error.reset();
                if (changed) interval = st->opts.first_interval;
                w->notify_locked();
                stop = w->latest->terminal;
            } else {
                w->error = got.error;
                w->notify_locked();
                stop = got.error.not_found;
            }
            if (w->waiters.empty()) stop = true;
            if (stop) w->polling = false;
        }
        if (stop) break;
        pause.expires_after(interval);
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        interval =
            std::min(st->opts.max_interval,
                     std::chrono::duration_cast<std::chrono::milliseconds>(interval * 3 / 2));
        std::lock_guard lock(w->mu);
        if (w->waiters.empty()) {
            w->polling = false;
            break;
        }
    }
    st->forget_if_idle(id, w);
}

}  // namespace

run_watch::run_watch(watch_options o) : state_(std::make_shared<state>()) { state_->opts = o; }

run_watch::~run_watch() = default;

std::uint64_t run_watch::polls() const { return state_->polls.load(); }

std::size_t run_watch::watched_count() const {
    std::lock_guard lock(state_->mu);
    return state_->runs.size();
}

void run_watch::publish(const model::run& r) {
    std::shared_ptr<watched_run> w;
    {
        std::lock_guard lock(state_->mu);
        auto it = state_->runs.find(r.id);
        if (it == state_->runs.end()) return;
        w = it->second;
    }
    std::lock_guard lock(w->mu);
    if (w->latest && w->latest->terminal && !r.terminal) return;  // never backwards
    w->latest = r;
    w->error.reset();
    w->notify_locked();
}

asio::awaitable<connectors::outcome<model::run>> run_watch::wait(
    std::shared_ptr<connectors::connector> source, std::string native_id,
    std::optional<model::run_status> known, clock::time_point until) {
    // Locals at function scope (GCC 12 coroutine bug, see lib/http/connection.cpp).
    auto st = state_;
    auto ex = co_await asio::this_coro::executor;
    const std::string id = model::make_run_id(source->source().name, native_id);
    auto w = st->entry(id);
    auto ch = std::make_shared<wake_channel>(ex, 1);
    asio::steady_timer timer(ex, until);
    std::optional<model::run> answer;
    std::optional<connectors::connector_error> failure;
    std::uint64_t seen = 0;
    bool start_poller = false;
    {
        std::lock_guard lock(w->mu);
        w->waiters.push_back(ch);
        if (!w->polling) {
            // Nobody polls it: what is known may be old. Ask now, and wait for that answer.
            w->polling = true;
            start_poller = true;
            seen = w->version;
        } else if (w->latest) {
            seen = w->version - 1;  // the poller's latest is current: judge it at once
        } else {
            seen = w->version;
        }
    }
    if (start_poller) asio::co_spawn(ex, poll(st, w, source, native_id, id), asio::detached);
    timer.async_wait([ch](boost::system::error_code ec) {
        if (!ec) ch->try_send(asio::error::timed_out);
    });
    for (;;) {
        {
            std::lock_guard lock(w->mu);
            if (w->version > seen) {
                seen = w->version;
                if (w->latest) {
                    if (!known) known = w->latest->status;
                    if (w->latest->terminal || w->latest->status != *known) answer = w->latest;
                } else if (w->error) {
                    failure = w->error;
                }
            }
        }
        if (answer || failure) break;
        auto [ec] = co_await ch->async_receive(asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::timed_out || ec == asio::experimental::error::channel_cancelled ||
            ec == asio::error::operation_aborted || clock::now() >= until) {
            std::lock_guard lock(w->mu);
            if (w->latest)
                answer = w->latest;
            else
                failure = w->error.value_or(connectors::connector_error{
                    http::upstream_error_kind::timeout, 0, "no answer before the wait ended"});
            break;
        }
    }
    timer.cancel();
    {
        std::lock_guard lock(w->mu);
        std::erase(w->waiters, ch);
    }
    st->forget_if_idle(id, w);
    if (answer) co_return connectors::outcome<model::run>::success(std::move(*answer));
    co_return connectors::outcome<model::run>::failure(std::move(*failure));
}

}  // namespace runhub::api
