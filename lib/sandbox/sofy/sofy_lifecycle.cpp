#include "sandbox/sofy/sofy_lifecycle.hpp"

namespace runhub::sandbox::sofy {

lifecycle_view lifecycle_at(const lifecycle_input& in, time_point now) {
    const time_point starts = in.triggered_at + in.queued_for;
    const time_point ends = starts + in.running_for;
    if (in.aborted_at && *in.aborted_at <= now && *in.aborted_at < ends)
        return {phase::ended, true};
    if (now < starts) return {phase::queued, false};
    if (now < ends) return {phase::running, false};
    return {phase::ended, false};
}

}  // namespace runhub::sandbox::sofy
