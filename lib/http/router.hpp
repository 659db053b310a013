#pragma once
// Maps (method, path) to a handler. Patterns are literal segments and `{name}` captures of one
// whole segment: "/v1/runs/{id}/events". Matching is pure and thread-safe once routes are added
// (add() is for start-up only).
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace runhub::http {

using handler = std::function<boost::asio::awaitable<response>(request&)>;

class router {
  public:
    struct match_result {
        enum class kind { found, not_found, method_not_allowed };
        kind outcome = kind::not_found;
        const handler* target = nullptr;  // set when found
        std::string route;                // the pattern matched (found or method_not_allowed)
        std::vector<std::pair<std::string, std::string>> params;  // percent-decoded
        std::string allow;  // "GET, HEAD, POST" when method_not_allowed
    };

    // Throws std::invalid_argument on a malformed pattern or a duplicate (method, pattern).
    void add(std::string_view method, std::string_view pattern, handler h);

    // Replaces every handler added so far by f(method, pattern, handler): middleware such as
    // the sandbox's fault injection wraps a whole router this way. Start-up only.
    void wrap(const std::function<handler(const std::string& method, const std::string& pattern,
                                          handler inner)>& f);

    // HEAD falls back to the GET route. A path whose segments fail to percent-decode does
    // not match any capture.
    match_result match(std::string_view method, std::string_view path) const;

  private:
    struct route {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;  // "{id}" for captures
        handler h;
    };
    std::vector<route> routes_;
};

// Percent-decodes one path segment. Returns false on a malformed escape or a decoded '/' or NUL.
bool decode_segment(std::string_view in, std::string& out);

}  // namespace runhub::http
