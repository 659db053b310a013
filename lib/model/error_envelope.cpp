#include "model/error_envelope.hpp"

#include <boost/json.hpp>

namespace runhub::model {

namespace {
std::string build(std::string_view code, std::string_view message, std::string_view request_id,
                  const boost::json::value* details) {
    boost::json::object err;
    err["code"] = code;
    err["message"] = message;
    if (details && !details->is_null()) err["details"] = *details;
    err["request_id"] = request_id;
    boost::json::object root;
    root["error"] = std::move(err);
    return boost::json::serialize(root);
}
}  // namespace

std::string error_envelope(std::string_view code, std::string_view message,
                           std::string_view request_id) {
    return build(code, message, request_id, nullptr);
}

std::string error_envelope(std::string_view code, std::string_view message,
                           std::string_view request_id, const boost::json::value& details) {
    return build(code, message, request_id, &details);
}

}  // namespace runhub::model
