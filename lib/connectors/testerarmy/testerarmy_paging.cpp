#include "connectors/testerarmy/testerarmy_paging.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "connectors/common/json_access.hpp"
#include "connectors/common/json_doc.hpp"
#include "connectors/testerarmy/testerarmy_mapping.hpp"
#include "connectors/testerarmy/testerarmy_status.hpp"

namespace runhub::connectors::testerarmy {
namespace json = boost::json;

int page_limit(int requested) { return std::clamp(requested, 1, max_page_size); }

std::optional<std::string> native_status_filter(const std::vector<model::run_status>& wanted) {
    std::optional<std::string_view> common;
    for (auto s : wanted) {
        auto n = native_status(s);
        if (!n || (common && *common != *n)) return std::nullopt;
        common = n;
    }
    if (!common) return std::nullopt;
    return std::string(*common);
}

std::string list_target(const list_query& q, std::string_view project_id, std::string_view cursor,
                        int limit) {
    std::string t = "/api/v1/runs?limit=" + std::to_string(page_limit(limit));
    if (!project_id.empty()) t += "&projectId=" + encode_component(project_id);
    if (auto s = native_status_filter(q.statuses)) t += "&status=" + *s;
    if (!cursor.empty()) t += "&cursor=" + encode_component(cursor);
    return t;
}

vendor_page parse_list(std::string_view body, std::string_view source_name) {
    vendor_page page;
    auto doc = parse_json_doc(body);
    if (!doc || !doc->is_object()) {
        page.problem = "list answer is not a JSON object";
        return page;
    }
    auto* runs = member(*doc, "runs");
    if (!runs || !runs->is_array()) {
        page.problem = "list answer without a runs array";
        return page;
    }
    if (auto* next = member(*doc, "nextCursor"); next && !next->is_null()) {
        if (!next->is_string()) {
            page.problem = "nextCursor is not a string";
            return page;
        }
        if (!next->get_string().empty()) page.next_cursor = std::string(next->get_string());
    }
    for (const auto& v : runs->get_array()) {
        auto m = map_run(v, source_name, doc);
        if (!m.run) {
            page.problem = m.problem;
            return page;
        }
        page.runs.push_back(std::move(*m.run));
    }
    return page;
}

bool matches(const model::run& r, const list_query& q) {
    // TesterArmy runs carry no branch: a branch filter matches none of them.
    if (q.branch) return false;
    if (q.since && (!r.created_at || *r.created_at < *q.since)) return false;
    if (q.until && (!r.created_at || *r.created_at >= *q.until)) return false;
    if (!q.statuses.empty() &&
        std::find(q.statuses.begin(), q.statuses.end(), r.status) == q.statuses.end())
        return false;
    return true;
}

run_page finish_page(vendor_page p, const list_query& q) {
    run_page out;
    out.next = std::move(p.next_cursor);
    bool passed_since = false;
    for (auto& r : p.runs) {
        if (q.since && r.created_at && *r.created_at < *q.since) passed_since = true;
        if (matches(r, q)) out.runs.push_back(std::move(r));
    }
    // Newest first: every later page holds older runs only, so none can match any more.
    if (passed_since) out.next.reset();
    std::sort(out.runs.begin(), out.runs.end(), model::newer_first);
    return out;
}

}  // namespace runhub::connectors::testerarmy
