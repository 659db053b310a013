#pragma once
// Sofy's run records (fetch-scheduled-runs `data[]`, and the status route's `data[]`) and the
// normalized run they make. A normalized run is one test-run group of one scheduled run: its
// native id is "<scheduledRunGuid>.<testRunGroupId>", both of which the status route needs.
// Pure: no I/O; untrusted input gives a problem text, never an exception.
#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/json_doc.hpp"
#include "model/failure.hpp"
#include "model/run.hpp"

namespace runhub::connectors::sofy {

// One test run (scenario x device) of a group.
struct sofy_record {
    std::string scheduled_run_guid;  // "" when the record does not carry it (status route)
    std::string group_id;            // testRunGroupId (string or number in the JSON)
    std::string scheduled_run_name;
    std::string scenario_name;
    std::string status;  // verbatim
    std::optional<model::timestamp> scheduled_at;
    std::optional<std::string> build, device, application_guid;
    std::shared_ptr<const boost::json::value> raw;  // the record as Sofy sent it (shared)
};

struct parsed_record {
    std::optional<sofy_record> record;
    std::string problem;
};
// `doc`: the parsed document `v` is part of (parse_json_doc), which the run's raw then
// shares instead of copying `v`; null: raw is a copy.
parsed_record parse_record(const boost::json::value& v, const shared_json& doc = nullptr);

// Sofy timestamps: "2023-10-24T06:14:39.200Z", and legacy "2022-10-07T20:39:26.02" (no zone:
// UTC, the documents say every date is UTC).
std::optional<model::timestamp> parse_sofy_time(std::string_view text);

std::string group_native_id(std::string_view scheduled_run_guid, std::string_view group_id);
struct group_ref {
    std::string scheduled_run_guid;
    std::string group_id;
};
std::optional<group_ref> parse_group_native_id(std::string_view native_id);

// The run of one group from its records (all of that group, non-empty). `guid` stands in for
// the scheduledRunGuid when the records do not carry it (the documents do not list it).
model::run map_group(const std::vector<sofy_record>& records, std::string_view source_name,
                     std::string_view guid = "");

// The failed test runs of a group (status Failed, Incomplete, Not Executed: every terminal
// non-passed, non-stopped record).
std::vector<model::test_failure> map_failures(const std::vector<sofy_record>& records);

}  // namespace runhub::connectors::sofy
