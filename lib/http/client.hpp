#pragma once
// runhub's outbound HTTP/1.1 client: TCP and TLS (OpenSSL, peer and host-name verification and
// SNI on by default), async DNS, a keep-alive pool per origin with a bound on connections, a
// deadline on every request, and retries of idempotent requests with full-jitter backoff that
// honour the vendor's wait hints. Upstream failures are values (client_result), never
// exceptions. Beast stays out of this header.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/header_fields.hpp"
#include "http/rate_budget.hpp"
#include "http/retry_policy.hpp"
#include "http/upstream_error.hpp"

namespace runhub::http {

struct client_options {
    std::string ca_file;                          // PEM bundle to trust; empty = the system's CAs
    bool verify_peer = true;                      // never turn off outside tests
    std::size_t max_connections_per_origin = 16;  // open (busy + idle); callers beyond it wait
    std::chrono::milliseconds idle_keep{30'000};  // an idle pooled connection is dropped after
    std::size_t max_response_bytes = 16 * 1024 * 1024;
    std::string user_agent = "runhub";
    // The outbound budget every attempt draws on (one per source); null = none.
    std::shared_ptr<rate_budget> budget;
};

struct client_request {
    std::string method = "GET";
    std::string url;  // absolute: http(s)://host[:port]/path?query
    header_fields headers;
    std::string body;
};

struct client_response {
    int status = 0;
    header_fields headers;
    std::string body;
};

struct client_result {
    upstream_error_kind error = upstream_error_kind::none;  // network/tls/timeout/canceled, or
                                                            // the status's kind when answered
    std::string detail;                       // for logs; never shown to API callers verbatim
    std::optional<client_response> response;  // set whenever the vendor answered
    int attempts = 0;
    bool budget_refused = false;  // not sent: the budget had no call left before the deadline
    bool ok() const { return error == upstream_error_kind::none; }
};

class client {
  public:
    using clock = std::chrono::steady_clock;

    // Throws std::runtime_error when the CA file cannot be loaded.
    client(boost::asio::any_io_executor exec, client_options opts);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // Pass requests as named objects, never as a braced temporary inside the co_await
    // expression: GCC 12 destroys such temporaries twice.
    // One exchange; a reused connection that turns out closed is replaced once.
    boost::asio::awaitable<client_result> send(client_request req, clock::time_point deadline);

    // send(), retried under `policy` when the request is idempotent (GET, HEAD, PUT, DELETE,
    // OPTIONS, or any method carrying an Idempotency-Key header) and the failure retryable.
    // Waits honour Retry-After / RateLimit-Reset / X-RateLimit-Reset and never pass the deadline.
    boost::asio::awaitable<client_result> send_with_retry(client_request req,
                                                          clock::time_point deadline,
                                                          retry_policy policy);

    std::size_t idle_connections() const;
    std::size_t open_connections() const;

    // The uniform [0,1) source for backoff jitter; tests make it exact.
    void set_random(std::function<double()> uniform01);

    struct impl;

  private:
    std::shared_ptr<impl> impl_;
};

// The vendor's wait hint in an answer: Retry-After (seconds or HTTP-date), RateLimit-Reset
// (seconds, IETF draft), X-RateLimit-Reset (Unix time, or seconds when small).
std::optional<std::chrono::milliseconds> wait_hint(const client_response& r,
                                                   std::chrono::system_clock::time_point now);

bool idempotent(const client_request& r);

}  // namespace runhub::http
