#include "connectors/zof/zof_trigger.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <string>

#include "connectors/common/json_access.hpp"

namespace runhub::connectors::zof {

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 4> target_members{"project_id", "environment",
                                                         "test_case_ids", "test_suite_id"};

// The member's value, or null when absent or null.
const json::value* present(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return (v && !v->is_null()) ? v : nullptr;
}

// A non-empty string member; `required` decides whether absence is an error.
std::optional<connector_error> text(const json::object& o, std::string_view key, bool required,
                                    std::optional<std::string>& out) {
    auto* v = present(o, key);
    const std::string field = "target." + std::string(key);
    if (!v) {
        if (required) return invalid_target("zof", field, field + " is required");
        return std::nullopt;
    }
    if (!v->is_string() || v->get_string().empty())
        return invalid_target("zof", field, field + " must be a non-empty string");
    out = std::string(v->get_string());
    return std::nullopt;
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

struct zof_error_body {
    std::string code, message, param;
};

// {"error": {"code", "message", "param"?}} (vendor-notes §5.5); empty members when absent.
zof_error_body read_error(const http::client_result& r) {
    zof_error_body b;
    if (!r.response) return b;
    auto doc = parse_json(r.response->body);
    if (!doc) return b;
    auto* err = member(*doc, "error");
    if (!err) return b;
    b.code = get_string(*err, "code").value_or("");
    b.message = get_string(*err, "message").value_or("");
    b.param = get_string(*err, "param").value_or("");
    return b;
}

}  // namespace

outcome<json::object> trigger_body(const json::object& target, std::string_view scoped_project) {
    using result = outcome<json::object>;
    for (const auto& m : target)
        if (std::find(target_members.begin(), target_members.end(), m.key()) ==
            target_members.end())
            return result::failure(
                invalid_target("zof", "target." + std::string(m.key()),
                               "not a Zof target member (project_id, environment, test_case_ids or "
                               "test_suite_id)"));

    std::optional<std::string> project, environment, suite;
    if (auto e = text(target, "project_id", false, project)) return result::failure(*e);
    if (!project) {
        if (scoped_project.empty())
            return result::failure(invalid_target(
                "zof", "target.project_id",
                "target.project_id is required (this source is not limited to one project)"));
        project = std::string(scoped_project);
    } else if (!scoped_project.empty() && *project != scoped_project) {
        return result::failure(invalid_target(
            "zof", "target.project_id",
            "this source may only start runs in Zof project " + std::string(scoped_project)));
    }
    if (auto e = text(target, "environment", true, environment)) return result::failure(*e);

    const auto* cases = present(target, "test_case_ids");
    const bool has_suite = present(target, "test_suite_id") != nullptr;
    if (cases && has_suite)
        return result::failure(
            invalid_target("zof", "target.test_suite_id",
                           "give either target.test_case_ids or target.test_suite_id, "
                           "not both"));
    if (!cases && !has_suite)
        return result::failure(
            invalid_target("zof", "target.test_case_ids",
                           "target.test_case_ids or target.test_suite_id is required"));

    json::object body;
    body["project_id"] = *project;
    body["environment"] = *environment;
    if (cases) {
        if (!cases->is_array() || cases->get_array().empty())
            return result::failure(
                invalid_target("zof", "target.test_case_ids",
                               "target.test_case_ids must be a non-empty array of "
                               "test case ids"));
        json::array ids;
        for (const auto& id : cases->get_array()) {
            if (!id.is_string() || id.get_string().empty())
                return result::failure(invalid_target(
                    "zof", "target.test_case_ids",
                    "every entry of target.test_case_ids must be a non-empty string"));
            ids.push_back(id);
        }
        body["test_case_ids"] = std::move(ids);
    } else {
        if (auto e = text(target, "test_suite_id", true, suite)) return result::failure(*e);
        body["test_suite_id"] = *suite;
    }
    return result::success(std::move(body));
}

std::optional<connector_error> check_idempotency_key(std::string_view key) {
    const bool ok =
        !key.empty() && key.size() <= 255 &&
        std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (ok) return std::nullopt;
    return invalid_target("zof", "Idempotency-Key",
                          "the Idempotency-Key must be 1 to 255 visible ASCII characters");
}

connector_error trigger_error(const http::client_result& r) {
    auto e = to_connector_error(r);
    if (!r.response) return e;
    const int status = r.response->status;
    if (status != 400 && status != 404 && status != 409 && status != 422) return e;
    auto b = read_error(r);
    e.not_found = false;  // a 404 here names a project or suite of the target, not a run
    if (status == 409) {
        e.conflict = true;
        e.message = b.code == "idempotency_key_reused" || b.param == "Idempotency-Key"
                        ? "Zof already started a run with this Idempotency-Key for a different "
                          "target; use a new key to start another run"
                        : "Zof refused to start the run: " + clip(b.message);
        return e;
    }
    if (b.param == "Idempotency-Key") {
        auto k = invalid_target("zof", "Idempotency-Key",
                                "Zof refused the Idempotency-Key: " + clip(b.message));
        k.http_status = status;
        return k;
    }
    if (std::find(target_members.begin(), target_members.end(), b.param) != target_members.end()) {
        const std::string field = "target." + b.param;
        auto k = invalid_target("zof", field,
                                status == 404
                                    ? "Zof has no such " + b.param + " (" + clip(b.message) + ")"
                                    : "Zof rejected " + field + ": " + clip(b.message));
        k.http_status = status;
        return k;
    }
    // No member named: the request runhub built was refused, not the caller's target.
    e.detail = "zof: POST /v1/runs refused (" + std::to_string(status) + " " + b.code +
               "): " + clip(b.message);
    return e;
}

connector_error cancel_error(const http::client_result& r, std::string_view native_id) {
    auto e = to_connector_error(r);
    if (!r.response || r.response->status != 409) return e;
    auto b = read_error(r);
    e.conflict = true;
    e.message = "run " + clip(native_id) +
                " cannot be canceled: Zof cancels only queued or running runs (" + clip(b.message) +
                ")";
    return e;
}

}  // namespace runhub::connectors::zof
