#include "sandbox/sofy/sofy_query.hpp"

#include <algorithm>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::sofy {

namespace {

std::optional<int> positive(std::string_view s) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    if (v < 1) return std::nullopt;
    return v;
}

}  // namespace

bool parse_sofy_date(std::string_view text, time_point& out) {
    // Exactly "YYYY-MM-DD HH:MM"; reuse the RFC 3339 parser for the calendar checks.
    if (text.size() != 16 || text[10] != ' ') return false;
    std::string rfc(text);
    rfc[10] = 'T';
    rfc += ":00Z";
    return parse_rfc3339(rfc, out);
}

fetch_query_result parse_fetch_query(std::string_view raw, time_point now) {
    fetch_query_result out;
    auto fail = [&](std::string message, std::string details) {
        out.message = std::move(message);
        out.details = std::move(details);
        return out;
    };
    if (!boost::urls::parse_query(raw))
        return fail("Invalid query parameters.", "The query string could not be parsed.");
    boost::urls::encoding_opts opt;
    opt.space_as_plus = true;
    fetch_query q;
    q.from = now - std::chrono::hours(24 * 7);
    q.until = now;
    for (auto p : boost::urls::params_view(raw, opt)) {
        if (p.key == "fromDate" || p.key == "endDate") {
            time_point t;
            if (!parse_sofy_date(p.value, t))
                return fail("Invalid date format.",
                            p.key + " must be in the format YYYY-MM-DD HH:MM (UTC).");
            if (p.key == "fromDate")
                q.from = t;
            else
                q.until = t + std::chrono::minutes(1);
        } else if (p.key == "pageNumber") {
            auto v = positive(p.value);
            if (!v) return fail("Invalid pageNumber.", "pageNumber must be a positive integer.");
            q.page_number = *v;
        } else if (p.key == "pageSize") {
            auto v = positive(p.value);
            if (!v) return fail("Invalid pageSize.", "pageSize must be a positive integer.");
            q.page_size = std::min(*v, 100);
        } else if (p.key == "applicationGuid") {
            q.application_guid = p.value;
        }
    }
    if (q.from >= q.until)
        return fail("Invalid date range.", "fromDate must be earlier than endDate.");
    out.query = std::move(q);
    return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_params(std::string_view raw) {
    if (!boost::urls::parse_query(raw)) return std::nullopt;
    boost::urls::encoding_opts opt;
    opt.space_as_plus = true;
    std::vector<std::pair<std::string, std::string>> out;
    for (auto p : boost::urls::params_view(raw, opt)) out.emplace_back(p.key, p.value);
    return out;
}

page_slice slice_page(std::size_t total, int page_number, int page_size) {
    const auto per = static_cast<std::size_t>(std::max(page_size, 1));
    page_slice s;
    s.begin = std::min(total, static_cast<std::size_t>(std::max(page_number, 1) - 1) * per);
    s.end = std::min(total, s.begin + per);
    return s;
}

}  // namespace runhub::sandbox::sofy
