#include "sandbox/zof/zof_query.hpp"

#include <algorithm>
#include <boost/url/parse_query.hpp>
#include <charconv>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::zof {

namespace {

api_error invalid(std::string param, std::string message) {
    return {400, "invalid_request", std::move(message), std::move(param)};
}

bool known_status(std::string_view s) { return s == "queued" || s == "running" || is_terminal(s); }

bool newer(const run_record& a, const run_record& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
}

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> decode_query(std::string_view raw) {
    std::vector<std::pair<std::string, std::string>> out;
    if (raw.empty()) return out;
    auto parsed = boost::urls::parse_query(raw);
    if (!parsed) return std::nullopt;
    boost::urls::encoding_opts opts(true);
    for (auto p : *parsed) {
        out.emplace_back(p.key.decode(opts), p.has_value ? p.value.decode(opts) : std::string());
    }
    return out;
}

std::variant<list_query, api_error> parse_list_query(std::string_view raw_query) {
    auto params = decode_query(raw_query);
    if (!params) return invalid("", "The query string could not be parsed.");
    list_query q;
    for (const auto& [key, value] : *params) {
        if (key == "limit") {
            int v = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            if (ec != std::errc() || end != value.data() + value.size() || v < 1 || v > max_limit)
                return invalid("limit", "limit must be an integer between 1 and 100.");
            q.limit = v;
        } else if (key == "starting_after") {
            if (value.empty())
                return invalid("starting_after", "starting_after must not be empty.");
            q.starting_after = value;
        } else if (key == "project_id") {
            q.project_id = value;
        } else if (key == "status") {
            std::string_view rest = value;
            while (true) {
                auto comma = rest.find(',');
                auto item = rest.substr(0, comma);
                if (!known_status(item))
                    return invalid("status",
                                   "status must be one of queued, running, passed, failed, "
                                   "error, canceled.");
                q.statuses.emplace_back(item);
                if (comma == std::string_view::npos) break;
                rest.remove_prefix(comma + 1);
            }
        } else if (key == "created_after" || key == "created_before") {
            time_point t;
            if (!parse_rfc3339(value, t))
                return invalid(key, key + " must be an ISO 8601 UTC timestamp.");
            (key == "created_after" ? q.created_after : q.created_before) = t;
        }
        // Other parameters are ignored, as most JSON APIs do.
    }
    return q;
}

bool matches(const list_query& q, const run_record& r) {
    if (q.project_id && r.project_id != *q.project_id) return false;
    if (!q.statuses.empty() &&
        std::find(q.statuses.begin(), q.statuses.end(), r.status) == q.statuses.end())
        return false;
    if (q.created_after && !(r.created_at > *q.created_after)) return false;
    if (q.created_before && !(r.created_at < *q.created_before)) return false;
    return true;
}

std::variant<page, api_error> paginate(const std::vector<run_record>& runs, const list_query& q) {
    const run_record* cursor = nullptr;
    if (q.starting_after) {
        for (const auto& r : runs)
            if (r.id == *q.starting_after) cursor = &r;
        if (!cursor)
            return invalid("starting_after",
                           "No run matches starting_after '" + *q.starting_after + "'.");
    }
    page p;
    for (const auto& r : runs) {
        if (cursor && !newer(*cursor, r)) continue;
        if (!matches(q, r)) continue;
        if (p.data.size() == static_cast<std::size_t>(q.limit)) {
            p.has_more = true;
            break;
        }
        p.data.push_back(&r);
    }
    if (p.has_more) p.next_cursor = p.data.back()->id;
    return p;
}

}  // namespace runhub::sandbox::zof
