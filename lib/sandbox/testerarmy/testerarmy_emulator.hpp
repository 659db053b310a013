#pragma once
// The TesterArmy emulator (vendor-notes.md §2): list, get, cancel and trigger runs under /api/v1,
// Bearer `sk_…` auth, `limit`/`cursor` → `nextCursor` paging, and completion webhooks.
#include <memory>

#include "sandbox/core/emulator.hpp"

namespace runhub::sandbox::testerarmy {

std::unique_ptr<runhub::sandbox::emulator> make_testerarmy_emulator(
    const runhub::sandbox::emulator_options&);

}  // namespace runhub::sandbox::testerarmy
