#pragma once
// Runs a real runhub::http::server on 127.0.0.1:<ephemeral> with its own io threads, for
// integration tests. The destructor shuts the server down and joins the threads.
#include <memory>
#include <thread>
#include <vector>

#include "http/server.hpp"

namespace boost::asio {
class io_context;
}

namespace runhub::test {

class server_harness {
  public:
    server_harness(http::server_options opts, std::shared_ptr<http::router> routes, int threads = 2,
                   std::shared_ptr<http::metrics_registry> metrics = nullptr);
    ~server_harness();

    std::uint16_t port() const { return server_->port(); }
    http::metrics_registry& metrics() { return *metrics_; }
    http::server& server() { return *server_; }

    // Starts a graceful shutdown and blocks until it completes or `limit` passes; returns
    // whether it completed.
    bool shutdown_and_wait(std::chrono::milliseconds limit);

  private:
    std::unique_ptr<boost::asio::io_context> io_;
    std::shared_ptr<http::metrics_registry> metrics_;
    std::unique_ptr<http::server> server_;
    std::vector<std::thread> threads_;
    bool stopped_ = false;
};

}  // namespace runhub::test
