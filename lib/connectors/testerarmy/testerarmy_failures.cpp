#include "connectors/testerarmy/testerarmy_failures.hpp"

#include <boost/json.hpp>

#include "connectors/common/json_access.hpp"

namespace runhub::connectors::testerarmy {
namespace json = boost::json;

namespace {

const json::array* array_member(const json::value& v, std::string_view key, bool& bad) {
    auto* m = member(v, key);
    if (!m || m->is_null()) return nullptr;
    if (!m->is_array()) bad = true;
    return m->if_array();
}

}  // namespace

mapped_failures map_failures(const json::value& run) {
    if (!run.is_object() || !get_string(run, "id")) return {std::nullopt, "run is not an object"};
    std::vector<model::test_failure> out;
    bool bad = false;
    const json::value* output = member(run, "output");
    if (output && output->is_object()) {
        auto suite = get_string(*output, "featureName");
        if (auto* issues = array_member(*output, "issues", bad)) {
            for (const auto& issue : *issues) {
                if (!issue.is_object()) return {std::nullopt, "an issue is not an object"};
                if (get_string(issue, "type").value_or("issue") != "issue") continue;
                model::test_failure f;
                f.name = get_string(issue, "name").value_or("issue");
                f.message = get_string(issue, "description")
                                .value_or(get_string(issue, "actualBehavior").value_or(""));
                f.suite = suite;
                f.location = get_string(issue, "url");
                out.push_back(std::move(f));
            }
        }
        if (auto* steps = array_member(*output, "steps", bad)) {
            for (const auto& step : *steps) {
                if (!step.is_object()) return {std::nullopt, "a step is not an object"};
                if (get_string(step, "status") != "failed") continue;
                model::test_failure f;
                auto index = get_int(step, "stepIndex");
                f.name = get_string(step, "title")
                             .value_or("step " + (index ? std::to_string(*index) : "?"));
                f.message = get_string(step, "error")
                                .value_or(get_string(step, "errorCode")
                                              .value_or(get_string(step, "summary").value_or("")));
                f.suite = suite;
                auto start = get_int(step, "startedAtMs"), end = get_int(step, "completedAtMs");
                if (start && end && *end >= *start) f.duration_ms = *end - *start;
                out.push_back(std::move(f));
            }
        }
    } else if (output && !output->is_null()) {
        bad = true;
    }
    if (bad) return {std::nullopt, "output.issues or output.steps is not an array"};
    // A run that failed as a whole (status failed) carries error{code,message} and no output.
    if (out.empty() && get_string(run, "status") == "failed") {
        if (auto* err = member(run, "error"); err && err->is_object()) {
            model::test_failure f;
            f.name = get_string(*err, "code").value_or("run failed");
            f.message = get_string(*err, "message").value_or("");
            out.push_back(std::move(f));
        }
    }
    return {std::move(out), {}};
}

}  // namespace runhub::connectors::testerarmy
