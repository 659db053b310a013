#include "connectors/testmo/testmo_status.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <set>
#include <utility>

namespace runhub::connectors::testmo {

namespace {

using model::run_status;

struct entry {
    int status;
    bool completed;
    status_row row;
};

constexpr entry table[] = {
    {2, false, {run_status::running, false}}, {2, true, {run_status::passed, true}},
    {3, false, {run_status::failed, false}},  {3, true, {run_status::failed, true}},
    {4, false, {run_status::running, false}},
};

void log_unknown_once(std::int64_t status, bool completed) {
    static std::mutex m;
    static std::set<std::pair<std::int64_t, bool>> seen;
    std::lock_guard lock(m);
    if (seen.size() > 1000 || !seen.insert({status, completed}).second) return;
    spdlog::warn("testmo: unknown run status {} (is_completed {}) mapped to error", status,
                 completed);
}

}  // namespace

status_row map_status(std::int64_t status, bool is_completed) {
    for (const auto& e : table)
        if (e.status == status && e.completed == is_completed) return e.row;
    log_unknown_once(status, is_completed);
    return {run_status::error, false};
}

std::vector<int> vendor_values(model::run_status s) {
    std::vector<int> out;
    for (const auto& e : table)
        if (e.row.status == s && (out.empty() || out.back() != e.status)) out.push_back(e.status);
    return out;
}

}  // namespace runhub::connectors::testmo
