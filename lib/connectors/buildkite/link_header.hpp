#pragma once
// The HTTP `Link` header (RFC 8288, formerly RFC 5988): `<uri>; rel="next", <uri>; rel="last"`.
// Buildkite puts its paging in it. Commas and semicolons inside `<...>` or quoted strings do not
// split; `rel` may hold several space-separated relation types, compared case-insensitively.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runhub::connectors::buildkite {

struct link {
    std::string target;             // the URI reference between < and >
    std::vector<std::string> rels;  // relation types, lower-cased
};

// nullopt on a syntax error (unclosed <, unterminated quote, a link not starting with <).
std::optional<std::vector<link>> parse_link_header(std::string_view value);

// The target of the first link with relation `rel` ("next", "last", ...).
std::optional<std::string> find_rel(const std::vector<link>& links, std::string_view rel);

// The `page` query parameter of a URI reference, when it is a positive integer.
std::optional<int> page_param(std::string_view uri);

}  // namespace runhub::connectors::buildkite
