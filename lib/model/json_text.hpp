#pragma once
// Appending JSON text to a string without building a boost::json tree: the same bytes that
// boost::json::serialize writes for the same values (strings escaped as it escapes them:
// '"', '\\', \b \f \n \r \t, other control characters as \u00xx; everything else verbatim).
#include <cstdint>
#include <string>
#include <string_view>

namespace runhub::model::json_text {

void append_string(std::string& out, std::string_view s);  // "…", escaped
void append_int(std::string& out, std::int64_t v);
inline void append_bool(std::string& out, bool b) { out += b ? "true" : "false"; }
inline void append_null(std::string& out) { out += "null"; }
// ,"key": (or "key": for the first member); keys are written escaped too.
inline void append_key(std::string& out, std::string_view key, bool first = false) {
    if (!first) out += ',';
    append_string(out, key);
    out += ':';
}

}  // namespace runhub::model::json_text
