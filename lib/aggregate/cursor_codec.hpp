#pragma once
// The cursor of GET /v1/runs: opaque, URL-safe (base64url, no padding), versioned, bound to its
// query and authenticated with HMAC-SHA256 under a server key. Layout: README.md, "The cursor".
//
// Thread-safety: const member functions may be called concurrently.
#include <boost/system/result.hpp>
#include <string>
#include <string_view>

#include "aggregate/cursor_error.hpp"
#include "aggregate/cursor_state.hpp"
#include "aggregate/query_binding.hpp"

namespace runhub::aggregate {

class cursor_codec {
  public:
    static constexpr std::size_t max_text_size = 8192;  // longer texts are refused unread

    // `key`: the server's secret (from config, or random at start). Throws
    // std::invalid_argument when it is shorter than 16 bytes.
    explicit cursor_codec(std::string key);

    // Throws std::length_error when a field is too long to be carried (over 65535 bytes, more
    // than 255 sources, or a text longer than max_text_size).
    std::string encode(const cursor_state& s, const query_binding& b) const;

    // Never throws on any input; errors are cursor_error values.
    boost::system::result<cursor_state> decode(std::string_view text, const query_binding& b) const;

  private:
    std::string key_;
};

}  // namespace runhub::aggregate
