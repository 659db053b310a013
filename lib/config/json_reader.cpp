#include "config/json_reader.hpp"

#include <boost/json.hpp>

namespace runhub::config {

json_reader::json_reader(const boost::json::object& obj, std::string path,
                         std::vector<problem>& problems)
    : obj_(obj), path_(std::move(path)), problems_(problems) {}

std::string json_reader::path_of(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void json_reader::add_problem(std::string_view key, std::string message) {
    problems_.push_back({path_of(key), std::move(message)});
}

const boost::json::value* json_reader::find(std::string_view key) {
    seen_.emplace(key);
    return obj_.if_contains(key);
}

void json_reader::read(std::string_view key, std::string& out) {
    auto* v = find(key);
    if (!v) return;
    if (!v->is_string()) return add_problem(key, "must be a string");
    out = std::string(v->get_string());
}

void json_reader::read(std::string_view key, bool& out) {
    auto* v = find(key);
    if (!v) return;
    if (!v->is_bool()) return add_problem(key, "must be true or false");
    out = v->get_bool();
}

void json_reader::read(std::string_view key, std::int64_t& out, std::int64_t min,
                       std::int64_t max) {
    auto* v = find(key);
    if (!v) return;
    std::int64_t n = 0;
    if (v->is_int64())
        n = v->get_int64();
    else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        n = static_cast<std::int64_t>(v->get_uint64());
    else
        return add_problem(key, "must be an integer");
    if (n < min || n > max)
        return add_problem(key, "must be between " + std::to_string(min) + " and " +
                                    std::to_string(max) + ", got " + std::to_string(n));
    out = n;
}

void json_reader::reject_unknown() {
    for (const auto& [key, value] : obj_)
        if (!seen_.contains(std::string_view(key))) add_problem(key, "unknown key");
}

}  // namespace runhub::config
