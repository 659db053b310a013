#include "connectors/testmo/testmo_mapping.hpp"

#include <boost/json.hpp>
#include <boost/url.hpp>
#include <cctype>
#include <memory>
#include <optional>
#include <string>

#include "connectors/common/json_access.hpp"
#include "connectors/testmo/testmo_status.hpp"

namespace runhub::connectors::testmo {

namespace {

namespace json = boost::json;

connector_error malformed(std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.detail = "testmo: " + std::move(detail);
    return e;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// Optional members, read strictly: absent or null is no value, another type marks it bad.
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
        if (!m->is_string()) fail(key);
        return m->is_string() ? std::optional<std::string>(m->get_string()) : std::nullopt;
    }
    std::optional<std::int64_t> integer(std::string_view key) {
        if (!present(key)) return std::nullopt;
        auto n = get_int(v, key);
        if (!n || *n < 0) fail(key);
        return n;
    }
    std::optional<bool> boolean(std::string_view key) {
        auto* m = present(key);
        if (!m) return std::nullopt;
        if (!m->is_bool()) fail(key);
        return m->is_bool() ? std::optional<bool>(m->get_bool()) : std::nullopt;
    }
    std::optional<model::timestamp> time(std::string_view key) {
        auto s = str(key);
        if (!s) return std::nullopt;
        auto t = model::parse_timestamp(*s);
        if (!t) fail(key);
        return t;
    }
};

// Custom fields [{name, type, value}]: the string value of the one named `name` (any case).
std::optional<std::string> field(const json::value* fields, std::string_view name) {
    if (!fields || !fields->is_array()) return std::nullopt;
    for (const auto& f : fields->get_array()) {
        auto n = get_string(f, "name");
        if (n && iequals(*n, name)) return get_string(f, "value");
    }
    return std::nullopt;
}

}  // namespace

outcome<model::run> map_run(const json::value& v, std::string_view source,
                            std::string_view base_url, const shared_json& doc) {
    using result = outcome<model::run>;
    if (!v.is_object()) return result::failure(malformed("run is not an object"));
    auto id = get_int(v, "id");
    auto status = get_int(v, "status");
    auto created_text = get_string(v, "created_at");
    if (!id) return result::failure(malformed("run without integer id"));
    if (!status) return result::failure(malformed("run without integer status"));
    if (!created_text) return result::failure(malformed("run without created_at"));
    auto created = model::parse_timestamp(*created_text);
    if (!created) return result::failure(malformed("bad created_at"));

    reader r{v, {}};
    model::run run;
    run.native_id = std::to_string(*id);
    run.id = model::make_run_id(source, run.native_id);
    run.source = std::string(source);
    run.vendor = "testmo";
    run.name = r.str("name").value_or("");
    if (auto p = r.integer("project_id")) run.project = model::project_ref{std::to_string(*p), ""};
    run.created_at = created;
    run.completed_at = r.time("completed_at");
    auto completed = r.boolean("is_completed");
    bool is_completed = completed ? *completed : run.completed_at.has_value();
    auto row = map_status(*status, is_completed);
    run.status = row.status;
    run.terminal = row.terminal;
    run.vendor_status = std::to_string(*status) + (is_completed ? "/completed" : "/active");
    if (auto elapsed = r.integer("elapsed")) run.duration_ms = *elapsed / 1000;

    auto total = r.integer("total_count");
    auto success = r.integer("success_count");
    auto failure = r.integer("failure_count");
    auto done = r.integer("completed_count");
    auto untested = r.integer("untested_count");
    if (total || success || failure || done || untested) {
        model::run_counts c;
        c.total = total.value_or(0);
        c.passed = success.value_or(0);
        c.failed = failure.value_or(0);
        c.untested = untested.value_or(0);
        // Completed results neither success nor failure (skipped, retest, custom statuses).
        c.skipped = std::max<std::int64_t>(0, done.value_or(0) - c.passed - c.failed);
        run.counts = c;
    }
    auto* fields = r.present("fields");
    if (fields && !fields->is_array()) r.fail("fields");
    run.branch = field(fields, "branch");
    run.commit_sha = field(fields, "commit");
    if (auto* links = r.present("links"); links && !links->is_array()) r.fail("links");
    if (!r.bad.empty()) return result::failure(malformed("bad member " + r.bad));

    boost::urls::url web(join_url(base_url, "/automation/runs/view"));
    web.segments().push_back(run.native_id);
    run.web_url = std::string(web.buffer());
    run.raw = share_value(doc, v);
    return result::success(std::move(run));
}

std::optional<std::set<std::int64_t>> failure_status_ids(const json::value& expands) {
    auto* statuses = member(expands, "statuses");
    if (!statuses || !statuses->is_array()) return std::nullopt;
    std::set<std::int64_t> ids;
    for (const auto& s : statuses->get_array()) {
        auto id = get_int(s, "id");
        auto failure = get_bool(s, "is_failure");
        if (!id || !failure) return std::nullopt;
        if (*failure) ids.insert(*id);
    }
    return ids;
}

outcome<std::vector<model::test_failure>> map_failures(const json::value& tests,
                                                       const std::set<std::int64_t>& failure_ids) {
    using result = outcome<std::vector<model::test_failure>>;
    if (!tests.is_array()) return result::failure(malformed("tests is not an array"));
    std::vector<model::test_failure> out;
    for (const auto& t : tests.get_array()) {
        if (!t.is_object()) return result::failure(malformed("test is not an object"));
        reader r{t, {}};
        auto status_id = r.integer("status_id");
        auto name = r.str("name");
        auto folder = r.str("folder");
        auto file = r.str("file");
        auto line = r.integer("line");
        auto elapsed = r.integer("elapsed");
        if (!r.bad.empty()) return result::failure(malformed("bad test member " + r.bad));
        if (!status_id || !failure_ids.count(*status_id)) continue;
        model::test_failure f;
        f.name = name.value_or(get_string(t, "key").value_or(""));
        f.suite = folder;
        if (file) f.location = line ? *file + ":" + std::to_string(*line) : *file;
        if (elapsed) f.duration_ms = *elapsed / 1000;
        out.push_back(std::move(f));
    }
    return result::success(std::move(out));
}

}  // namespace runhub::connectors::testmo
