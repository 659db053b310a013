#pragma once
// runhub's HTTP/1.1 server: Beast on Asio C++20 coroutines, keep-alive, limits, request ids,
// access log and metrics. Handlers come from a router. Beast stays out of this header.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/metrics.hpp"
#include "http/router.hpp"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace runhub::http {

// Limits and timeouts of one server; every field has the documented default.
struct server_options {
    std::size_t max_header_bytes = 8 * 1024;           // header fields in bytes; over it -> 431
    std::size_t max_body_bytes = 1024 * 1024;          // request body; over it -> 413
    std::size_t max_target_bytes = 4 * 1024;           // request-target; over it -> 414
    std::chrono::milliseconds header_timeout{10'000};  // to receive a whole request head (and body)
    std::chrono::milliseconds idle_timeout{60'000};    // idle keep-alive connection is closed after
    std::chrono::milliseconds write_timeout{30'000};   // to write one response
    std::chrono::milliseconds drain_timeout{10'000};   // in-flight requests get this on shutdown
    bool access_log = true;       // one JSON line per request on the "access" logger
    std::string name = "runhub";  // tells servers apart in logs ("facade", "sandbox-<vendor>")
    // Only one thread runs the io_context (`serve --threads 1`): connections then run on its
    // executor directly instead of a strand each. Not read from the config file.
    bool one_thread = false;
};

// Thread-safety: listen() and use_tls() before running the io_context; shutdown() and the
// accessors from any thread. The io_context must outlive the server and be run by the caller
// (one or more threads); each connection runs on its own strand.
class server {
  public:
    server(boost::asio::io_context& io, server_options opts, std::shared_ptr<const router> routes,
           std::shared_ptr<metrics_registry> metrics);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Every connection accepted after this call speaks TLS with this context.
    void use_tls(std::shared_ptr<boost::asio::ssl::context> ctx);

    // Binds host:port (port 0 picks a free one) and starts accepting. Throws
    // boost::system::system_error when the address cannot be bound.
    void listen(std::string_view host, std::uint16_t port);
    std::uint16_t port() const;

    // Graceful stop: no new connections, idle connections closed, in-flight requests finish
    // (their connections then close) within drain_timeout, after which the rest are cut.
    // `on_done` runs once, on an io_context thread, when no connection is left.
    void shutdown(std::function<void()> on_done);

    std::size_t open_connections() const;

    struct impl;

  private:
    std::shared_ptr<impl> impl_;
};

}  // namespace runhub::http
