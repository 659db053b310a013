#pragma once
// The Testmo emulator: Testmo's automation-runs API under /api/v1 on its own port (see README.md
// beside this file).
#include <memory>

#include "sandbox/core/emulator.hpp"

namespace runhub::sandbox::testmo {

std::unique_ptr<runhub::sandbox::emulator> make_testmo_emulator(
    const runhub::sandbox::emulator_options&);

}  // namespace runhub::sandbox::testmo
