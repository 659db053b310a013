#include "sandbox/sofy/sofy_data.hpp"

#include <algorithm>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::sofy {

namespace {

using std::chrono::milliseconds;

bool is_stopped(const std::string& s) { return s == "Stopped" || s == "Run Stopped"; }

}  // namespace

const schedule* catalog::find_schedule(const std::string& guid) const {
    for (const auto& s : schedules)
        if (s.guid == guid) return &s;
    return nullptr;
}
const application* catalog::find_app(const std::string& guid) const {
    for (const auto& a : apps)
        if (a.guid == guid) return &a;
    return nullptr;
}
const app_build* catalog::find_build(const std::string& app_hash) const {
    for (const auto& a : apps)
        for (const auto& b : a.builds)
            if (b.app_hash == app_hash) return &b;
    return nullptr;
}
const device* catalog::find_device(const std::string& serial) const {
    for (const auto& d : devices)
        if (d.serial == serial) return &d;
    return nullptr;
}

catalog make_catalog(std::uint64_t seed) {
    seeded_rng rng(seed, "sofy-catalog");
    catalog c;
    application android{rng.uuid(), "ANDROID", "Shop for Android", {}};
    application ios{rng.uuid(), "IOS", "Shop for iOS", {}};
    for (int i = 0; i < 3; ++i) {
        const std::string v = "2.3." + std::to_string(6 - i);
        android.builds.push_back({rng.hex(32), v + "(20306" + std::to_string(6 - i) + ")",
                                  "Release " + v, "com.acme.shop"});
        ios.builds.push_back({rng.hex(32),
                              "1.43." + std::to_string(2 - i) + ".release-candidate(57" +
                                  std::to_string(68 - i) + ")",
                              "RC " + std::to_string(2 - i), "com.acme.shop.ios"});
    }
    c.devices = {{"R5CT1" + rng.hex(6), "Galaxy S23", "samsung", "ANDROID", "T14", "ONLINE"},
                 {"3A2B" + rng.hex(8), "Pixel 8", "Google", "ANDROID", "T14", "ONLINE"},
                 {"QV71" + rng.hex(6), "Pixel 7a", "Google", "ANDROID", "T13", "OFFLINE"},
                 {"0000" + rng.hex(8), "iPhone 15", "Apple", "IOS", "17.4", "ONLINE"},
                 {"0001" + rng.hex(8), "iPad 7th Gen", "Apple", "IOS", "17.2", "ONLINE"}};
    const auto& cases = test_case_names();
    c.schedules = {
        {rng.uuid(),
         "nightly-regression",
         android.guid,
         {cases[0], cases[2], cases[4]},
         {c.devices[0].serial, c.devices[1].serial}},
        {rng.uuid(), "smoke-on-release", android.guid, {cases[1], cases[6]}, {c.devices[1].serial}},
        {rng.uuid(), "ios-checkout", ios.guid, {cases[4], cases[13]}, {c.devices[3].serial}},
        {rng.uuid(), "ipad-layout", ios.guid, {cases[15]}, {c.devices[4].serial}}};
    c.apps = {std::move(android), std::move(ios)};
    return c;
}

std::string status_for(const std::string& outcome, std::uint64_t variant) {
    if (outcome == "passed") return "Passed";
    if (outcome == "failed") return "Failed";
    if (outcome == "canceled") return "Run Stopped";
    return variant % 2 == 0 ? "Incomplete" : "Not Executed";
}

std::string seeded_outcome(std::uint64_t seed, const std::string& test_run_id) {
    seeded_rng rng(seed, "sofy-trigger-" + test_run_id);
    const auto roll = rng.uniform(0, 99);
    return roll < 70 ? "passed" : roll < 90 ? "failed" : "error";
}

std::string group_status(const std::vector<const test_run*>& runs) {
    bool queued = !runs.empty(), running = false, stopped = false, all_passed = true;
    for (const auto* r : runs) {
        queued = queued && r->queued;
        running = running || r->status == "Running";
        stopped = stopped || is_stopped(r->status);
        all_passed = all_passed && r->status == "Passed";
    }
    if (queued) return "Queued";
    if (running) return "Running";
    if (stopped) return "Stopped by User";
    return all_passed ? "Complete" : "Complete with errors";
}

std::vector<test_run> generate_runs(std::uint64_t seed, int count, time_point anchor,
                                    const catalog& cat) {
    seeded_rng rng(seed, "sofy-runs");
    std::vector<test_run> runs;
    int group_no = 0;
    while (static_cast<int>(runs.size()) < count) {
        const auto& s = cat.schedules[static_cast<std::size_t>(
            rng.uniform(0, static_cast<std::int64_t>(cat.schedules.size()) - 1))];
        const auto* app = cat.find_app(s.application_guid);
        const auto& build = app->builds[static_cast<std::size_t>(rng.uniform(0, 2))];
        // The first groups are recent, so every status shows in the default 7-day window.
        const bool early = runs.size() < 7;
        const auto at = anchor - milliseconds(early ? rng.uniform(30'000, 3LL * 24 * 3600'000)
                                                    : rng.uniform(60'000, 30LL * 24 * 3600'000));
        const std::string gid = std::to_string(481'000 + 7 * group_no++ + rng.uniform(0, 6));
        int k = 0;
        for (const auto& scenario : s.scenarios) {
            for (const auto& serial : s.device_serials) {
                if (static_cast<int>(runs.size()) >= count) break;
                test_run r;
                r.test_run_id = gid + std::to_string(k++);
                r.group_id = gid;
                r.schedule_guid = s.guid;
                r.scenario = scenario;
                r.device = cat.find_device(serial)->name;
                r.build = build.build_id;
                r.scheduled_at = at;
                const auto n = runs.size();
                if (n < std::size(all_statuses)) {
                    r.status = all_statuses[n];
                } else {
                    const auto roll = rng.uniform(0, 99);
                    r.status = roll < 62   ? "Passed"
                               : roll < 82 ? "Failed"
                               : roll < 88 ? "Incomplete"
                               : roll < 92 ? "Not Executed"
                               : roll < 95 ? "Stopped"
                               : roll < 97 ? "Run Stopped"
                                           : "Running";
                }
                runs.push_back(std::move(r));
            }
        }
    }
    // A running run is from the last half hour, as is the rest of its group.
    for (auto& r : runs) {
        if (r.status != "Running") continue;
        const auto at =
            anchor - milliseconds(seeded_rng(seed, r.group_id).uniform(60'000, 1800'000));
        for (auto& other : runs)
            if (other.group_id == r.group_id) other.scheduled_at = at;
    }
    std::sort(runs.begin(), runs.end(), [](const test_run& a, const test_run& b) {
        return a.scheduled_at != b.scheduled_at ? a.scheduled_at > b.scheduled_at
                                                : a.test_run_id > b.test_run_id;
    });
    return runs;
}

}  // namespace runhub::sandbox::sofy
