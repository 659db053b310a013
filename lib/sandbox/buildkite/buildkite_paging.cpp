#include "sandbox/buildkite/buildkite_paging.hpp"

#include <algorithm>
#include <boost/url/encode.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace runhub::sandbox::buildkite {

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

page_query_result parse_page_query(std::string_view raw) {
    page_query_result out;
    if (!boost::urls::parse_query(raw)) {
        out.error = "Invalid query string";
        return out;
    }
    boost::urls::encoding_opts opt;
    opt.space_as_plus = true;
    page_query q;
    for (auto p : boost::urls::params_view(raw, opt)) {
        if (p.key == "page") {
            auto v = positive(p.value);
            if (!v) {
                out.error = "page must be a positive integer";
                return out;
            }
            q.page = *v;
        } else if (p.key == "per_page") {
            auto v = positive(p.value);
            if (!v) {
                out.error = "per_page must be a positive integer";
                return out;
            }
            q.per_page = std::min(*v, 100);
        } else if (p.key == "build_id") {
            q.build_id = p.value;
        } else if (p.key == "include_failure_expanded") {
            q.failure_expanded = p.value == "true" || p.value == "1";
        }
    }
    out.query = std::move(q);
    return out;
}

page_slice slice_page(std::size_t total, int page, int per_page) {
    page_slice s;
    const auto per = static_cast<std::size_t>(std::max(per_page, 1));
    s.last_page = static_cast<int>(std::max<std::size_t>(1, (total + per - 1) / per));
    const auto start = static_cast<std::size_t>(std::max(page, 1) - 1) * per;
    s.begin = std::min(start, total);
    s.end = std::min(s.begin + per, total);
    return s;
}

std::string encode_param(std::string_view value) {
    return boost::urls::encode(value, boost::urls::unreserved_chars);
}

std::string link_header(const std::string& url, const std::string& extra, int page, int per_page,
                        int last_page) {
    auto link = [&](int p, const char* rel) {
        std::string q = url + "?";
        if (!extra.empty()) q += extra + "&";
        return "<" + q + "page=" + std::to_string(p) + "&per_page=" + std::to_string(per_page) +
               ">; rel=\"" + rel + "\"";
    };
    std::vector<std::string> parts;
    if (page < last_page) {
        parts.push_back(link(page + 1, "next"));
        parts.push_back(link(last_page, "last"));
    }
    if (page > 1) {
        parts.push_back(link(1, "first"));
        parts.push_back(link(std::min(page - 1, last_page), "prev"));
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
}

}  // namespace runhub::sandbox::buildkite
