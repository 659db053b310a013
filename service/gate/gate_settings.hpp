#pragma once
// `runhub gate`'s flags read into settings: durations, the API key (file or RUNHUB_API_KEY), the
// default Idempotency-Key from the CI job's id, and every problem named for the user.
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate_command.hpp"

namespace runhub::service::ci_gate {

using ms = std::chrono::milliseconds;

struct gate_settings {
    std::string base_url;  // without a trailing '/'
    std::string api_key;
    std::string source;
    boost::json::object target;
    std::string run_id;
    std::string idempotency_key;  // empty: none sent (--idempotency-key "")
    ms timeout{30 * 60'000};
    ms poll{2'000};
    ms retry_for{2 * 60'000};
    std::string junit;
    long long max_failures = -1;
    long long min_tests = -1;
    bool cancel_on_timeout = false;
    std::string ca_file;
};

// "90s", "30m", "1h", "500ms", "1h30m": one or more <digits><unit>; nullopt otherwise.
std::optional<ms> parse_duration(std::string_view s);
// The shortest of those forms for `d` ("1h30m", "500ms").
std::string format_duration(ms d);
// The CI job this process runs in, as "<system>:<id>", or "" outside a known CI system.
std::string ci_job();
// The key of a trigger: the CI job's (so a retried step replays the run it started) with the
// source and a digest of the target (so two gates of one job on different targets differ), or
// a random one (so this process's own retries never start a second run).
std::string default_idempotency_key(const std::string& source, const boost::json::object& target);
// Turns the flags into settings; the problems, one per line (empty when all is well).
std::vector<std::string> to_settings(const gate_flags& f, gate_settings& s);

}  // namespace runhub::service::ci_gate
