#pragma once
// The query string of GET /v1/runs, parsed and validated (pure; unit-tested).
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "connectors/common/connector.hpp"

namespace runhub::api {

struct runs_query {
    connectors::list_query filters;
    std::vector<std::string> sources;  // empty = every source
    std::size_t limit = 50;            // 1..200
    std::string cursor;
    bool strict = false;  // ?consistency=strict: any source failing fails the answer
};

struct query_problem {
    std::string param;    // the offending parameter
    std::string message;  // what is wrong, for the caller
};

// Unknown parameters are refused too, so that a typo (?stauts=) never silently filters nothing.
std::variant<runs_query, query_problem> parse_runs_query(std::string_view raw_query);

}  // namespace runhub::api
