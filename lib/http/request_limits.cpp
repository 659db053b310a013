#include "http/request_limits.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace runhub::http {

namespace bhttp = boost::beast::http;
namespace asio = boost::asio;

namespace {
limit_violation too_long_target() {
    return {414, "uri_too_long", "request target exceeds the limit"};
}
limit_violation too_large_headers() {
    return {431, "headers_too_large", "request headers exceed the limit"};
}
}  // namespace

limit_violation classify_read_error(const boost::system::error_code& ec, std::string_view raw_head,
                                    const server_options& o) {
    if (ec == bhttp::error::header_limit) {
        auto eol = raw_head.find("\r\n");
        auto line = eol == std::string_view::npos ? raw_head.size() : eol;
        return line > o.max_target_bytes ? too_long_target() : too_large_headers();
    }
    if (ec == bhttp::error::body_limit)
        return {413, "body_too_large", "request body exceeds the limit"};
    if (ec == boost::beast::error::timeout || ec == bhttp::error::end_of_stream ||
        ec == bhttp::error::partial_message || ec == asio::ssl::error::stream_truncated ||
        ec.category() == asio::error::get_system_category() ||
        ec.category() == asio::error::get_misc_category() ||
        ec.category() == asio::error::get_ssl_category())
        return {};
    return {400, "malformed_request", "malformed HTTP request: " + ec.message()};
}

limit_violation check_head(std::size_t target_bytes, std::size_t header_bytes,
                           const server_options& o) {
    if (target_bytes > o.max_target_bytes) return too_long_target();
    if (header_bytes > o.max_header_bytes) return too_large_headers();
    return {};
}

std::size_t parser_head_limit(const server_options& o) {
    return o.max_header_bytes + o.max_target_bytes + 512;
}

}  // namespace runhub::http
