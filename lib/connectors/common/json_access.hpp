#pragma once
// Checked reads from untrusted vendor JSON: a wrong type or a missing field is a value
// (nullopt), never an exception or a crash. Connectors build on these.
#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/common/json_doc.hpp"

namespace runhub::connectors {

// Parses a body; nullopt when it is not JSON (truncated, HTML error page, ...). List and run
// answers use parse_json_doc (json_doc.hpp) instead: the mapped runs keep parts of them as raw.
std::optional<boost::json::value> parse_json(std::string_view body);

const boost::json::value* member(const boost::json::value& v, std::string_view key);
std::optional<std::string> get_string(const boost::json::value& v, std::string_view key);
// Accepts integers, and doubles with an integral value.
std::optional<std::int64_t> get_int(const boost::json::value& v, std::string_view key);
std::optional<bool> get_bool(const boost::json::value& v, std::string_view key);
// A string or an integer member, as text (vendor ids come as either).
std::optional<std::string> get_id(const boost::json::value& v, std::string_view key);

}  // namespace runhub::connectors
