#include "sandbox/runner/vendor_registry.hpp"

// Each vendor's library lands on its own; CMake defines RUNHUB_SANDBOX_HAS_<VENDOR> when the
// target exists, and the header must be there too.
#if defined(RUNHUB_SANDBOX_HAS_SOFY) && __has_include("sandbox/sofy/sofy_emulator.hpp")
#include "sandbox/sofy/sofy_emulator.hpp"
#define RUNHUB_WITH_SOFY 1
#endif
#if defined(RUNHUB_SANDBOX_HAS_TESTERARMY) && \
    __has_include("sandbox/testerarmy/testerarmy_emulator.hpp")
#include "sandbox/testerarmy/testerarmy_emulator.hpp"
#define RUNHUB_WITH_TESTERARMY 1
#endif
#if defined(RUNHUB_SANDBOX_HAS_TESTMO) && __has_include("sandbox/testmo/testmo_emulator.hpp")
#include "sandbox/testmo/testmo_emulator.hpp"
#define RUNHUB_WITH_TESTMO 1
#endif
#if defined(RUNHUB_SANDBOX_HAS_BUILDKITE) && \
    __has_include("sandbox/buildkite/buildkite_emulator.hpp")
#include "sandbox/buildkite/buildkite_emulator.hpp"
#define RUNHUB_WITH_BUILDKITE 1
#endif
#if defined(RUNHUB_SANDBOX_HAS_ZOF) && __has_include("sandbox/zof/zof_emulator.hpp")
#include "sandbox/zof/zof_emulator.hpp"
#define RUNHUB_WITH_ZOF 1
#endif

namespace runhub::sandbox {

const std::vector<vendor_entry>& vendor_registry() {
    static const std::vector<vendor_entry> all = {
#ifdef RUNHUB_WITH_SOFY
        {"sofy", &sofy::make_sofy_emulator},
#else
        {"sofy", {}},
#endif
#ifdef RUNHUB_WITH_TESTERARMY
        {"testerarmy", &testerarmy::make_testerarmy_emulator},
#else
        {"testerarmy", {}},
#endif
#ifdef RUNHUB_WITH_TESTMO
        {"testmo", &testmo::make_testmo_emulator},
#else
        {"testmo", {}},
#endif
#ifdef RUNHUB_WITH_BUILDKITE
        {"buildkite", &buildkite::make_buildkite_emulator},
#else
        {"buildkite", {}},
#endif
#ifdef RUNHUB_WITH_ZOF
        {"zof", &zof::make_zof_emulator},
#else
        {"zof", {}},
#endif
    };
    return all;
}

}  // namespace runhub::sandbox
