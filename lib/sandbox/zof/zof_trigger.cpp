#include "sandbox/zof/zof_trigger.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace runhub::sandbox::zof {

namespace {

api_error invalid(std::string param, std::string message) {
    return {400, "invalid_request", std::move(message), std::move(param)};
}

const boost::json::string* string_field(const boost::json::object& o, std::string_view k) {
    auto it = o.find(k);
    if (it == o.end() || !it->value().is_string()) return nullptr;
    return &it->value().get_string();
}

}  // namespace

std::variant<trigger_request, api_error> parse_trigger(std::string_view body, const dataset& d) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return invalid("", "The request body must be a JSON object.");
    const auto& o = v.get_object();
    trigger_request t;

    const auto* project = string_field(o, "project_id");
    if (!project || project->empty()) return invalid("project_id", "project_id is required.");
    t.project_id = *project;

    const auto* env = string_field(o, "environment");
    if (!env || env->empty())
        return invalid("environment",
                       "environment is required (staging, production or a custom label).");
    if (env->size() > 64) return invalid("environment", "environment is at most 64 characters.");
    t.environment = *env;

    const bool has_cases = o.contains("test_case_ids");
    const bool has_suite = o.contains("test_suite_id");
    if (has_cases && has_suite)
        return invalid("test_suite_id", "Give either test_case_ids or test_suite_id, not both.");
    if (!has_cases && !has_suite)
        return invalid("test_case_ids", "test_case_ids or test_suite_id is required.");
    if (has_cases) {
        const auto& ids = o.at("test_case_ids");
        if (!ids.is_array() || ids.get_array().empty() || ids.get_array().size() > 500)
            return invalid("test_case_ids",
                           "test_case_ids must be a non-empty array of at most 500 ids.");
        for (const auto& id : ids.get_array()) {
            if (!id.is_string() || id.get_string().empty())
                return invalid("test_case_ids", "Every test case id must be a non-empty string.");
            t.test_case_ids.emplace_back(id.get_string());
        }
    } else {
        const auto* suite_id = string_field(o, "test_suite_id");
        if (!suite_id || suite_id->empty())
            return invalid("test_suite_id", "test_suite_id must be a non-empty string.");
        t.test_suite_id = std::string(*suite_id);
    }

    if (std::find(d.project_ids.begin(), d.project_ids.end(), t.project_id) == d.project_ids.end())
        return api_error{404, "not_found", "No project with id '" + t.project_id + "'.",
                         "project_id"};
    if (t.test_suite_id && std::none_of(d.suites.begin(), d.suites.end(),
                                        [&](const suite& s) { return s.id == *t.test_suite_id; }))
        return api_error{404, "not_found", "No test suite with id '" + *t.test_suite_id + "'.",
                         "test_suite_id"};
    return t;
}

}  // namespace runhub::sandbox::zof
