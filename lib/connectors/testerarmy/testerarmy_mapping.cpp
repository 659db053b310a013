#include "connectors/testerarmy/testerarmy_mapping.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <memory>

#include "connectors/common/json_access.hpp"
#include "connectors/testerarmy/testerarmy_status.hpp"

namespace runhub::connectors::testerarmy {
namespace json = boost::json;

namespace {

// Optional members: absent or null is nothing; any other type than the expected is a problem.
struct checked_reader {
    std::string problem;

    const json::value* present(const json::value& v, std::string_view key) {
        auto* m = member(v, key);
        return (m && !m->is_null()) ? m : nullptr;
    }
    std::optional<std::string> str(const json::value& v, std::string_view key) {
        auto* m = present(v, key);
        if (!m) return std::nullopt;
        if (!m->is_string()) return fail(key);
        return std::string(m->get_string());
    }
    std::optional<model::timestamp> time(const json::value& v, std::string_view key) {
        auto s = str(v, key);
        if (!s) return std::nullopt;
        auto t = parse_testerarmy_time(*s);
        if (!t) return fail(key);
        return t;
    }
    std::optional<std::int64_t> millis(const json::value& v, std::string_view key) {
        auto* m = present(v, key);
        if (!m) return std::nullopt;
        if (m->is_int64()) return m->get_int64();
        if (m->is_uint64() && m->get_uint64() < (1ULL << 62))
            return static_cast<std::int64_t>(m->get_uint64());
        // durationMs is a double in the reference ("1.1").
        if (m->is_double() && std::isfinite(m->get_double()) && std::fabs(m->get_double()) < 9e15)
            return static_cast<std::int64_t>(std::llround(m->get_double()));
        return fail(key);
    }
    // The member when it is an object (a value, so that member() reads inside it).
    const json::value* obj(const json::value& v, std::string_view key) {
        auto* m = present(v, key);
        if (!m) return nullptr;
        if (!m->is_object()) {
            fail(key);
            return nullptr;
        }
        return m;
    }
    const json::array* arr(const json::value& v, std::string_view key) {
        auto* m = present(v, key);
        if (!m) return nullptr;
        if (!m->is_array()) fail(key);
        return m->if_array();
    }
    std::nullopt_t fail(std::string_view key) {
        if (problem.empty()) problem = "wrong type or format of '" + std::string(key) + "'";
        return std::nullopt;
    }
};

// Steps are the only per-check outcome a run carries: they make the counts.
std::optional<model::run_counts> step_counts(const json::array& steps, checked_reader& rd) {
    model::run_counts c;
    for (const auto& step : steps) {
        if (!step.is_object()) {
            rd.fail("output.steps");
            return std::nullopt;
        }
        auto status = rd.str(step, "status");
        ++c.total;
        if (status == "passed")
            ++c.passed;
        else if (status == "failed")
            ++c.failed;
        else
            ++c.untested;
    }
    return c;
}

}  // namespace

std::optional<model::timestamp> parse_testerarmy_time(std::string_view text) {
    return model::parse_timestamp(text);
}

mapped_run map_run(const json::value& v, std::string_view source_name, const shared_json& doc) {
    if (!v.is_object()) return {std::nullopt, "run is not an object"};
    checked_reader rd;
    auto id = get_string(v, "id");
    auto status = get_string(v, "status");
    auto created = get_string(v, "createdAt");
    if (!id || id->empty()) return {std::nullopt, "run without a string id"};
    if (!status) return {std::nullopt, "run " + *id + " without a string status"};
    if (!created) return {std::nullopt, "run " + *id + " without createdAt"};

    model::run r;
    r.source = std::string(source_name);
    r.vendor = "testerarmy";
    r.native_id = *id;
    r.id = model::make_run_id(source_name, *id);
    r.created_at = rd.time(v, "createdAt");
    r.started_at = rd.time(v, "startedAt");
    r.completed_at = rd.time(v, "completedAt");

    std::optional<std::string> result, feature;
    bool planner_skipped = false;
    if (auto* out = rd.obj(v, "output")) {
        const json::value& output = *out;
        result = rd.str(output, "result");
        feature = rd.str(output, "featureName");
        planner_skipped = rd.str(output, "kind") == "planner_skipped";
        if (auto* steps = rd.arr(output, "steps")) r.counts = step_counts(*steps, rd);
    }
    auto st = map_status(*status, result, planner_skipped);
    r.status = st.status;
    r.terminal = st.terminal;
    r.vendor_status = vendor_status_text(*status, result, planner_skipped);

    // The name: the tested feature when the agent named it, else the request's prompt.
    std::optional<std::string> prompt;
    if (auto* in = rd.obj(v, "input")) prompt = rd.str(*in, "prompt");
    r.name = feature ? *feature : prompt ? *prompt : rd.str(v, "type").value_or("run");

    if (auto project = rd.str(v, "projectId")) r.project = model::project_ref{*project, ""};
    r.duration_ms = rd.millis(v, "durationMs");
    if (!r.duration_ms && r.started_at && r.completed_at)
        r.duration_ms = (*r.completed_at - *r.started_at).count();
    r.platform = rd.str(v, "platform");
    r.device = rd.str(v, "deviceModel");
    rd.str(v, "type");
    rd.obj(v, "error");
    if (!rd.problem.empty()) return {std::nullopt, "run " + *id + ": " + rd.problem};
    r.raw = share_value(doc, v);
    return {std::move(r), {}};
}

}  // namespace runhub::connectors::testerarmy
