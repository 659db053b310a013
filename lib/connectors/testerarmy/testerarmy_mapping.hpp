#pragma once
// TesterArmy's RunResponse (GET /api/v1/runs/{id}, and each of GET /api/v1/runs' `runs`) mapped
// to model::run. Pure: no I/O. Untrusted input: a missing required field (id, status,
// createdAt) or a wrong type gives a problem text instead of a run, never an exception.
#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/common/json_doc.hpp"
#include "model/run.hpp"

namespace runhub::connectors::testerarmy {

struct mapped_run {
    std::optional<model::run> run;  // set on success
    std::string problem;            // why not, for logs
};

// `doc`: the parsed document `v` is part of (parse_json_doc), which the run's raw then
// shares instead of copying `v`; null: raw is a copy.
mapped_run map_run(const boost::json::value& v, std::string_view source_name,
                   const shared_json& doc = nullptr);

// TesterArmy timestamps: ISO 8601 UTC, "2026-02-12T00:00:00.000Z" and "2024-01-15T09:30:00Z".
std::optional<model::timestamp> parse_testerarmy_time(std::string_view text);

}  // namespace runhub::connectors::testerarmy
