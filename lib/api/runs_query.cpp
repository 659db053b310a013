#include "api/runs_query.hpp"

#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse_query.hpp>
#include <charconv>

namespace runhub::api {

namespace {
std::vector<std::string> split_commas(std::string_view v) {
    std::vector<std::string> out;
    while (!v.empty()) {
        auto comma = v.find(',');
        auto part = v.substr(0, comma);
        if (!part.empty()) out.emplace_back(part);
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
    }
    return out;
}
}  // namespace

std::variant<runs_query, query_problem> parse_runs_query(std::string_view raw_query) {
    runs_query q;
    auto parsed = boost::urls::parse_query(raw_query);
    if (!parsed) return query_problem{"", "the query string is not well-formed"};
    for (auto p : *parsed) {
        const std::string key_text = p.key.decode();
        const std::string value_text = p.has_value ? p.value.decode() : std::string();
        std::string_view key = key_text;
        std::string_view value = value_text;
        if (key == "limit") {
            unsigned long n = 0;
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || n < 1 ||
                n > 200)
                return query_problem{"limit", "must be an integer from 1 to 200"};
            q.limit = n;
        } else if (key == "status") {
            for (const auto& s : split_commas(value)) {
                auto st = model::parse_run_status(s);
                if (!st)
                    return query_problem{"status", "unknown status '" + s +
                                                       "' (queued, running, passed, failed, "
                                                       "error, canceled, stale)"};
                q.filters.statuses.push_back(*st);
            }
        } else if (key == "source") {
            q.sources = split_commas(value);
        } else if (key == "since" || key == "until") {
            auto t = model::parse_timestamp(value);
            if (!t) return query_problem{std::string(key), "must be an RFC 3339 timestamp"};
            (key == "since" ? q.filters.since : q.filters.until) = *t;
        } else if (key == "branch") {
            if (value.empty()) return query_problem{"branch", "must not be empty"};
            q.filters.branch = std::string(value);
        } else if (key == "cursor") {
            q.cursor = std::string(value);
        } else if (key == "consistency") {
            if (value != "strict" && value != "partial")
                return query_problem{"consistency", "must be strict or partial"};
            q.strict = value == "strict";
        } else {
            return query_problem{std::string(key), "unknown parameter"};
        }
    }
    if (q.filters.since && q.filters.until && *q.filters.since >= *q.filters.until)
        return query_problem{"until", "must be later than since"};
    return q;
}

}  // namespace runhub::api
