# One place for warning flags; every runhub target links runhub_warnings.
add_library(runhub_warnings INTERFACE)
target_compile_options(runhub_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor -Wno-missing-field-initializers)
