#include "connectors/buildkite/buildkite_mapping.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "connectors/buildkite/buildkite_status.hpp"
#include "connectors/common/json_access.hpp"

namespace runhub::connectors::buildkite {

namespace {

namespace json = boost::json;

connector_error malformed(std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.detail = "buildkite: " + std::move(detail);
    return e;
}

// Optional members, read strictly: absent, null (and "" for strings: the documented examples
// send empty URLs) are no value; another type marks the object bad.
struct reader {
    const json::value& v;
    std::string bad;

    const json::value* present(std::string_view key) const {
        auto* m = member(v, key);
        return m && !m->is_null() ? m : nullptr;
    }
    void fail(std::string_view key) {
        if (bad.empty()) bad = std::string(key);
    }
    std::optional<std::string> str(std::string_view key) {
        auto* m = present(key);
        if (!m) return std::nullopt;
        if (!m->is_string()) {
            fail(key);
            return std::nullopt;
        }
        if (m->get_string().empty()) return std::nullopt;
        return std::string(m->get_string());
    }
    std::optional<std::int64_t> seconds_as_ms(std::string_view key) {
        auto* m = present(key);
        if (!m) return std::nullopt;
        if (!m->is_number()) {
            fail(key);
            return std::nullopt;
        }
        double s = m->to_number<double>();
        if (!std::isfinite(s) || s < 0 || s > 1e12) {
            fail(key);
            return std::nullopt;
        }
        return static_cast<std::int64_t>(std::llround(s * 1000.0));
    }
};

}  // namespace

outcome<model::run> map_run(const json::value& v, std::string_view source, std::string_view suite,
                            const shared_json& doc) {
    using result = outcome<model::run>;
    if (!v.is_object()) return result::failure(malformed("run is not an object"));
    auto id = get_string(v, "id");
    auto state = get_string(v, "state");
    auto res = get_string(v, "result");
    auto created_text = get_string(v, "created_at");
    if (!id || id->empty()) return result::failure(malformed("run without id"));
    if (!state || !res) return result::failure(malformed("run without state/result"));
    if (!created_text) return result::failure(malformed("run without created_at"));
    auto created = model::parse_timestamp(*created_text);
    if (!created) return result::failure(malformed("bad created_at"));

    reader r{v, {}};
    model::run run;
    run.id = model::make_run_id(source, *id);
    run.source = std::string(source);
    run.vendor = "buildkite";
    run.native_id = *id;
    run.name = std::string(suite);
    if (!suite.empty()) run.project = model::project_ref{std::string(suite), std::string(suite)};
    auto row = map_status(*state, *res);
    run.status = row.status;
    run.terminal = row.terminal;
    run.vendor_status = *state + "/" + *res;
    run.created_at = created;
    run.branch = r.str("branch");
    run.commit_sha = r.str("commit_sha");
    run.web_url = r.str("web_url");
    run.build = r.str("build_id");
    r.str("url");  // type-checked only: the API URL is not the UI link
    if (!r.bad.empty()) return result::failure(malformed("bad member " + r.bad));
    run.raw = share_value(doc, v);
    return result::success(std::move(run));
}

outcome<std::vector<model::test_failure>> map_failures(const json::value& executions) {
    using result = outcome<std::vector<model::test_failure>>;
    if (!executions.is_array()) return result::failure(malformed("failed_executions not an array"));
    std::vector<model::test_failure> out;
    for (const auto& e : executions.get_array()) {
        if (!e.is_object()) return result::failure(malformed("execution is not an object"));
        reader r{e, {}};
        model::test_failure f;
        auto name = r.str("test_name");
        auto test_id = r.str("test_id");
        if (!name && !test_id) return result::failure(malformed("execution without test"));
        f.name = name ? *name : *test_id;
        f.message = r.str("failure_reason").value_or("");
        f.location = r.str("location");
        f.duration_ms = r.seconds_as_ms("duration");
        f.web_url = r.str("test_execution_url");
        if (!f.web_url) f.web_url = r.str("test_url");
        if (!r.bad.empty()) return result::failure(malformed("bad execution member " + r.bad));
        out.push_back(std::move(f));
    }
    return result::success(std::move(out));
}

}  // namespace runhub::connectors::buildkite
