#pragma once
// The Buildkite Test Engine emulator (vendor-notes.md §4): runs list (bare array, page/per_page,
// RFC 5988 Link header), get, failed executions, Bearer auth, RateLimit-* 429s; runs are born
// and re-opened by JSON uploads, as Buildkite's are.
#include <memory>

#include "sandbox/core/emulator.hpp"

namespace runhub::sandbox::buildkite {

std::unique_ptr<runhub::sandbox::emulator> make_buildkite_emulator(
    const runhub::sandbox::emulator_options&);

}  // namespace runhub::sandbox::buildkite
