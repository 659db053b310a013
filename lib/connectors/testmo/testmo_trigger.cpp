#include "connectors/testmo/testmo_trigger.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <string>

#include "connectors/common/json_access.hpp"

namespace runhub::connectors::testmo {

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 3> target_members{"name", "tags", "source"};

const json::value* present(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return (v && !v->is_null()) ? v : nullptr;
}

// Vendor text shown to the caller: printable ASCII only, at most 200 characters.
std::string clip(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (out.size() >= 200) break;
        out += (c >= 0x20 && c <= 0x7e) ? c : ' ';
    }
    return out;
}

}  // namespace

outcome<json::object> trigger_body(const json::object& target, std::string_view fallback_source) {
    using result = outcome<json::object>;
    for (const auto& m : target)
        if (std::find(target_members.begin(), target_members.end(), m.key()) ==
            target_members.end())
            return result::failure(
                invalid_target("testmo", "target." + std::string(m.key()),
                               "not a Testmo target member (name, tags or source)"));
    json::object body;
    const auto* name = present(target, "name");
    if (!name)
        return result::failure(invalid_target("testmo", "target.name", "target.name is required"));
    if (!name->is_string() || name->get_string().empty())
        return result::failure(
            invalid_target("testmo", "target.name", "target.name must be a non-empty string"));
    body["name"] = name->get_string();

    const auto* source = present(target, "source");
    if (source && (!source->is_string() || source->get_string().empty()))
        return result::failure(
            invalid_target("testmo", "target.source", "target.source must be a non-empty string"));
    body["source"] = source ? json::string(source->get_string()) : json::string(fallback_source);

    if (const auto* tags = present(target, "tags")) {
        if (!tags->is_array())
            return result::failure(
                invalid_target("testmo", "target.tags", "target.tags must be an array of strings"));
        json::array out;
        for (const auto& t : tags->get_array()) {
            if (!t.is_string() || t.get_string().empty())
                return result::failure(
                    invalid_target("testmo", "target.tags",
                                   "every entry of target.tags must be a non-empty string"));
            out.push_back(t);
        }
        body["tags"] = std::move(out);
    }
    return result::success(std::move(body));
}

connector_error trigger_error(const http::client_result& r) {
    auto e = to_connector_error(r);
    if (!r.response) return e;
    const int status = r.response->status;
    auto doc = parse_json(r.response->body);
    const std::string vendor_message =
        doc ? clip(get_string(*doc, "message").value_or("")) : std::string();
    if (status == 404) {
        e.not_found = false;  // the project of the path, i.e. the source's scope
        e.detail = "testmo: the source's project was not found (" + vendor_message + ")";
        return e;
    }
    if (status != 422 || !doc) return e;
    const auto* errors = member(*doc, "errors");
    if (!errors || !errors->is_object()) return e;
    for (const auto& m : errors->get_object()) {
        std::string_view key = m.key();
        const auto head = key.substr(0, key.find('.'));
        if (std::find(target_members.begin(), target_members.end(), head) == target_members.end())
            continue;
        std::string why = vendor_message;
        if (m.value().is_array() && !m.value().get_array().empty() &&
            m.value().get_array().front().is_string())
            why = clip(m.value().get_array().front().get_string());
        const std::string field = "target." + std::string(head);
        auto k = invalid_target("testmo", field, "Testmo rejected " + field + ": " + why);
        k.http_status = status;
        return k;
    }
    // A member runhub sent of its own accord: the request runhub built was refused.
    e.detail = "testmo: create refused (422): " + vendor_message;
    return e;
}

json::object created_run(std::int64_t id, std::string_view project_id, const json::object& body,
                         std::chrono::system_clock::time_point now) {
    json::object run;
    run["id"] = id;
    std::int64_t project = 0;
    auto [p, ec] =
        std::from_chars(project_id.data(), project_id.data() + project_id.size(), project);
    if (ec == std::errc() && p == project_id.data() + project_id.size())
        run["project_id"] = project;
    if (auto* name = body.if_contains("name")) run["name"] = *name;
    if (auto* tags = body.if_contains("tags")) run["tags"] = *tags;
    run["status"] = 4;  // running: how Testmo answers a run no thread has reported to yet
    run["is_completed"] = false;
    run["created_at"] =
        model::format_timestamp(std::chrono::time_point_cast<std::chrono::milliseconds>(now));
    run["completed_at"] = nullptr;
    return run;
}

}  // namespace runhub::connectors::testmo
