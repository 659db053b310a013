// Every row of Sofy's status table, and how a group's status follows from its test runs'.
#include "connectors/sofy/sofy_status.hpp"

#include <gtest/gtest.h>

namespace sofy = runhub::connectors::sofy;
using runhub::model::run_status;

TEST(SofyStatus, EveryRow) {
    struct row {
        const char* text;
        run_status status;
        bool terminal;
    };
    const row rows[] = {
        {"Passed", run_status::passed, true},
        {"Failed", run_status::failed, true},
        {"Incomplete", run_status::error, true},
        {"Not Executed", run_status::error, true},
        {"Stopped", run_status::canceled, true},
        {"Run Stopped", run_status::canceled, true},
        {"Running", run_status::running, false},
        {"Queued", run_status::queued, false},
        {"In Queue", run_status::queued, false},
        {"Scheduled", run_status::queued, false},
        {"Waiting for Device", run_status::queued, false},
        {"Setting up Device", run_status::running, false},
        {"Downloading App", run_status::running, false},
        {"Parsing App", run_status::running, false},
        {"Loading Scenarios", run_status::running, false},
        {"In Progress", run_status::running, false},
        {"Finalizing", run_status::running, false},
        {"Complete", run_status::passed, true},
        {"Complete with errors", run_status::failed, true},
        {"Complete with Errors", run_status::failed, true},
        {"Stopped by User", run_status::canceled, true},
        {"Cancelled by User", run_status::canceled, true},
        {"PASSED", run_status::passed, true},
    };
    for (const auto& r : rows) {
        auto m = sofy::map_status(r.text);
        EXPECT_EQ(m.status, r.status) << r.text;
        EXPECT_EQ(m.terminal, r.terminal) << r.text;
        EXPECT_TRUE(m.known) << r.text;
    }
    for (const char* unknown : {"", "Exploded", "Passed ", "Not_Executed"}) {
        auto m = sofy::map_status(unknown);
        EXPECT_EQ(m.status, run_status::error) << unknown;
        EXPECT_FALSE(m.terminal) << unknown;
        EXPECT_FALSE(m.known) << unknown;
    }
}

TEST(SofyStatus, GroupAggregate) {
    auto m = [](const char* t) { return sofy::map_status(t); };
    struct row {
        std::vector<sofy::status_mapping> runs;
        run_status status;
        bool terminal;
    };
    const row rows[] = {
        {{m("Passed"), m("Passed")}, run_status::passed, true},
        {{m("Passed"), m("Failed")}, run_status::failed, true},
        {{m("Passed"), m("Incomplete")}, run_status::error, true},
        {{m("Failed"), m("Not Executed")}, run_status::failed, true},
        {{m("Passed"), m("Run Stopped")}, run_status::canceled, true},
        {{m("Failed"), m("Running")}, run_status::running, false},
        {{m("Queued"), m("Passed")}, run_status::queued, false},
        {{m("Queued"), m("Running")}, run_status::running, false},
        {{m("Passed"), m("Exploded")}, run_status::error, false},
        {{}, run_status::error, false},
    };
    for (const auto& r : rows) {
        auto a = sofy::aggregate(r.runs);
        EXPECT_EQ(a.status, r.status);
        EXPECT_EQ(a.terminal, r.terminal);
    }
}
