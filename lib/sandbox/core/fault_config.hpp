#pragma once
// The faults injected around one vendor's routes, as POST /_sandbox/faults and `runhub sandbox
// --fault VENDOR:key=value` set them, and the pure per-request decision of which fault applies.
#include <boost/json/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace runhub::sandbox {

class seeded_rng;

// Every field is optional on the wire; the defaults inject nothing. Rates are probabilities
// per request, 0..1.
struct fault_config {
    std::int64_t latency_ms = 0;          // fixed delay before every answer
    std::int64_t jitter_ms = 0;           // plus a uniform 0..jitter_ms
    double error_rate = 0;                // the vendor's 5xx answer
    double rate_429 = 0;                  // the vendor's 429 answer, whatever the budget
    double reset_rate = 0;                // connection reset, no answer
    double malformed_rate = 0;            // the real answer with its body made invalid JSON
    double truncate_rate = 0;             // the real answer cut in the middle of its body
    double hang_rate = 0;                 // never answer
    std::string outcome;                  // forced outcome of runs ending from now on ("" = seed)
    std::int64_t rate_limit_per_min = 0;  // requests per fixed minute; 0 = no limit

    bool operator==(const fault_config&) const = default;
};

inline constexpr std::int64_t max_latency_ms = 10 * 60 * 1000;

// Replaces `out` by the faults an object describes. Unknown keys, wrong types, rates outside
// 0..1, negative or too large delays and unknown outcomes are errors (a message, `out`
// untouched). `{}` gives the default (no faults).
std::string parse_fault_config(const boost::json::value& v, fault_config& out);
// Same, from JSON text (a parse error is an error message too).
std::string parse_fault_config(std::string_view json_text, fault_config& out);
// Sets one field from `key=value` text, as the command line gives it. Returns "" or an error.
std::string apply_fault_assignment(std::string_view assignment, fault_config& out);

boost::json::object to_json(const fault_config& c);

// True for "", "passed", "failed", "error", "canceled".
bool valid_outcome(std::string_view o);

enum class fault_kind { none, server_error, too_many_requests, reset, malformed, truncate, hang };

struct fault_decision {
    std::chrono::milliseconds delay{0};
    fault_kind kind = fault_kind::none;
};

// Pure: the fault of one request from two uniform draws in [0, 1). `kind_draw` falls into
// consecutive bands in this order: hang, reset, error, 429, truncate, malformed (when the rates
// add up to more than 1, the later bands get what is left). `jitter_draw` scales the jitter.
fault_decision decide_fault(const fault_config& c, double kind_draw, double jitter_draw);
// The same with both draws taken from `rng`.
fault_decision decide_fault(const fault_config& c, seeded_rng& rng);

// The body made invalid JSON: its first half, then a '<' outside any string (or inside an
// unterminated one). Always fails to parse, whatever the input.
std::string malform_body(std::string_view body);

std::string_view to_string(fault_kind k);

}  // namespace runhub::sandbox
