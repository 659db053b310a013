#pragma once
// How an upstream call failed, classified once so that retry, the circuit breaker, the source
// status and the caller's error all branch on the kind and never on message strings.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace runhub::http {

enum class upstream_error_kind {
    none,          // the call succeeded (2xx/3xx)
    network,       // resolve, connect, reset, closed mid-answer
    tls,           // handshake or certificate verification failed
    timeout,       // the deadline passed
    canceled,      // the caller went away
    client,        // vendor answered 4xx (other than 408/429)
    server,        // vendor answered 5xx (or 408)
    throttled,     // vendor answered 429
    malformed,     // the answer could not be parsed as the vendor's format
    circuit_open,  // not sent: the source's circuit breaker is open
};

std::string_view to_string(upstream_error_kind k);

// The kind of an HTTP status from a vendor.
upstream_error_kind classify_status(int status);

// Whether an idempotent request may be sent again after this kind of failure.
bool retryable(upstream_error_kind k);

// Whether this kind counts against the source's health (the circuit breaker). A vendor's 4xx
// is the caller's problem, not the vendor's, and does not.
bool counts_as_failure(upstream_error_kind k);

// Parses a Retry-After value: delta-seconds or an HTTP-date. nullopt when unusable.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace runhub::http
