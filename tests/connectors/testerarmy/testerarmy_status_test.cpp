// Every row of TesterArmy's status table (status x output.result).
#include "connectors/testerarmy/testerarmy_status.hpp"

#include <gtest/gtest.h>

namespace ta = runhub::connectors::testerarmy;
using runhub::model::run_status;

namespace {

struct row {
    const char* status;
    std::optional<const char*> result;
    bool planner_skipped;
    run_status expected;
    bool terminal;
    bool known;
    const char* vendor_text;
};

const row rows[] = {
    {"queued", std::nullopt, false, run_status::queued, false, true, "queued"},
    {"running", std::nullopt, false, run_status::running, false, true, "running"},
    {"completed", "PASS", false, run_status::passed, true, true, "completed/PASS"},
    {"completed", "FAILED", false, run_status::failed, true, true, "completed/FAILED"},
    {"completed", std::nullopt, true, run_status::canceled, true, true,
     "completed/planner_skipped"},
    {"failed", std::nullopt, false, run_status::error, true, true, "failed"},
    {"cancelled", std::nullopt, false, run_status::canceled, true, true, "cancelled"},
    // Not in the documents: error, vendor_status kept.
    {"completed", std::nullopt, false, run_status::error, true, false, "completed"},
    {"completed", "MAYBE", false, run_status::error, true, false, "completed/MAYBE"},
    {"paused", std::nullopt, false, run_status::error, false, false, "paused"},
    {"", std::nullopt, false, run_status::error, false, false, ""},
    {"COMPLETED", "PASS", false, run_status::error, false, false, "COMPLETED"},
};

}  // namespace

TEST(TesterArmyStatus, EveryRow) {
    for (const auto& r : rows) {
        std::optional<std::string_view> result;
        if (r.result) result = *r.result;
        auto m = ta::map_status(r.status, result, r.planner_skipped);
        SCOPED_TRACE(std::string(r.status) + "/" + (r.result ? *r.result : "-"));
        EXPECT_EQ(m.status, r.expected);
        EXPECT_EQ(m.terminal, r.terminal);
        EXPECT_EQ(m.known, r.known);
        EXPECT_EQ(ta::vendor_status_text(r.status, result, r.planner_skipped), r.vendor_text);
    }
}

TEST(TesterArmyStatus, NativeFilterValues) {
    EXPECT_EQ(ta::native_status(run_status::queued), "queued");
    EXPECT_EQ(ta::native_status(run_status::running), "running");
    EXPECT_EQ(ta::native_status(run_status::passed), "completed");
    EXPECT_EQ(ta::native_status(run_status::failed), "completed");
    EXPECT_EQ(ta::native_status(run_status::error), std::nullopt);
    EXPECT_EQ(ta::native_status(run_status::canceled), std::nullopt);
    EXPECT_EQ(ta::native_status(run_status::stale), std::nullopt);
}
