#pragma once
// The one error shape every runhub answer uses:
//   {"error": {"code", "message", "details"?, "request_id"}}
#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>

namespace runhub::model {

// Serializes the envelope. `details` is omitted when null. Never throws on any input: codes and
// messages are escaped by Boost.JSON.
std::string error_envelope(std::string_view code, std::string_view message,
                           std::string_view request_id);
std::string error_envelope(std::string_view code, std::string_view message,
                           std::string_view request_id, const boost::json::value& details);

}  // namespace runhub::model
