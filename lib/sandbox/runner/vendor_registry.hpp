#pragma once
// The vendor emulators built into this binary, in port order (sofy, testerarmy, testmo,
// buildkite, zof). A vendor whose library is not built has no factory and is reported missing.
#include <string>
#include <vector>

#include "sandbox/core/vendor_server.hpp"

namespace runhub::sandbox {

struct vendor_entry {
    std::string name;
    emulator_factory make;  // empty when the vendor is not built in
};

// All five, in port order.
const std::vector<vendor_entry>& vendor_registry();

}  // namespace runhub::sandbox
