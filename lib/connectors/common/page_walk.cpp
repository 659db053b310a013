#include "connectors/common/page_walk.hpp"

#include <algorithm>
#include <charconv>

namespace runhub::connectors {

namespace {

std::optional<long long> number(std::string_view s) {
    long long n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return n;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        auto k = s.find(sep);
        out.push_back(s.substr(0, k));
        if (k == std::string_view::npos) return out;
        s.remove_prefix(k + 1);
    }
}

bool encodable(std::string_view id) { return id.find_first_of("|,") == std::string_view::npos; }

}  // namespace

// Format: "<page>|<per_page>|<watermark ms or empty>|<id>,<id>..."
std::optional<page_position> decode_position(std::string_view text) {
    page_position p;
    if (text.empty()) return p;
    auto f = split(text, '|');
    if (f.size() != 4) return std::nullopt;
    auto page = number(f[0]);
    auto per = number(f[1]);
    if (!page || !per || *page < 1 || *page > 1'000'000 || *per < 1 || *per > 100)
        return std::nullopt;
    p.page = static_cast<int>(*page);
    p.per_page = static_cast<int>(*per);
    if (!f[2].empty()) {
        auto ms = number(f[2]);
        if (!ms) return std::nullopt;
        p.watermark = model::timestamp(std::chrono::milliseconds(*ms));
    }
    if (!f[3].empty())
        for (auto id : split(f[3], ',')) p.seen_at_watermark.emplace_back(id);
    return p;
}

std::string encode_position(const page_position& p) {
    std::string out = std::to_string(p.page) + "|" + std::to_string(p.per_page) + "|";
    if (p.watermark) out += std::to_string(p.watermark->time_since_epoch().count());
    out += "|";
    bool first = true;
    for (const auto& id : p.seen_at_watermark) {
        if (!first) out += ",";
        out += id;
        first = false;
    }
    return out;
}

run_page finish_page(std::vector<model::run> vendor_order, const page_position& at,
                     std::optional<int> next_page, const list_query& q,
                     const std::function<bool(const model::run&)>& keep) {
    run_page page;
    page_position next = at;
    bool below_since = false;
    for (auto& r : vendor_order) {
        if (!r.created_at) continue;  // mapping guarantees it; defensive
        auto t = *r.created_at;
        if (at.watermark) {
            if (t > *at.watermark) continue;  // pushed down from an earlier page
            if (t == *at.watermark &&
                std::find(at.seen_at_watermark.begin(), at.seen_at_watermark.end(), r.native_id) !=
                    at.seen_at_watermark.end())
                continue;
        }
        if (!next.watermark || t < *next.watermark) {
            next.watermark = t;
            next.seen_at_watermark.clear();
        }
        if (t == *next.watermark && encodable(r.native_id))
            next.seen_at_watermark.push_back(r.native_id);
        if (q.since && t < *q.since) below_since = true;
        if (keep(r)) page.runs.push_back(std::move(r));
    }
    if (next_page && !below_since) {
        next.page = *next_page;
        page.next = encode_position(next);
    }
    std::stable_sort(page.runs.begin(), page.runs.end(), model::newer_first);
    return page;
}

}  // namespace runhub::connectors
