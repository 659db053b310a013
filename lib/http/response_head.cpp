#include "http/response_head.hpp"

#include <boost/beast/http/status.hpp>

#include <charconv>

namespace runhub::http {

namespace {
void append_number(std::string& out, std::size_t n) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    out.append(digits, end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

bool has_no_content(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }
}  // namespace

void append_response_head(std::string& out, const response_head_parts& p) {
    out.append(p.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    append_number(out, static_cast<std::size_t>(p.status));
    out.push_back(' ');
    out.append(boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(p.status)));
    out.append("\r\n");
    append_field(out, "Server", "runhub");
    append_field(out, "Content-Type", p.content_type);
    if (p.headers)
        for (const auto& f : p.headers->all()) append_field(out, f.name, f.value);
    append_field(out, "X-Request-Id", p.request_id);
    if (p.version == 10 && p.keep_alive) append_field(out, "Connection", "keep-alive");
    if (p.version != 10 && !p.keep_alive) append_field(out, "Connection", "close");
    if (p.content_length && !has_no_content(p.status)) {
        out.append("Content-Length: ");
        append_number(out, *p.content_length);
        out.append("\r\n");
    }
    out.append("\r\n");
}

}  // namespace runhub::http
