#pragma once
// The failed tests of a TesterArmy run: every issue of output.issues (type "issue"; warnings
// are not failures), every failed step of output.steps, and the run's own error when it failed
// before producing output. Pure: no I/O.
#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/failure.hpp"

namespace runhub::connectors::testerarmy {

struct mapped_failures {
    std::optional<std::vector<model::test_failure>> failures;  // set on success
    std::string problem;                                       // why not, for logs
};

mapped_failures map_failures(const boost::json::value& run);

}  // namespace runhub::connectors::testerarmy
