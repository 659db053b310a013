#pragma once
// The normalized run: one schema for every vendor (DESIGN.md, "The normalized model").
// Built by connectors; serialized with boost::json::value_from (tag_invoke below).
#include <boost/json/fwd.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "model/run_status.hpp"
#include "model/timestamp.hpp"

namespace runhub::model {

struct project_ref {
    std::string id;
    std::string name;
};

struct run_counts {
    std::int64_t total = 0;
    std::int64_t passed = 0;
    std::int64_t failed = 0;
    std::int64_t skipped = 0;
    std::int64_t untested = 0;
};

struct run {
    std::string id;         // "<source>:<native id>", URL-safe; see make_run_id
    std::string source;     // configured source name
    std::string vendor;     // sofy | testerarmy | testmo | buildkite | zof
    std::string native_id;  // the vendor's own id
    std::string name;
    std::optional<project_ref> project;
    run_status status = run_status::error;
    bool terminal = false;      // no further change expected
    std::string vendor_status;  // verbatim ("running/failed" for two-dimensional statuses)
    std::optional<run_counts> counts;
    std::optional<timestamp> created_at;
    std::optional<timestamp> started_at;
    std::optional<timestamp> completed_at;
    std::optional<std::int64_t> duration_ms;
    std::optional<std::string> branch, commit_sha, build, device, environment, platform, web_url;
    // The vendor's object, serialized only with ?include=raw.
    std::shared_ptr<const boost::json::value> raw;
};

// "<source>:<native id>" with the native id percent-encoded where it is not URL-safe
// ([A-Za-z0-9._~-] pass as they are), so ids never collide across sources.
std::string make_run_id(std::string_view source, std::string_view native_id);
// Splits an id made by make_run_id; nullopt when malformed.
struct run_id_parts {
    std::string source;
    std::string native_id;
};
std::optional<run_id_parts> parse_run_id(std::string_view id);

// Newest first: created_at descending (missing last), then id descending. The merge order.
bool newer_first(const run& a, const run& b);

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const run& r);
// Adds "raw" when include_raw and the run has it.
boost::json::value to_json(const run& r, bool include_raw);

// serialize(to_json(r, include_raw)), the same bytes, written without building a tree ("raw",
// the vendor's object, is the last member: its own serialization is appended).
std::string serialize_run(const run& r, bool include_raw);
// Appends what serialize_run returns to `out` (written member by member, no tree).
void append_run_json(std::string& out, const run& r, bool include_raw);
// Both forms at once (one tree built): {without raw, with raw}.
std::pair<std::string, std::string> serialize_run_both(const run& r);
// The inverse of to_json(r, true), for runs read back from a cache: nullopt when `v` is not a
// run as to_json writes it (a missing member, a wrong type, an unknown status, a bad time).
std::optional<run> run_from_json(const boost::json::value& v);

}  // namespace runhub::model
