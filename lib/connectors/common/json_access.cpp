#include "connectors/common/json_access.hpp"

#include <boost/json.hpp>
#include <cmath>

namespace runhub::connectors {

std::optional<boost::json::value> parse_json(std::string_view body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec) return std::nullopt;
    return v;
}

const boost::json::value* member(const boost::json::value& v, std::string_view key) {
    auto* o = v.if_object();
    return o ? o->if_contains(key) : nullptr;
}

std::optional<std::string> get_string(const boost::json::value& v, std::string_view key) {
    auto* m = member(v, key);
    if (!m || !m->is_string()) return std::nullopt;
    return std::string(m->get_string());
}

std::optional<std::int64_t> get_int(const boost::json::value& v, std::string_view key) {
    auto* m = member(v, key);
    if (!m) return std::nullopt;
    if (m->is_int64()) return m->get_int64();
    if (m->is_uint64() && m->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(m->get_uint64());
    if (m->is_double()) {
        double d = m->get_double();
        if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9e18)
            return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
}

std::optional<bool> get_bool(const boost::json::value& v, std::string_view key) {
    auto* m = member(v, key);
    if (!m || !m->is_bool()) return std::nullopt;
    return m->get_bool();
}

std::optional<std::string> get_id(const boost::json::value& v, std::string_view key) {
    if (auto s = get_string(v, key)) return s;
    if (auto n = get_int(v, key)) return std::to_string(*n);
    return std::nullopt;
}

}  // namespace runhub::connectors
