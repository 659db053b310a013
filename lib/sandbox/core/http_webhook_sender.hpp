#pragma once
// The sandbox's webhook_sender: fire-and-forget HTTP POSTs (http:// URLs only) from the io
// context, each attempt under a timeout, retried with doubling pauses, at most `max_concurrent`
// at a time, from a bounded queue. A full queue, a bad URL, or a post that still fails after its
// last attempt is logged and counted, never thrown to the emulator. Thread-safe. Create with
// make_shared; it keeps itself alive while it sends.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "sandbox/core/emulator.hpp"

namespace boost::asio {
class io_context;
}

namespace runhub::sandbox {

struct webhook_sender_options {
    std::size_t max_queued = 256;             // posts waiting beyond this are dropped
    std::size_t max_concurrent = 4;           // posts on the wire at once
    std::chrono::milliseconds timeout{5000};  // connect + write + read of one attempt
    int max_attempts = 5;                     // tries per post (network error, timeout, non-2xx)
    std::chrono::milliseconds first_retry_after{1000};  // pause before the 2nd try, doubling
};

class http_webhook_sender : public webhook_sender,
                            public std::enable_shared_from_this<http_webhook_sender> {
  public:
    http_webhook_sender(boost::asio::io_context& io, webhook_sender_options opts = {});

    void post(std::string url, std::vector<http::header_field> headers, std::string body) override;

    struct counts {
        std::uint64_t delivered = 0;  // answered 2xx
        std::uint64_t failed = 0;     // bad URL, or still failing after the last attempt
        std::uint64_t dropped = 0;    // queue full
        std::size_t queued = 0;       // waiting now
    };
    counts stats() const;

    struct item {
        std::string url;
        std::vector<http::header_field> headers;
        std::string body;
    };

  private:
    void finished(bool ok);
    std::optional<item> next();

    boost::asio::io_context& io_;
    webhook_sender_options opts_;
    mutable std::mutex mutex_;
    std::deque<item> queue_;
    std::size_t workers_ = 0;
    counts counts_;
};

}  // namespace runhub::sandbox
