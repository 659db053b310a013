#pragma once
// One failed test of a run, normalized (GET /v1/runs/{id}/failures).
#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace runhub::model {

struct test_failure {
    std::string name;                     // the test's name
    std::string message;                  // the failure message ("" when the vendor has none)
    std::optional<std::string> suite;     // suite / group / file scope
    std::optional<std::string> location;  // file:line where known
    std::optional<std::int64_t> duration_ms;
    std::optional<std::string> web_url;
};

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const test_failure& f);
// The inverse of value_from, for failures read back from a cache; nullopt when malformed.
std::optional<test_failure> failure_from_json(const boost::json::value& v);

}  // namespace runhub::model
