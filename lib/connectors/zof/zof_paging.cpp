#include "connectors/zof/zof_paging.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include "connectors/common/json_access.hpp"
#include "connectors/zof/zof_mapping.hpp"
#include "connectors/zof/zof_status.hpp"

namespace runhub::connectors::zof {

namespace {

namespace json = boost::json;
using std::chrono::seconds;

// Zof writes whole seconds with 'Z' (vendor-notes §5.9).
std::string zof_time(std::chrono::sys_seconds t) {
    auto s = model::format_timestamp(t);  // "YYYY-MM-DDTHH:MM:SS.mmmZ"
    auto dot = s.find('.');
    if (dot != std::string::npos) s.erase(dot, s.size() - 1 - dot);
    return s;
}

bool asks_error(const list_query& q) {
    return std::find(q.statuses.begin(), q.statuses.end(), model::run_status::error) !=
           q.statuses.end();
}

connector_error malformed(std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.detail = "zof: " + std::move(detail);
    return e;
}

}  // namespace

std::string list_url(std::string_view base_url, const list_query& q, std::string_view project_id,
                     std::string_view position, int limit) {
    boost::urls::url u(join_url(base_url, "/v1/runs"));
    auto params = u.params();
    params.append({"limit", std::to_string(std::clamp(limit, 1, max_limit))});
    if (!position.empty()) params.append({"starting_after", position});
    if (!project_id.empty()) params.append({"project_id", project_id});
    // Unknown vendor values map to `error`, so a query for `error` cannot be narrowed by Zof.
    if (!q.statuses.empty() && !asks_error(q)) {
        std::string list;
        for (auto s : q.statuses) {
            auto v = vendor_value(s);
            if (v.empty()) continue;
            if (!list.empty()) list += ',';
            list += v;
        }
        if (!list.empty()) params.append({"status", list});
    }
    // Widened by a second each way: whether Zof's bounds are inclusive is not documented; the
    // exact bounds are applied by matches().
    if (q.since)
        params.append(
            {"created_after", zof_time(std::chrono::floor<seconds>(*q.since) - seconds(1))});
    if (q.until)
        params.append(
            {"created_before", zof_time(std::chrono::ceil<seconds>(*q.until) + seconds(1))});
    return std::string(u.buffer());
}

bool matches_nothing(const list_query& q) {
    if (q.statuses.empty() || asks_error(q)) return false;
    return std::none_of(q.statuses.begin(), q.statuses.end(),
                        [](auto s) { return !vendor_value(s).empty(); });
}

bool matches(const model::run& r, const list_query& q, std::string_view project_id) {
    if (!project_id.empty() && r.project && r.project->id != project_id) return false;
    if (!q.statuses.empty() &&
        std::find(q.statuses.begin(), q.statuses.end(), r.status) == q.statuses.end())
        return false;
    if (q.since && (!r.created_at || *r.created_at < *q.since)) return false;
    if (q.until && (!r.created_at || *r.created_at >= *q.until)) return false;
    if (q.branch && r.branch != q.branch) return false;
    return true;
}

outcome<run_page> parse_list_page(std::string_view body, const list_query& q,
                                  std::string_view source, std::string_view project_id,
                                  std::string_view position) {
    using result = outcome<run_page>;
    auto doc = parse_json_doc(body);
    if (!doc || !doc->is_object())
        return result::failure(malformed("list body is not a JSON object"));
    auto* data = member(*doc, "data");
    if (!data || !data->is_array()) return result::failure(malformed("list without data array"));
    auto has_more = get_bool(*doc, "has_more");
    if (!has_more) return result::failure(malformed("list without has_more"));

    run_page page;
    if (*has_more) {
        auto cursor = get_string(*doc, "next_cursor");
        if (!cursor || cursor->empty())
            return result::failure(malformed("has_more without next_cursor"));
        if (*cursor == position)
            return result::failure(malformed("next_cursor repeats the position"));
        page.next = *cursor;
    }
    for (const auto& item : data->get_array()) {
        auto run = map_run(item, source, doc);
        if (!run.ok()) return result::failure(run.error);
        if (matches(*run.value, q, project_id)) page.runs.push_back(std::move(*run.value));
    }
    std::stable_sort(page.runs.begin(), page.runs.end(), model::newer_first);
    return result::success(std::move(page));
}

}  // namespace runhub::connectors::zof
