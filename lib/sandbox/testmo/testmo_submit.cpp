#include "sandbox/testmo/testmo_submit.hpp"

#include <boost/json.hpp>

#include "sandbox/testmo/testmo_statuses.hpp"

namespace runhub::sandbox::testmo {

namespace json = boost::json;

namespace {

std::variant<json::object, api_error> parse_object(std::string_view body) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return api_error{400, "The request body must be a JSON object.", {}};
    return std::move(v.get_object());
}

bool is_str(const json::object& o, std::string_view k) {
    auto it = o.find(k);
    return it != o.end() && it->value().is_string();
}

std::optional<api_error> object_list(const json::object& o, std::string_view key,
                                     std::initializer_list<std::string_view> required,
                                     std::vector<std::string>& out) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return std::nullopt;
    if (!it->value().is_array()) return invalid_field(std::string(key), "Must be an array.");
    std::size_t i = 0;
    for (const auto& item : it->value().get_array()) {
        const auto where = std::string(key) + "." + std::to_string(i++);
        if (!item.is_object()) return invalid_field(where, "Must be an object.");
        for (auto req : required)
            if (!is_str(item.get_object(), req))
                return invalid_field(where + "." + std::string(req), "The field is required.");
        if (key == "fields") {
            auto t = item.get_object().find("type");
            if (t == item.get_object().end() || !t->value().is_int64() ||
                t->value().get_int64() < 1 || t->value().get_int64() > 5)
                return invalid_field(where + ".type", "The type must be between 1 and 5.");
        }
        out.push_back(json::serialize(item));
    }
    return std::nullopt;
}

std::optional<api_error> extras(const json::object& o, attachments& a, bool links) {
    if (auto e = object_list(o, "artifacts", {"name", "url"}, a.artifacts)) return e;
    if (auto e = object_list(o, "fields", {"name", "value"}, a.fields)) return e;
    if (links)
        if (auto e = object_list(o, "links", {"name", "url"}, a.links)) return e;
    return std::nullopt;
}

std::optional<api_error> opt_int(const json::object& o, std::string_view k,
                                 std::optional<std::int64_t>& out) {
    auto it = o.find(k);
    if (it == o.end() || it->value().is_null()) return std::nullopt;
    if (!it->value().is_int64() || it->value().get_int64() < 0)
        return invalid_field(std::string(k), "Must be a non-negative integer.");
    out = it->value().get_int64();
    return std::nullopt;
}

bool valid_key(std::string_view k) {
    if (k.empty() || k.size() > 64) return false;
    for (char c : k)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

std::variant<submitted_test, api_error> parse_test(const json::value& v, const std::string& where) {
    if (!v.is_object()) return invalid_field(where, "Must be an object.");
    const auto& o = v.get_object();
    submitted_test t;
    if (!is_str(o, "name") || o.at("name").get_string().empty())
        return invalid_field(where + ".name", "The name field is required.");
    t.name = o.at("name").get_string();
    if (!is_str(o, "status")) return invalid_field(where + ".status", "The status is required.");
    auto id = status_id_for_alias(o.at("status").get_string());
    if (!id) return invalid_field(where + ".status", "The selected status is invalid.");
    t.status_id = *id;
    if (o.contains("key")) {
        if (!is_str(o, "key") || !valid_key(o.at("key").get_string()))
            return invalid_field(where + ".key", "The key must be 1-64 characters a-z, 0-9.");
        t.key = o.at("key").get_string();
    }
    if (is_str(o, "folder")) t.folder = o.at("folder").get_string();
    if (is_str(o, "file")) t.file = o.at("file").get_string();
    std::optional<std::int64_t> elapsed;
    if (auto e = opt_int(o, "elapsed", elapsed))
        return invalid_field(where + ".elapsed", "Must be a non-negative integer.");
    t.elapsed_us = elapsed.value_or(0);
    if (auto e = opt_int(o, "line", t.line))
        return invalid_field(where + ".line", "Must be a non-negative integer.");
    return t;
}

}  // namespace

std::variant<create_run_request, api_error> parse_create_run(std::string_view body) {
    auto parsed = parse_object(body);
    if (auto* e = std::get_if<api_error>(&parsed)) return *e;
    const auto& o = std::get<json::object>(parsed);
    create_run_request r;
    if (!is_str(o, "name") || o.at("name").get_string().empty())
        return invalid_field("name", "The name field is required.");
    if (o.at("name").get_string().size() > 255)
        return invalid_field("name", "The name may not be greater than 255 characters.");
    r.name = o.at("name").get_string();
    if (!is_str(o, "source") || o.at("source").get_string().empty())
        return invalid_field("source", "The source field is required.");
    r.source = o.at("source").get_string();
    if (auto e = opt_int(o, "config_id", r.config_id)) return *e;
    if (auto e = opt_int(o, "milestone_id", r.milestone_id)) return *e;
    if (is_str(o, "config")) r.config = std::string(o.at("config").get_string());
    if (is_str(o, "milestone")) r.milestone = std::string(o.at("milestone").get_string());
    if (auto it = o.find("tags"); it != o.end() && !it->value().is_null()) {
        if (!it->value().is_array()) return invalid_field("tags", "The tags must be an array.");
        for (const auto& t : it->value().get_array()) {
            if (!t.is_string()) return invalid_field("tags", "Every tag must be a string.");
            r.tags.emplace_back(t.get_string());
        }
    }
    if (auto e = extras(o, r.extra, true)) return *e;
    return r;
}

std::variant<attachments, api_error> parse_run_append(std::string_view body) {
    auto parsed = parse_object(body);
    if (auto* e = std::get_if<api_error>(&parsed)) return *e;
    attachments a;
    if (auto e = extras(std::get<json::object>(parsed), a, true)) return *e;
    return a;
}

std::variant<thread_request, api_error> parse_thread_body(std::string_view body, bool with_tests) {
    auto parsed = parse_object(body);
    if (auto* e = std::get_if<api_error>(&parsed)) return *e;
    const auto& o = std::get<json::object>(parsed);
    thread_request t;
    if (auto e = opt_int(o, "elapsed_observed", t.elapsed_observed)) return *e;
    if (auto e = opt_int(o, "elapsed_computed", t.elapsed_computed)) return *e;
    if (auto e = extras(o, t.extra, false)) return *e;
    if (with_tests) {
        if (auto it = o.find("tests"); it != o.end() && !it->value().is_null()) {
            if (!it->value().is_array())
                return invalid_field("tests", "The tests must be an array.");
            std::size_t i = 0;
            for (const auto& v : it->value().get_array()) {
                auto test = parse_test(v, "tests." + std::to_string(i++));
                if (auto* e = std::get_if<api_error>(&test)) return *e;
                t.tests.push_back(std::move(std::get<submitted_test>(test)));
            }
        }
    }
    return t;
}

std::variant<bool, api_error> parse_complete_run(std::string_view body) {
    auto parsed = parse_object(body);
    if (auto* e = std::get_if<api_error>(&parsed)) return *e;
    const auto& o = std::get<json::object>(parsed);
    auto it = o.find("measure_elapsed");
    if (it == o.end() || it->value().is_null()) return false;
    if (!it->value().is_bool())
        return invalid_field("measure_elapsed", "The measure elapsed field must be true or false.");
    return it->value().get_bool();
}

std::string append_json_array(const std::string& array_text,
                              const std::vector<std::string>& items) {
    boost::system::error_code ec;
    auto v = json::parse(array_text, ec);
    json::array a = (!ec && v.is_array()) ? v.get_array() : json::array();
    for (const auto& item : items) {
        auto parsed = json::parse(item, ec);
        if (!ec) a.push_back(std::move(parsed));
    }
    return json::serialize(a);
}

}  // namespace runhub::sandbox::testmo
