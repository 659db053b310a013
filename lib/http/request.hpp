#pragma once
// A parsed HTTP request as handlers see it: no Beast types, so that handlers, the router and
// their tests compile without Beast.
#include <map>
#include <string>
#include <string_view>

#include "http/header_fields.hpp"

namespace runhub::http {

struct request {
    std::string method;  // upper case, as sent ("GET")
    std::string target;  // raw request-target ("/v1/runs?limit=5")
    std::string path;    // target up to '?', not percent-decoded
    std::string query;   // after '?', raw; empty when none
    header_fields headers;
    std::string body;
    std::string request_id;                                  // from X-Request-Id, or generated
    std::string remote_addr;                                 // "127.0.0.1:53422"
    std::map<std::string, std::string, std::less<>> params;  // path parameters, percent-decoded
    std::string route;  // the matched route pattern ("/v1/runs/{id}"), for metrics and logs

    std::string_view param(std::string_view name) const;
};

}  // namespace runhub::http
