#pragma once
// The Sofy emulator (vendor-notes.md §1): fetch-scheduled-runs (date window, pageNumber/
// pageSize, totalRecordsFound), scheduled-run status by group, execute, test-run groups, abort,
// applications and devices, behind `x-sofy-auth-key`; unknown ids answer 400 as Sofy does.
#include <memory>

#include "sandbox/core/emulator.hpp"

namespace runhub::sandbox::sofy {

std::unique_ptr<runhub::sandbox::emulator> make_sofy_emulator(
    const runhub::sandbox::emulator_options&);

}  // namespace runhub::sandbox::sofy
