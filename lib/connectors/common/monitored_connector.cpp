#include "connectors/common/monitored_connector.hpp"

namespace runhub::connectors {

namespace asio = boost::asio;

monitored_connector::monitored_connector(std::shared_ptr<connector> inner,
                                         http::breaker_options breaker,
                                         std::shared_ptr<const http::rate_budget> budget)
    : inner_(std::move(inner)),
      health_(std::make_shared<source_health>(breaker)),
      budget_(std::move(budget)) {}

template <class T>
bool monitored_connector::admit(outcome<T>& refused) {
    if (health_->allow(clock::now())) return true;
    connector_error e;
    e.kind = http::upstream_error_kind::circuit_open;
    e.detail = source().name + ": circuit open, call not sent";
    refused = outcome<T>::failure(std::move(e));
    return false;
}

template <class T>
void monitored_connector::settle(const outcome<T>& o, clock::time_point started) {
    auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started);
    health_->record(o.ok() ? nullptr : &o.error, latency, clock::now(),
                    std::chrono::system_clock::now());
}

asio::awaitable<outcome<run_page>> monitored_connector::list(list_query q, std::string position,
                                                             int limit,
                                                             clock::time_point deadline) {
    outcome<run_page> o;
    if (!admit(o)) co_return o;
    const auto started = clock::now();
    o = co_await inner_->list(std::move(q), std::move(position), limit, deadline);
    settle(o, started);
    co_return o;
}

asio::awaitable<outcome<model::run>> monitored_connector::get(std::string native_id,
                                                              clock::time_point deadline) {
    outcome<model::run> o;
    if (!admit(o)) co_return o;
    const auto started = clock::now();
    o = co_await inner_->get(std::move(native_id), deadline);
    settle(o, started);
    co_return o;
}

asio::awaitable<outcome<std::vector<model::test_failure>>> monitored_connector::failures(
    std::string native_id, clock::time_point deadline) {
    outcome<std::vector<model::test_failure>> o;
    if (!admit(o)) co_return o;
    const auto started = clock::now();
    o = co_await inner_->failures(std::move(native_id), deadline);
    // "this vendor cannot list failures" is not a call at all.
    if (!o.ok() && o.error.unsupported) {
        health_->release();
        co_return o;
    }
    settle(o, started);
    co_return o;
}

asio::awaitable<outcome<trigger_result>> monitored_connector::trigger(trigger_request req,
                                                                      clock::time_point deadline) {
    outcome<trigger_result> o;
    if (!admit(o)) co_return o;
    const auto started = clock::now();
    o = co_await inner_->trigger(std::move(req), deadline);
    if (!o.ok() && (o.error.unsupported || o.error.invalid)) {
        health_->release();  // refused before any vendor call
        co_return o;
    }
    settle(o, started);
    co_return o;
}

asio::awaitable<outcome<model::run>> monitored_connector::cancel(std::string native_id,
                                                                 clock::time_point deadline) {
    outcome<model::run> o;
    if (!admit(o)) co_return o;
    const auto started = clock::now();
    o = co_await inner_->cancel(std::move(native_id), deadline);
    if (!o.ok() && o.error.unsupported) {
        health_->release();
        co_return o;
    }
    settle(o, started);
    co_return o;
}

}  // namespace runhub::connectors
