#include "connectors/zof/zof_mapping.hpp"

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>

#include "connectors/common/json_access.hpp"
#include "connectors/zof/zof_status.hpp"

namespace runhub::connectors::zof {

namespace {

namespace json = boost::json;

// Reads optional members strictly: absent or null is "no value", any other wrong type sets
// `bad` (with the member's name) so the whole object is rejected.
struct reader {
    const json::value& v;
    std::string bad;

    bool absent(std::string_view key) const {
        auto* m = member(v, key);
        return !m || m->is_null();
    }
    void fail(std::string_view key) {
        if (bad.empty()) bad = std::string(key);
    }
    std::optional<std::string> str(std::string_view key) {
        if (absent(key)) return std::nullopt;
        auto s = get_string(v, key);
        if (!s) fail(key);
        return s;
    }
    std::optional<std::int64_t> integer(std::string_view key) {
        if (absent(key)) return std::nullopt;
        auto n = get_int(v, key);
        if (!n || *n < 0) fail(key);
        return n;
    }
    std::optional<model::timestamp> time(std::string_view key) {
        auto s = str(key);
        if (!s) return std::nullopt;
        auto t = model::parse_timestamp(*s);
        if (!t) fail(key);
        return t;
    }
};

connector_error malformed(std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.detail = "zof: " + std::move(detail);
    return e;
}

}  // namespace

outcome<model::run> map_run(const json::value& v, std::string_view source, const shared_json& doc) {
    if (!v.is_object()) return outcome<model::run>::failure(malformed("run is not an object"));
    reader r{v, {}};
    auto id = get_string(v, "id");
    auto status = get_string(v, "status");
    // created_at is absent in the documented list example; when present it must parse.
    auto created = r.time("created_at");
    if (!id || id->empty()) return outcome<model::run>::failure(malformed("run without id"));
    if (!status) return outcome<model::run>::failure(malformed("run without status"));

    model::run run;
    run.id = model::make_run_id(source, *id);
    run.source = std::string(source);
    run.vendor = "zof";
    run.native_id = *id;
    run.name = r.str("name").value_or("");
    if (auto p = r.str("project_id")) run.project = model::project_ref{*p, ""};
    auto row = map_status(*status);
    run.status = row.status;
    run.terminal = row.terminal;
    run.vendor_status = *status;
    run.created_at = created;
    run.started_at = r.time("started_at");
    run.completed_at = r.time("completed_at");
    run.duration_ms = r.integer("duration_ms");
    if (!run.duration_ms && run.started_at && run.completed_at &&
        *run.completed_at >= *run.started_at)
        run.duration_ms = (*run.completed_at - *run.started_at).count();
    run.environment = r.str("environment");
    run.web_url = r.str("url");

    if (!r.absent("metadata")) {
        if (!v.at("metadata").is_object())
            return outcome<model::run>::failure(malformed("metadata"));
        reader m{v.at("metadata"), {}};
        run.branch = m.str("branch");
        run.commit_sha = m.str("commit_sha");
        if (!m.bad.empty()) r.fail("metadata." + m.bad);
    }
    if (!r.absent("summary")) {
        if (!v.at("summary").is_object()) return outcome<model::run>::failure(malformed("summary"));
        reader s{v.at("summary"), {}};
        model::run_counts c;
        c.total = s.integer("total").value_or(0);
        c.passed = s.integer("passed").value_or(0);
        // Zof counts cases that broke (error) apart from those that failed; both failed.
        c.failed = s.integer("failed").value_or(0) + s.integer("error").value_or(0);
        c.skipped = s.integer("skipped").value_or(0);
        c.untested = s.integer("pending").value_or(0);
        if (!s.bad.empty()) r.fail("summary." + s.bad);
        run.counts = c;
    }
    if (!r.bad.empty()) return outcome<model::run>::failure(malformed("bad member " + r.bad));
    run.raw = share_value(doc, v);
    return outcome<model::run>::success(std::move(run));
}

outcome<std::vector<model::test_failure>> map_failures(const json::value& run) {
    using result = outcome<std::vector<model::test_failure>>;
    if (!run.is_object()) return result::failure(malformed("run is not an object"));
    std::vector<model::test_failure> out;
    auto* cases = member(run, "cases");
    if (!cases || cases->is_null()) return result::success(std::move(out));
    if (!cases->is_array()) return result::failure(malformed("cases is not an array"));
    auto suite = get_string(run, "test_suite_id");
    for (const auto& c : cases->get_array()) {
        if (!c.is_object()) return result::failure(malformed("case is not an object"));
        reader r{c, {}};
        auto status = get_string(c, "status");
        if (!status) return result::failure(malformed("case without status"));
        if (*status != "failed" && *status != "error") continue;
        model::test_failure f;
        auto name = r.str("name");
        auto case_id = r.str("test_case_id");
        f.name = name ? *name : case_id.value_or("");
        f.message = r.str("failure_message").value_or("");
        f.suite = suite;
        f.duration_ms = r.integer("duration_ms");
        if (!r.bad.empty()) return result::failure(malformed("bad case member " + r.bad));
        out.push_back(std::move(f));
    }
    return result::success(std::move(out));
}

}  // namespace runhub::connectors::zof
