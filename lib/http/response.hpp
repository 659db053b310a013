#pragma once
// What a handler answers. The server adds Content-Length, Date-free framing, X-Request-Id and
// keep-alive handling; handlers set status, content type, extra headers and the body.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/header_fields.hpp"

namespace runhub::http {

// How the bytes of a response reach the peer. Anything but `normal` exists for fault
// injection (the sandbox's emulators misbehave on purpose); the facade only answers `normal`.
enum class delivery {
    normal,    // write the response; keep-alive as negotiated
    close,     // write the response, then close the connection
    reset,     // write nothing, reset the connection (RST)
    truncate,  // write the head and half of the body, then close
    hang,      // write nothing and never answer; the connection stays open until the peer leaves
};

// Where a streamed body goes (Server-Sent Events): each write is sent at once. False once the
// peer is gone or the write timed out: the producer should stop.
class body_writer {
  public:
    virtual ~body_writer() = default;
    virtual boost::asio::awaitable<bool> write(std::string data) = 0;
};

struct response {
    int status = 200;
    std::string content_type = "application/json";
    header_fields headers;
    std::string body;
    // A body owned elsewhere (e.g. a kept answer of the cache), sent as it is without a copy;
    // when set it is sent instead of `body`. Read the body to send through `body_view()`.
    std::shared_ptr<const std::string> shared_body;
    delivery how = delivery::normal;
    // When set, the body is produced after the head by this function (`body` is ignored): the
    // answer has no Content-Length and the connection closes when it returns.
    std::function<boost::asio::awaitable<void>(body_writer&)> stream;

    std::string_view body_view() const {
        return shared_body ? std::string_view(*shared_body) : std::string_view(body);
    }

    static response json(int status, std::string body);
    static response text(int status, std::string body, std::string content_type = "text/plain");
    // The error envelope, with the request id filled in.
    static response error(int status, std::string_view code, std::string_view message,
                          std::string_view request_id);
};

}  // namespace runhub::http
