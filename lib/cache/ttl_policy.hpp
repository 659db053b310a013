#pragma once
// How long an entry is fresh, and how long after that it may still be served stale when the
// vendor fails: by what it holds (a terminal run, a queued or running one, a list page), with
// defaults that any source may override. Pure: no clock inside; the caller passes `now`.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "cache/entry.hpp"
#include "model/run.hpp"

namespace runhub::cache {

using std::chrono::milliseconds;

struct ttl_options {
    milliseconds terminal_run{3'600'000};  // passed, failed, error, canceled: no change expected
    milliseconds active_run{2'000};        // queued, running: changes soon
    milliseconds list_page{5'000};
    milliseconds stale_window{600'000};  // after fresh_until, served only when the vendor fails
};

// One source's overrides; unset members take the defaults.
struct ttl_overrides {
    std::optional<milliseconds> terminal_run;
    std::optional<milliseconds> active_run;
    std::optional<milliseconds> list_page;
    std::optional<milliseconds> stale_window;
};

struct freshness {
    time_point stored_at;
    time_point fresh_until;
    time_point stale_until;
};

class ttl_policy {
  public:
    ttl_policy() = default;
    explicit ttl_policy(ttl_options defaults,
                        std::map<std::string, ttl_overrides, std::less<>> per_source = {});

    // The options in force for a source: its overrides over the defaults.
    ttl_options for_source(std::string_view source) const;

    milliseconds run_ttl(std::string_view source, bool terminal) const;
    milliseconds run_ttl(std::string_view source, const model::run& r) const {
        return run_ttl(source, r.terminal);
    }
    // A run's failures change until the run is terminal: the run's TTL.
    milliseconds failures_ttl(std::string_view source, bool run_terminal) const {
        return run_ttl(source, run_terminal);
    }
    milliseconds page_ttl(std::string_view source) const;
    milliseconds stale_window(std::string_view source) const;

    // The instants of an entry stored at `now` with `ttl`.
    freshness stamp(std::string_view source, milliseconds ttl, time_point now) const;

  private:
    ttl_options defaults_;
    std::map<std::string, ttl_overrides, std::less<>> per_source_;
};

}  // namespace runhub::cache
