#include "connectors/buildkite/link_header.hpp"

#include <boost/url.hpp>
#include <cctype>
#include <charconv>

namespace runhub::connectors::buildkite {

namespace {

bool ows(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A small cursor over the header value.
struct scanner {
    std::string_view s;
    std::size_t i = 0;
    bool done() const { return i >= s.size(); }
    char peek() const { return s[i]; }
    void skip_ows() {
        while (!done() && ows(s[i])) ++i;
    }
    // token up to one of `stops` (or the end), trailing whitespace trimmed
    std::string_view token(std::string_view stops) {
        auto start = i;
        while (!done() && stops.find(s[i]) == std::string_view::npos) ++i;
        auto t = s.substr(start, i - start);
        while (!t.empty() && ows(t.back())) t.remove_suffix(1);
        return t;
    }
    // quoted-string with backslash escapes; i sits on the opening quote
    std::optional<std::string> quoted() {
        std::string out;
        for (++i; !done(); ++i) {
            char c = s[i];
            if (c == '\\') {
                if (++i >= s.size()) return std::nullopt;
                out += s[i];
            } else if (c == '"') {
                ++i;
                return out;
            } else {
                out += c;
            }
        }
        return std::nullopt;
    }
};

}  // namespace

std::optional<std::vector<link>> parse_link_header(std::string_view value) {
    std::vector<link> links;
    scanner sc{value};
    while (true) {
        sc.skip_ows();
        while (!sc.done() && (sc.peek() == ',' || ows(sc.peek()))) ++sc.i;  // empty elements
        if (sc.done()) break;
        if (sc.peek() != '<') return std::nullopt;
        auto close = value.find('>', sc.i);
        if (close == std::string_view::npos) return std::nullopt;
        link l;
        l.target = std::string(value.substr(sc.i + 1, close - sc.i - 1));
        sc.i = close + 1;
        // link-params: *( OWS ";" OWS link-param ), then "," or the end
        while (true) {
            sc.skip_ows();
            if (sc.done() || sc.peek() == ',') break;
            if (sc.peek() != ';') return std::nullopt;
            ++sc.i;
            sc.skip_ows();
            auto name = lower(sc.token("=;,"));
            std::string val;
            sc.skip_ows();
            if (!sc.done() && sc.peek() == '=') {
                ++sc.i;
                sc.skip_ows();
                if (!sc.done() && sc.peek() == '"') {
                    auto q = sc.quoted();
                    if (!q) return std::nullopt;
                    val = std::move(*q);
                } else {
                    val = std::string(sc.token(";,"));
                }
            }
            // RFC 8288 §3.3: only the first rel parameter counts.
            if (name == "rel" && l.rels.empty()) {
                std::string_view rest = val;
                while (!rest.empty()) {
                    auto sp = rest.find_first_of(" \t");
                    auto one = rest.substr(0, sp);
                    if (!one.empty()) l.rels.push_back(lower(one));
                    if (sp == std::string_view::npos) break;
                    rest.remove_prefix(sp + 1);
                }
            }
        }
        links.push_back(std::move(l));
    }
    return links;
}

std::optional<std::string> find_rel(const std::vector<link>& links, std::string_view rel) {
    auto want = lower(rel);
    for (const auto& l : links)
        for (const auto& r : l.rels)
            if (r == want) return l.target;
    return std::nullopt;
}

std::optional<int> page_param(std::string_view uri) {
    auto u = boost::urls::parse_uri_reference(uri);
    if (!u) return std::nullopt;
    auto params = u->params();
    auto it = params.find("page");
    if (it == params.end() || !(*it).has_value) return std::nullopt;
    std::string v = (*it).value;
    int page = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), page);
    if (ec != std::errc() || p != v.data() + v.size() || page < 1) return std::nullopt;
    return page;
}

}  // namespace runhub::connectors::buildkite
