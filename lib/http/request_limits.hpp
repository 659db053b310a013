#pragma once
// The server's request limits as pure decisions, so they can be tested without sockets.
#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>

#include "http/server.hpp"

namespace runhub::http {

// What a rejected request is answered. status 0: close silently (peer gone, timed out).
struct limit_violation {
    int status = 0;
    std::string code;
    std::string message;
};

// A read that failed: header/body limits, malformed HTTP, or the peer going away.
// `raw_head` is what was buffered when a head overflowed, to tell a long target (414) from
// long headers (431).
limit_violation classify_read_error(const boost::system::error_code& ec, std::string_view raw_head,
                                    const server_options& o);

// A head that parsed: its target and header-section sizes against the limits.
limit_violation check_head(std::size_t target_bytes, std::size_t header_bytes,
                           const server_options& o);

// The parser's own head limit: room for both parts, each then checked on its own.
std::size_t parser_head_limit(const server_options& o);

}  // namespace runhub::http
