#include "sandbox/testmo/testmo_statuses.hpp"

namespace runhub::sandbox::testmo {

const std::vector<status_def>& result_statuses() {
    static const std::vector<status_def> v{
        {1, "Passed", "passed", "#4caf50", true, false},
        {2, "Failed", "failed", "#f44336", false, true},
        {3, "Retest", "retest", "#ff9800", false, false},
        {4, "Blocked", "blocked", "#9c27b0", false, true},
        {5, "Skipped", "skipped", "#9e9e9e", false, false},
    };
    return v;
}

std::optional<int> status_id_for_alias(std::string_view alias) {
    for (const auto& s : result_statuses())
        if (s.alias == alias) return s.id;
    return std::nullopt;
}

totals totals_of(const counters& c) {
    totals t;
    for (int i = 1; i <= 24; ++i) t.completed += c.counts[static_cast<std::size_t>(i)];
    for (const auto& s : result_statuses()) {
        const auto n = c.counts[static_cast<std::size_t>(s.id)];
        if (s.is_success) t.success += n;
        if (s.is_failure) t.failure += n;
    }
    t.total = t.completed + c.untested;
    return t;
}

int completed_status(const counters& c) {
    return totals_of(c).failure > 0 ? run_failure : run_success;
}

}  // namespace runhub::sandbox::testmo

namespace runhub::sandbox::testmo {

counters counters_of(const run_record& r) {
    counters c;
    for (const auto& t : r.threads) c += t.c;
    return c;
}

int thread_status(const thread_record& t) {
    return t.is_completed ? completed_status(t.c) : run_running;
}

}  // namespace runhub::sandbox::testmo
