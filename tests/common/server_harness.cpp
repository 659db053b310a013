#include "common/server_harness.hpp"

#include <boost/asio/io_context.hpp>
#include <future>

namespace runhub::test {

server_harness::server_harness(http::server_options opts, std::shared_ptr<http::router> routes,
                               int threads, std::shared_ptr<http::metrics_registry> metrics)
    : io_(std::make_unique<boost::asio::io_context>(threads)),
      metrics_(metrics ? std::move(metrics) : std::make_shared<http::metrics_registry>()),
      server_(std::make_unique<http::server>(*io_, std::move(opts), std::move(routes), metrics_)) {
    server_->listen("127.0.0.1", 0);
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_->run(); });
}

bool server_harness::shutdown_and_wait(std::chrono::milliseconds limit) {
    if (stopped_) return true;
    auto done = std::make_shared<std::promise<void>>();
    auto fut = done->get_future();
    server_->shutdown([done] { done->set_value(); });
    bool ok = fut.wait_for(limit) == std::future_status::ready;
    stopped_ = ok;
    return ok;
}

server_harness::~server_harness() {
    shutdown_and_wait(std::chrono::seconds(15));
    io_->stop();
    for (auto& t : threads_) t.join();
    server_.reset();
    io_.reset();
}

}  // namespace runhub::test
