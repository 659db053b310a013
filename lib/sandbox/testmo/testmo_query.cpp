#include "sandbox/testmo/testmo_query.hpp"

#include <algorithm>
#include <boost/url/parse_query.hpp>
#include <charconv>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::testmo {

namespace {

bool to_int(std::string_view s, std::int64_t& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

std::vector<std::string_view> split(std::string_view s) {
    std::vector<std::string_view> out;
    while (true) {
        auto comma = s.find(',');
        out.push_back(s.substr(0, comma));
        if (comma == std::string_view::npos) return out;
        s.remove_prefix(comma + 1);
    }
}

// A comma list of positive integers into `out`; false on anything else.
bool int_list(std::string_view s, std::vector<std::int64_t>& out) {
    for (auto item : split(s)) {
        std::int64_t v = 0;
        if (!to_int(item, v) || v < 1) return false;
        out.push_back(v);
    }
    return true;
}

bool page_param(std::string_view v, std::int64_t& page) { return to_int(v, page) && page >= 1; }

bool order_param(std::string_view v, bool& ascending) {
    if (v != "asc" && v != "desc") return false;
    ascending = v == "asc";
    return true;
}

const std::vector<std::string>& known_expands() {
    static const std::vector<std::string> v{"automation_sources", "configs", "milestones",
                                            "statuses", "users"};
    return v;
}

std::optional<api_error> expands_param(std::string_view v, std::vector<std::string>& out) {
    for (auto item : split(v)) {
        if (std::find(known_expands().begin(), known_expands().end(), item) ==
            known_expands().end())
            return invalid_field("expands", "The selected expands is invalid.");
        out.emplace_back(item);
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> decode_query(std::string_view raw) {
    std::vector<std::pair<std::string, std::string>> out;
    if (raw.empty()) return out;
    auto parsed = boost::urls::parse_query(raw);
    if (!parsed) return std::nullopt;
    boost::urls::encoding_opts opts(true);
    for (auto p : *parsed)
        out.emplace_back(p.key.decode(opts), p.has_value ? p.value.decode(opts) : std::string());
    return out;
}

std::variant<run_list_query, api_error> parse_run_list_query(std::string_view raw) {
    auto params = decode_query(raw);
    if (!params) return api_error{400, "The query string could not be parsed.", {}};
    run_list_query q;
    for (const auto& [k, v] : *params) {
        if (k == "page") {
            if (!page_param(v, q.page))
                return invalid_field("page", "The page must be at least 1.");
        } else if (k == "per_page") {
            std::int64_t n = 0;
            if (!to_int(v, n) || (n != 15 && n != 25 && n != 50 && n != 100))
                return invalid_field("per_page", "The selected per page is invalid.");
            q.per_page = static_cast<int>(n);
        } else if (k == "sort") {
            if (v != "automation_runs:created_at")
                return invalid_field("sort", "The selected sort is invalid.");
        } else if (k == "order") {
            if (!order_param(v, q.ascending))
                return invalid_field("order", "The selected order is invalid.");
        } else if (k == "created_after" || k == "created_before") {
            time_point t;
            if (!parse_rfc3339(v, t))
                return invalid_field(k, "The " + k + " is not a valid ISO 8601 date.");
            (k == "created_after" ? q.created_after : q.created_before) = t;
        } else if (k == "status" || k == "state") {
            if (!int_list(v, q.statuses) ||
                std::any_of(q.statuses.begin(), q.statuses.end(),
                            [](std::int64_t s) { return s < 2 || s > 4; }))
                return invalid_field(k, "The selected " + k + " is invalid.");
        } else if (k == "config_id" || k == "created_by" || k == "milestone_id" ||
                   k == "source_id") {
            auto& out = k == "config_id"      ? q.config_ids
                        : k == "created_by"   ? q.created_by
                        : k == "milestone_id" ? q.milestone_ids
                                              : q.source_ids;
            if (!int_list(v, out)) return invalid_field(k, "The " + k + " must be integers.");
        } else if (k == "tags") {
            for (auto t : split(v))
                if (!t.empty()) q.tags.emplace_back(t);
        } else if (k == "expands") {
            if (auto e = expands_param(v, q.expands)) return *e;
        }
    }
    return q;
}

std::variant<test_list_query, api_error> parse_test_list_query(std::string_view raw) {
    auto params = decode_query(raw);
    if (!params) return api_error{400, "The query string could not be parsed.", {}};
    test_list_query q;
    for (const auto& [k, v] : *params) {
        if (k == "page") {
            if (!page_param(v, q.page))
                return invalid_field("page", "The page must be at least 1.");
        } else if (k == "per_page") {
            std::int64_t n = 0;
            if (!to_int(v, n) || n < 100 || n > 1000)
                return invalid_field("per_page", "The per page must be between 100 and 1000.");
            q.per_page = static_cast<int>(n);
        } else if (k == "sort") {
            const std::string_view prefix = "automation_run_tests:";
            auto field = std::string_view(v).substr(0, prefix.size()) == prefix
                             ? std::string_view(v).substr(prefix.size())
                             : std::string_view();
            if (field != "id" && field != "name" && field != "status" && field != "elapsed" &&
                field != "created_at")
                return invalid_field("sort", "The selected sort is invalid.");
            q.sort = field;
        } else if (k == "order") {
            if (!order_param(v, q.ascending))
                return invalid_field("order", "The selected order is invalid.");
        } else if (k == "thread_id") {
            if (!int_list(v, q.thread_ids))
                return invalid_field(k, "The thread id must be integers.");
        } else if (k == "status_id") {
            if (!int_list(v, q.status_ids) || std::any_of(q.status_ids.begin(), q.status_ids.end(),
                                                          [](std::int64_t s) { return s > 24; }))
                return invalid_field(k, "The selected status id is invalid.");
        }
    }
    return q;
}

std::variant<std::vector<std::string>, api_error> parse_expands_only(std::string_view raw) {
    auto params = decode_query(raw);
    if (!params) return api_error{400, "The query string could not be parsed.", {}};
    std::vector<std::string> out;
    for (const auto& [k, v] : *params)
        if (k == "expands")
            if (auto e = expands_param(v, out)) return *e;
    return out;
}

bool matches(const run_list_query& q, const run_record& r) {
    auto in = [](const std::vector<std::int64_t>& set, std::optional<std::int64_t> v) {
        return set.empty() || (v && std::find(set.begin(), set.end(), *v) != set.end());
    };
    if (!in(q.statuses, r.status) || !in(q.config_ids, r.config_id) ||
        !in(q.created_by, r.created_by) || !in(q.milestone_ids, r.milestone_id) ||
        !in(q.source_ids, r.source_id))
        return false;
    if (q.created_after && !(r.created_at > *q.created_after)) return false;
    if (q.created_before && !(r.created_at < *q.created_before)) return false;
    if (!q.tags.empty() && std::none_of(q.tags.begin(), q.tags.end(), [&](const std::string& t) {
            return std::find(r.tags.begin(), r.tags.end(), t) != r.tags.end();
        }))
        return false;
    return true;
}

page_window window(std::int64_t total, std::int64_t page, int per_page) {
    page_window w;
    w.total = total;
    if (total == 0) return w;
    const std::int64_t last = (total + per_page - 1) / per_page;
    w.page = page;
    w.last_page = last;
    if (page > last) {
        w.prev_page = last;
        return w;
    }
    if (page > 1) w.prev_page = page - 1;
    if (page < last) w.next_page = page + 1;
    w.first = static_cast<std::size_t>((page - 1) * per_page);
    w.count =
        static_cast<std::size_t>(std::min<std::int64_t>(per_page, total - (page - 1) * per_page));
    return w;
}

}  // namespace runhub::sandbox::testmo
