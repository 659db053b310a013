#include "sandbox/testerarmy/testerarmy_lifecycle.hpp"

namespace runhub::sandbox::testerarmy {

lifecycle_view lifecycle_at(const lifecycle_input& in, time_point now) {
    const time_point starts = in.triggered_at + in.queued_for;
    const time_point ends = starts + in.running_for;
    lifecycle_view v;
    if (in.cancelled_at && *in.cancelled_at <= now && *in.cancelled_at < ends) {
        v.at = phase::ended;
        v.cancelled = true;
        v.ended_at = *in.cancelled_at;
        if (*in.cancelled_at >= starts) v.started_at = starts;
        return v;
    }
    if (now < starts) return v;
    v.started_at = starts;
    if (now < ends) {
        v.at = phase::running;
        return v;
    }
    v.at = phase::ended;
    v.ended_at = ends;
    return v;
}

}  // namespace runhub::sandbox::testerarmy
