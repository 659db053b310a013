#pragma once
// The status line and header section of an answer, written straight into one string: the
// server sends it and the body as two buffers of one write (no serializer, no field list).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/header_fields.hpp"

namespace runhub::http {

struct response_head_parts {
    unsigned version = 11;  // 10 or 11, as the request asked
    int status = 200;
    std::string_view content_type;
    const header_fields* headers = nullptr;  // the handler's own fields, in order
    std::string_view request_id;
    bool keep_alive = true;
    // The body's length for Content-Length; none for a streamed answer (read until close).
    std::optional<std::size_t> content_length;
};

// Appends `HTTP/1.x <status> <reason>\r\n`, `Server: runhub`, `Content-Type`, the handler's
// fields, `X-Request-Id`, `Connection` where the version's default does not already say it
// (HTTP/1.1 closing: `close`; HTTP/1.0 staying open: `keep-alive`), `Content-Length` (never on
// 1xx, 204 and 304), and the blank line.
void append_response_head(std::string& out, const response_head_parts& parts);

}  // namespace runhub::http
