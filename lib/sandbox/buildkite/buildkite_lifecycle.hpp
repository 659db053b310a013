#pragma once
// A Test Engine run's `state` + `result` (vendor-notes.md §4.3) as a pure function of its
// uploads and now. Each upload is processed `processing` after it arrives (its results count
// from then) and the run stays `running` until `finishing` later. Rules of the seed page:
//  - state: running while any upload is being processed, else finished; it goes back to
//    running when another upload arrives;
//  - result: pending until a result is processed, then passed or failed; passed may turn
//    failed; failed is final; a run that finished with no result at all is stale [assumed].
#include <chrono>
#include <string>
#include <vector>

namespace runhub::sandbox::buildkite {

using time_point = std::chrono::system_clock::time_point;

struct upload_counts {
    time_point at;
    int passed = 0;
    int failed = 0;
};

struct run_status {
    std::string state;   // running | finished
    std::string result;  // pending | passed | failed | stale
};

// `base` is the status the run had before any upload seen here (a generated run), or
// {"finished", "pending"} for a run born from an upload.
run_status status_at(const run_status& base, const std::vector<upload_counts>& uploads,
                     time_point now, std::chrono::milliseconds processing,
                     std::chrono::milliseconds finishing);

}  // namespace runhub::sandbox::buildkite
