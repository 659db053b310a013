#include "sandbox/testmo/testmo_wire.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "sandbox/core/seeded_data.hpp"
#include "sandbox/testmo/testmo_statuses.hpp"

namespace runhub::sandbox::testmo {

namespace json = boost::json;

namespace {

json::value opt_time(const std::optional<time_point>& t) {
    if (!t) return nullptr;
    return json::string(testmo_time(*t));
}

json::value opt_int(const std::optional<std::int64_t>& v) {
    if (!v) return nullptr;
    return *v;
}

json::value array_of(const std::string& text) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_array()) return json::array();
    return v;
}

void put_counters(json::object& o, const counters& c) {
    o["untested_count"] = c.untested;
    for (int i = 1; i <= 24; ++i)
        o["status" + std::to_string(i) + "_count"] = c.counts[static_cast<std::size_t>(i)];
    const auto t = totals_of(c);
    o["success_count"] = t.success;
    o["failure_count"] = t.failure;
    o["completed_count"] = t.completed;
    o["total_count"] = t.total;
}

json::value opt_page(const std::optional<std::int64_t>& v) { return opt_int(v); }

}  // namespace

std::string testmo_time(time_point t) {
    auto s = rfc3339_ms(t);  // "…:SS.mmmZ"
    s.insert(s.size() - 1, "000");
    return s;
}

json::object run_json(const run_record& r, bool with_threads) {
    json::object o;
    o["id"] = r.id;
    o["project_id"] = r.project_id;
    o["source_id"] = r.source_id;
    o["config_id"] = opt_int(r.config_id);
    o["milestone_id"] = opt_int(r.milestone_id);
    o["name"] = r.name;
    o["status"] = r.status;
    o["elapsed"] = r.elapsed_us;
    o["is_completed"] = r.is_completed;
    o["artifacts"] = array_of(r.artifacts_json);
    o["fields"] = array_of(r.fields_json);
    o["links"] = array_of(r.links_json);
    json::array tags;
    for (const auto& t : r.tags) tags.emplace_back(t);
    o["tags"] = std::move(tags);
    if (with_threads) {
        json::array threads;
        for (const auto& t : r.threads) threads.emplace_back(thread_json(t));
        o["threads"] = std::move(threads);
    }
    put_counters(o, counters_of(r));
    std::int64_t active = 0;
    for (const auto& t : r.threads) active += t.is_completed ? 0 : 1;
    o["thread_count"] = static_cast<std::int64_t>(r.threads.size());
    o["thread_active_count"] = active;
    o["thread_completed_count"] = static_cast<std::int64_t>(r.threads.size()) - active;
    o["created_at"] = testmo_time(r.created_at);
    o["created_by"] = r.created_by;
    o["updated_at"] = opt_time(r.updated_at);
    o["updated_by"] = opt_int(r.updated_by);
    o["completed_at"] = opt_time(r.completed_at);
    o["completed_by"] = opt_int(r.completed_by);
    return o;
}

json::object thread_json(const thread_record& t) {
    json::object o;
    o["id"] = t.id;
    o["run_id"] = t.run_id;
    o["index"] = t.index;
    o["name"] = "Thread " + std::to_string(t.index);
    o["status"] = thread_status(t);
    o["elapsed"] = t.elapsed_us;
    o["is_completed"] = t.is_completed;
    o["artifacts"] = array_of(t.artifacts_json);
    o["fields"] = array_of(t.fields_json);
    put_counters(o, t.c);
    o["created_at"] = testmo_time(t.created_at);
    o["created_by"] = t.created_by;
    o["completed_at"] = opt_time(t.completed_at);
    o["completed_by"] = opt_int(t.completed_by);
    return o;
}

json::object test_json(const test_record& t, const run_record& r) {
    json::object o;
    o["id"] = t.id;
    o["project_id"] = r.project_id;
    o["run_id"] = r.id;
    o["thread_id"] = t.thread_id;
    o["repository_case_id"] = nullptr;
    o["key"] = t.key;
    o["name"] = t.name;
    o["folder"] = t.folder;
    o["status_id"] = t.status_id ? json::value(*t.status_id) : json::value(nullptr);
    o["elapsed"] = t.elapsed_us;
    o["file"] = t.file;
    o["line"] = opt_int(t.line);
    o["created_at"] = testmo_time(t.created_at);
    return o;
}

json::object expands_json(const std::vector<std::string>& expands,
                          const std::vector<const run_record*>& runs, const dataset& d) {
    json::object out;
    auto wants = [&](std::string_view e) {
        return std::find(expands.begin(), expands.end(), e) != expands.end();
    };
    std::set<std::int64_t> sources, configs, milestones, users;
    for (const auto* r : runs) {
        sources.insert(r->source_id);
        if (r->config_id) configs.insert(*r->config_id);
        if (r->milestone_id) milestones.insert(*r->milestone_id);
        users.insert(r->created_by);
        if (r->updated_by) users.insert(*r->updated_by);
        if (r->completed_by) users.insert(*r->completed_by);
    }
    auto named_list = [](const std::vector<named>& all, const std::set<std::int64_t>& ids) {
        json::array a;
        for (const auto& n : all)
            if (ids.count(n.id)) a.emplace_back(json::object{{"id", n.id}, {"name", n.name}});
        return a;
    };
    if (wants("automation_sources")) out["automation_sources"] = named_list(d.sources, sources);
    if (wants("configs")) out["configs"] = named_list(d.configs, configs);
    if (wants("milestones")) out["milestones"] = named_list(d.milestones, milestones);
    if (wants("users")) {
        json::array a;
        for (const auto& u : d.users)
            if (users.count(u.id))
                a.emplace_back(json::object{{"id", u.id}, {"name", u.name}, {"email", u.email}});
        out["users"] = std::move(a);
    }
    if (wants("statuses")) {
        json::array a;
        for (const auto& s : result_statuses())
            a.emplace_back(json::object{{"id", s.id},
                                        {"name", s.name},
                                        {"alias", s.alias},
                                        {"color", s.color},
                                        {"is_success", s.is_success},
                                        {"is_failure", s.is_failure}});
        out["statuses"] = std::move(a);
    }
    return out;
}

namespace {
// The page envelope's members before "result".
json::object page_envelope(const page_window& w, int per_page) {
    json::object o;
    o["page"] = opt_page(w.page);
    o["prev_page"] = opt_page(w.prev_page);
    o["next_page"] = opt_page(w.next_page);
    o["last_page"] = opt_page(w.last_page);
    o["per_page"] = per_page;
    o["total"] = w.total;
    return o;
}
}  // namespace

std::string page_body(const page_window& w, int per_page, json::array result,
                      const json::object* expands) {
    json::object o = page_envelope(w, per_page);
    o["result"] = std::move(result);
    if (expands) o["expands"] = *expands;
    return json::serialize(o);
}

std::string joined_page_body(const page_window& w, int per_page,
                             const std::vector<std::shared_ptr<const std::string>>& result,
                             const json::object* expands) {
    // The envelope as page_body writes it, then the joined result.
    std::string head = json::serialize(page_envelope(w, per_page));
    std::size_t size = head.size() + 32;
    for (const auto& r : result) size += r->size() + 1;
    std::string out;
    out.reserve(size);
    out.append(head, 0, head.size() - 1);  // without the closing '}'
    out += ",\"result\":[";
    for (std::size_t i = 0; i < result.size(); ++i) {
        if (i) out += ',';
        out += *result[i];
    }
    out += ']';
    if (expands) {
        out += ",\"expands\":";
        out += json::serialize(*expands);
    }
    out += '}';
    return out;
}

http::response error_response(const api_error& e) {
    json::object o{{"message", e.message}};
    if (!e.errors.empty()) {
        json::object errs;
        for (const auto& [field, msg] : e.errors) errs[field] = json::array{json::string(msg)};
        o["errors"] = std::move(errs);
    }
    return http::response::json(e.status, json::serialize(o));
}

http::response not_found_response() {
    return error_response({404, "The requested resource was not found.", {}});
}

http::response rate_limited_response(const rate_limit_state& s) {
    auto r =
        error_response({429, "Too many requests. Please retry after the Retry-After period.", {}});
    r.headers.set("Retry-After", std::to_string(std::max<std::int64_t>(1, s.reset_in.count())));
    return r;
}

http::response server_error_response() {
    return error_response({500, "Internal server error.", {}});
}

}  // namespace runhub::sandbox::testmo
