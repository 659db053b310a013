#include "http/response.hpp"

#include "model/error_envelope.hpp"

namespace runhub::http {

response response::json(int status, std::string body) {
    response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

response response::text(int status, std::string body, std::string content_type) {
    response r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
}

response response::error(int status, std::string_view code, std::string_view message,
                         std::string_view request_id) {
    return json(status, model::error_envelope(code, message, request_id));
}

}  // namespace runhub::http
