#include "connectors/buildkite/buildkite_paging.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include "connectors/buildkite/buildkite_mapping.hpp"
#include "connectors/buildkite/link_header.hpp"
#include "connectors/common/json_access.hpp"

namespace runhub::connectors::buildkite {

namespace {

connector_error malformed(std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.detail = "buildkite: " + std::move(detail);
    return e;
}

}  // namespace

std::string runs_url(std::string_view base_url, std::string_view org, std::string_view suite) {
    boost::urls::url u(join_url(base_url, "/v2/analytics/organizations"));
    auto segs = u.segments();
    segs.push_back(org);
    segs.push_back("suites");
    segs.push_back(suite);
    segs.push_back("runs");
    return std::string(u.buffer());
}

std::string list_url(std::string_view base_url, std::string_view org, std::string_view suite,
                     const page_position& at) {
    boost::urls::url u(runs_url(base_url, org, suite));
    u.params().append({"page", std::to_string(at.page)});
    u.params().append({"per_page", std::to_string(at.per_page)});
    return std::string(u.buffer());
}

std::optional<page_position> start_position(std::string_view position, int limit) {
    auto p = decode_position(position);
    if (p && p->per_page == 0) p->per_page = std::clamp(limit, 1, max_per_page);
    return p;
}

outcome<std::optional<int>> next_page(std::optional<std::string_view> link_header, int current) {
    using result = outcome<std::optional<int>>;
    if (!link_header) return result::success(std::nullopt);
    auto links = parse_link_header(*link_header);
    if (!links) return result::failure(malformed("unparsable Link header"));
    auto next = find_rel(*links, "next");
    if (!next) return result::success(std::nullopt);
    auto page = page_param(*next);
    if (!page) return result::failure(malformed("rel=next without a page"));
    if (*page <= current) return result::failure(malformed("rel=next does not move forward"));
    return result::success(page);
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

outcome<run_page> parse_list_page(std::string_view body,
                                  std::optional<std::string_view> link_header, const list_query& q,
                                  std::string_view source, std::string_view suite,
                                  const page_position& at) {
    using result = outcome<run_page>;
    auto doc = parse_json_doc(body);
    if (!doc || !doc->is_array()) return result::failure(malformed("list body is not an array"));
    auto next = next_page(link_header, at.page);
    if (!next.ok()) return result::failure(next.error);
    std::vector<model::run> runs;
    for (const auto& item : doc->get_array()) {
        auto run = map_run(item, source, suite, doc);
        if (!run.ok()) return result::failure(run.error);
        runs.push_back(std::move(*run.value));
    }
    auto keep = [&q](const model::run& r) { return matches(r, q); };
    return result::success(finish_page(std::move(runs), at, *next.value, q, keep));
}

}  // namespace runhub::connectors::buildkite
