#pragma once
// Operations endpoints: GET /healthz, GET /readyz, GET /metrics.
#include <atomic>
#include <memory>

#include "http/metrics.hpp"
#include "http/router.hpp"

namespace runhub::api {

// What /readyz reports. The service flips these as its parts come up; thread-safe.
class readiness {
  public:
    void set_listening(bool v) { listening_ = v; }
    void set_sources_ready(bool v) { sources_ready_ = v; }
    void set_draining(bool v) { draining_ = v; }
    bool ready() const { return listening_ && sources_ready_ && !draining_; }
    bool listening() const { return listening_; }
    bool sources_ready() const { return sources_ready_; }
    bool draining() const { return draining_; }

  private:
    std::atomic<bool> listening_{false};
    std::atomic<bool> sources_ready_{false};
    std::atomic<bool> draining_{false};
};

// /healthz: 200 while the process serves. /readyz: 200 when ready, else 503 with what is missing.
// /metrics: the registry in Prometheus text format.
void add_ops_routes(http::router& r, std::shared_ptr<readiness> ready,
                    std::shared_ptr<http::metrics_registry> metrics);

}  // namespace runhub::api
