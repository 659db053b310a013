#pragma once
// The Zof AI emulator: Zof's runs API under /v1 on its own port (see README.md beside this file).
#include <memory>

#include "sandbox/core/emulator.hpp"

namespace runhub::sandbox::zof {

std::unique_ptr<runhub::sandbox::emulator> make_zof_emulator(
    const runhub::sandbox::emulator_options&);

}  // namespace runhub::sandbox::zof
