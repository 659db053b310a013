#include "sandbox/zof/zof_details.hpp"

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::zof {

namespace {

std::string case_name(const dataset& d, const std::string& id) {
    for (const auto& [cid, name] : d.cases)
        if (cid == id) return name;
    return id;
}

}  // namespace

std::vector<case_outcome> case_outcomes(const run_record& r, std::string_view status,
                                        const dataset& d) {
    seeded_rng rng(r.detail_seed, "zof-cases");
    std::vector<case_outcome> out;
    const auto n = r.case_ids.size();
    // The cases that decide the ending.
    const auto culprit = n ? static_cast<std::size_t>(rng.uniform(0, static_cast<int>(n) - 1)) : 0;
    const auto cut = n ? static_cast<std::size_t>(rng.uniform(0, static_cast<int>(n))) : 0;
    for (std::size_t i = 0; i < n; ++i) {
        case_outcome c{r.case_ids[i], case_name(d, r.case_ids[i]), "passed",
                       rng.uniform(1500, 120000), std::nullopt};
        if (status == "queued" || status == "running") {
            c.status = "pending";
            c.duration_ms = 0;
        } else if (status == "failed") {
            if (i == culprit || rng.chance(0.15)) {
                c.status = "failed";
                c.failure_message = rng.pick(failure_messages());
            }
        } else if (status == "error") {
            if (i == culprit) {
                c.status = "error";
                c.failure_message = "Agent lost connection to the environment (ECONNRESET)";
            } else if (i > culprit) {
                c.status = "skipped";
                c.duration_ms = 0;
            }
        } else if (status == "canceled") {
            // Canceled while queued: nothing ran.
            if (i >= cut || !r.started_at) {
                c.status = "skipped";
                c.duration_ms = 0;
            }
        } else if (rng.chance(0.05)) {
            c.status = "skipped";
            c.duration_ms = 0;
        }
        out.push_back(std::move(c));
    }
    return out;
}

run_summary summarize(const std::vector<case_outcome>& cases) {
    run_summary s;
    for (const auto& c : cases) {
        ++s.total;
        if (c.status == "passed")
            ++s.passed;
        else if (c.status == "failed")
            ++s.failed;
        else if (c.status == "error")
            ++s.error;
        else if (c.status == "skipped")
            ++s.skipped;
        else
            ++s.pending;
    }
    return s;
}

std::vector<log_line> run_logs(const run_record& r, std::string_view status,
                               const std::vector<case_outcome>& cases) {
    using namespace std::chrono;
    std::vector<log_line> out;
    out.push_back({r.created_at, "info",
                   "Run queued in environment '" + r.environment + "' (" +
                       std::to_string(r.case_ids.size()) + " cases)"});
    if (!r.started_at && status != "running") {
        if (status == "canceled" && r.completed_at)
            out.push_back({*r.completed_at, "warn", "Run canceled before it started"});
        return out;
    }
    auto t = r.started_at.value_or(r.created_at);
    out.push_back({t, "info", "Agents provisioned; starting validation"});
    for (const auto& c : cases) {
        if (c.status == "pending" || c.status == "skipped") continue;
        out.push_back({t, "info", "Executing " + c.test_case_id + " (" + c.name + ")"});
        t += milliseconds(c.duration_ms);
        if (c.failure_message) {
            out.push_back(
                {t, "error", c.test_case_id + " " + c.status + ": " + *c.failure_message});
        } else {
            out.push_back({t, "info", c.test_case_id + " passed"});
        }
    }
    if (is_terminal(status)) {
        const auto end = r.completed_at.value_or(t);
        out.push_back({end, status == "passed" ? "info" : "warn",
                       "Run finished with status " + std::string(status)});
    }
    return out;
}

std::vector<artifact> run_artifacts(const run_record& r, std::string_view status) {
    std::vector<artifact> out;
    if (!r.started_at || status == "queued") return out;
    seeded_rng rng(r.detail_seed, "zof-artifacts");
    auto add = [&](std::string name, std::string type, std::string ct, std::int64_t lo,
                   std::int64_t hi) {
        artifact a;
        a.id = "art_" + rng.hex(20);
        a.url = "https://artifacts.zof.ai/" + r.id + "/" + name;
        a.name = std::move(name);
        a.type = std::move(type);
        a.content_type = std::move(ct);
        a.size_bytes = rng.uniform(lo, hi);
        out.push_back(std::move(a));
    };
    add("trace.zip", "trace", "application/zip", 200000, 9000000);
    if (status == "running") return out;
    add("report.json", "export", "application/json", 4000, 90000);
    if (status == "failed" || status == "error") {
        add("failure-1.png", "screenshot", "image/png", 80000, 900000);
        add("session.webm", "video", "video/webm", 2000000, 40000000);
    }
    return out;
}

}  // namespace runhub::sandbox::zof
