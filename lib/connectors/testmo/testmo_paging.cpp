#include "connectors/testmo/testmo_paging.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <set>

#include "connectors/common/json_access.hpp"
#include "connectors/testmo/testmo_mapping.hpp"
#include "connectors/testmo/testmo_status.hpp"

namespace runhub::connectors::testmo {

namespace {

namespace json = boost::json;
using std::chrono::seconds;

connector_error malformed(std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.detail = "testmo: " + std::move(detail);
    return e;
}

bool asks_error(const list_query& q) {
    return std::find(q.statuses.begin(), q.statuses.end(), model::run_status::error) !=
           q.statuses.end();
}

std::set<int> native_statuses(const list_query& q) {
    std::set<int> out;
    for (auto s : q.statuses)
        for (int v : vendor_values(s)) out.insert(v);
    return out;
}

}  // namespace

int page_size_for(int limit) {
    for (int size : {15, 25, 50})
        if (limit <= size) return size;
    return 100;
}

std::optional<page_position> start_position(std::string_view position, int limit) {
    auto p = decode_position(position);
    if (!p) return p;
    if (p->per_page == 0) p->per_page = page_size_for(limit);
    if (p->per_page != 15 && p->per_page != 25 && p->per_page != 50 && p->per_page != 100)
        return std::nullopt;
    return p;
}

bool matches_nothing(const list_query& q) {
    return !q.statuses.empty() && !asks_error(q) && native_statuses(q).empty();
}

std::string list_url(std::string_view base_url, std::string_view project_id, const list_query& q,
                     const page_position& at) {
    boost::urls::url u(join_url(base_url, "/api/v1/projects"));
    u.segments().push_back(project_id);
    u.segments().push_back("automation");
    u.segments().push_back("runs");
    auto params = u.params();
    params.append({"page", std::to_string(at.page)});
    params.append({"per_page", std::to_string(at.per_page)});
    params.append({"sort", "automation_runs:created_at"});
    params.append({"order", "desc"});
    if (!q.statuses.empty() && !asks_error(q)) {
        std::string list;
        for (int v : native_statuses(q)) list += (list.empty() ? "" : ",") + std::to_string(v);
        if (!list.empty()) params.append({"status", list});
    }
    // ISO 8601 UTC as documented ("2023-02-15T00:00:00.000Z").
    if (q.since)
        params.append({"created_after", model::format_timestamp(
                                            std::chrono::floor<seconds>(*q.since) - seconds(1))});
    if (q.until)
        params.append({"created_before",
                       model::format_timestamp(std::chrono::ceil<seconds>(*q.until) + seconds(1))});
    return std::string(u.buffer());
}

bool matches(const model::run& r, const list_query& q) {
    if (!q.statuses.empty() &&
        std::find(q.statuses.begin(), q.statuses.end(), r.status) == q.statuses.end())
        return false;
    if (q.since && (!r.created_at || *r.created_at < *q.since)) return false;
    if (q.until && (!r.created_at || *r.created_at >= *q.until)) return false;
    if (q.branch && r.branch != q.branch) return false;
    return true;
}

outcome<std::optional<int>> next_page(const json::value& envelope, int current) {
    using result = outcome<std::optional<int>>;
    auto* next = member(envelope, "next_page");
    if (!next) return result::failure(malformed("page without next_page"));
    if (next->is_null()) return result::success(std::nullopt);
    auto n = get_int(envelope, "next_page");
    if (!n) return result::failure(malformed("next_page is not a number"));
    auto last = get_int(envelope, "last_page");
    auto page = get_int(envelope, "page");
    if (last && page && *page >= *last) return result::success(std::nullopt);
    if (*n <= current || *n > 1'000'000)
        return result::failure(malformed("next_page does not move forward"));
    return result::success(static_cast<int>(*n));
}

outcome<run_page> parse_list_page(std::string_view body, const list_query& q,
                                  std::string_view source, std::string_view base_url,
                                  const page_position& at) {
    using result = outcome<run_page>;
    auto doc = parse_json_doc(body);
    if (!doc || !doc->is_object()) return result::failure(malformed("list body is not an object"));
    auto* items = member(*doc, "result");
    if (!items || !items->is_array())
        return result::failure(malformed("list without result array"));
    auto next = next_page(*doc, at.page);
    if (!next.ok()) return result::failure(next.error);
    std::vector<model::run> runs;
    for (const auto& item : items->get_array()) {
        auto run = map_run(item, source, base_url, doc);
        if (!run.ok()) return result::failure(run.error);
        runs.push_back(std::move(*run.value));
    }
    auto keep = [&q](const model::run& r) { return matches(r, q); };
    return result::success(finish_page(std::move(runs), at, *next.value, q, keep));
}

}  // namespace runhub::connectors::testmo
