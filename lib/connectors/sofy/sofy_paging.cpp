#include "connectors/sofy/sofy_paging.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cstdio>

#include "connectors/common/json_access.hpp"

namespace runhub::connectors::sofy {
namespace json = boost::json;
using std::chrono::minutes;

namespace {

std::int64_t floor_minutes(model::timestamp t) {
    return std::chrono::floor<minutes>(t).time_since_epoch().count();
}

bool parse_int(std::string_view s, std::int64_t& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// Whether run (at, id) sits at or above the mark in newest-first order: already returned.
bool at_or_above(const model::run& r, const sofy_position& p) {
    if (!p.mark_ms) return false;
    auto at = r.created_at ? r.created_at->time_since_epoch().count() : INT64_MIN;
    if (at != *p.mark_ms) return at > *p.mark_ms;
    return r.id >= p.mark_id;
}

}  // namespace

std::string encode_position(const sofy_position& p) {
    std::string s = "s1." + std::to_string(p.offset) + "." + std::to_string(p.from_min) + "." +
                    std::to_string(p.end_min);
    if (p.mark_ms) s += "." + std::to_string(*p.mark_ms) + "." + p.mark_id;
    return s;
}

std::optional<sofy_position> decode_position(std::string_view text) {
    if (!text.starts_with("s1.")) return std::nullopt;
    text.remove_prefix(3);
    std::int64_t fields[4];
    int n = 0;
    sofy_position p;
    while (n < 4) {
        auto dot = text.find('.');
        std::string_view part = text.substr(0, dot);
        if (!parse_int(part, fields[n])) return std::nullopt;
        ++n;
        if (dot == std::string_view::npos) {
            text = {};
            break;
        }
        text.remove_prefix(dot + 1);
    }
    if (n == 3 && text.empty()) {
        // offset.from.end
    } else if (n == 4 && !text.empty()) {
        p.mark_ms = fields[3];
        p.mark_id = std::string(text);
    } else {
        return std::nullopt;
    }
    p.offset = fields[0];
    p.from_min = fields[1];
    p.end_min = fields[2];
    if (p.offset < 0 || p.from_min < 0 || p.end_min < p.from_min) return std::nullopt;
    return p;
}

sofy_position first_position(const list_query& q, model::timestamp now,
                             std::chrono::days lookback) {
    sofy_position p;
    p.from_min = floor_minutes(q.since ? *q.since : now - lookback);
    // endDate counts its whole minute in; one more minute keeps runs of this minute in too.
    p.end_min = floor_minutes(q.until ? *q.until : now) + 1;
    if (p.from_min < 0) p.from_min = 0;
    if (p.end_min < p.from_min) p.end_min = p.from_min;
    return p;
}

std::string format_minute(std::int64_t m) {
    auto t = std::chrono::sys_time<minutes>(minutes(m));
    auto day = std::chrono::floor<std::chrono::days>(t);
    std::chrono::year_month_day ymd(day);
    auto hm = std::chrono::hh_mm_ss<minutes>(t - day);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hm.hours().count()), static_cast<int>(hm.minutes().count()));
    return buf;
}

int page_size_for(std::int64_t offset) {
    if (offset <= 0) return vendor_page_size;
    int best = vendor_page_size;
    std::int64_t best_left = vendor_page_size - offset % vendor_page_size;
    for (int s = vendor_page_size - 1; s > best_left; --s) {
        const std::int64_t left = s - offset % s;
        if (left > best_left) {
            best = s;
            best_left = left;
        }
    }
    return best;
}

std::string list_target(const sofy_position& p, std::string_view application_guid, int extra_pages,
                        int page_size) {
    auto encode = [](std::string s) {
        std::string out;
        for (char c : s) out += c == ' ' ? "%20" : c == ':' ? "%3A" : std::string(1, c);
        return out;
    };
    std::string t = "/reports-microservice/schedule-report/fetch-scheduled-runs?fromDate=" +
                    encode(format_minute(p.from_min)) +
                    "&endDate=" + encode(format_minute(p.end_min)) +
                    "&pageNumber=" + std::to_string(p.offset / page_size + 1 + extra_pages) +
                    "&pageSize=" + std::to_string(page_size);
    if (!application_guid.empty()) t += "&applicationGuid=" + std::string(application_guid);
    return t;
}

vendor_page parse_list(std::string_view body) {
    vendor_page page;
    auto doc = parse_json_doc(body);
    if (!doc || !doc->is_object()) {
        page.problem = "list answer is not a JSON object";
        return page;
    }
    auto total = get_int(*doc, "totalRecordsFound");
    auto* data = member(*doc, "data");
    if (!total || *total < 0 || !data || !data->is_array()) {
        page.problem = "list answer without totalRecordsFound or a data array";
        return page;
    }
    page.total = *total;
    for (const auto& v : data->get_array()) {
        auto r = parse_record(v, doc);
        if (!r.record) {
            page.problem = r.problem;
            page.records.clear();
            return page;
        }
        page.records.push_back(std::move(*r.record));
    }
    return page;
}

bool matches(const model::run& r, const list_query& q) {
    if (q.branch) return false;
    if (q.since && (!r.created_at || *r.created_at < *q.since)) return false;
    if (q.until && (!r.created_at || *r.created_at >= *q.until)) return false;
    if (!q.statuses.empty() &&
        std::find(q.statuses.begin(), q.statuses.end(), r.status) == q.statuses.end())
        return false;
    return true;
}

assembled assemble(const std::vector<sofy_record>& records, const sofy_position& p, bool at_end,
                   int limit, const list_query& q, std::string_view source_name,
                   std::string_view default_guid) {
    assembled out;
    sofy_position next = p;
    std::size_t i = 0;
    int taken = 0;
    auto key = [](const sofy_record& r) { return r.scheduled_run_guid + "." + r.group_id; };
    while (i < records.size() && taken < std::max(limit, 1)) {
        // The group starting at i runs to j; it is whole when another group follows it here,
        // or the records reach the end of the window.
        std::size_t j = i + 1;
        while (j < records.size() && key(records[j]) == key(records[i])) ++j;
        if (j == records.size() && !at_end) break;
        std::vector<sofy_record> group(records.begin() + i, records.begin() + j);
        model::run run = map_group(group, source_name, default_guid);
        next.offset += static_cast<std::int64_t>(j - i);
        i = j;
        if (at_or_above(run, next)) continue;  // returned before the window's rows moved down
        next.mark_ms = run.created_at ? run.created_at->time_since_epoch().count() : INT64_MIN;
        next.mark_id = run.id;
        ++taken;
        if (matches(run, q)) out.runs.push_back(std::move(run));
    }
    // Nothing consumed and more to come: the first group runs on into the next vendor page.
    if (next.offset == p.offset && !at_end && !records.empty()) {
        out.need_more = true;
        return out;
    }
    std::sort(out.runs.begin(), out.runs.end(), model::newer_first);
    if (!(at_end && i == records.size())) out.next = next;
    return out;
}

}  // namespace runhub::connectors::sofy
